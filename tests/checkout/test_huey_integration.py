"""A real huey consumer on real Redis sends a receipt end to end.

Three real processes: this test (it owns the test database), a "web" process
that marks an order paid (its huey writes to Redis), and `manage.py run_huey`
(the Procfile's worker), which sends the mail to a folder.
"""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from checkout.models import Order, OutboxEmail
from checkout.services.orders import order_place
from checkout.services.outbox import outbox_sweep
from checkout.services.payments import payment_start
from tests import factories
from tests.support.processes import ROOT, child_env
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_db(redis_base_url):
    """Database 15 of a real Redis, empty before and after."""
    import redis

    url = f"{redis_base_url}/15"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.url = url
    yield client
    client.flushdb()


def _env(mail_dir: Path, redis_url: str) -> dict:
    return child_env(REDIS_URL=redis_url, EMAIL_URL=f"filemail://{mail_dir}")


def _in_web_process(code: str, env: dict) -> subprocess.CompletedProcess:
    script = "import django; django.setup()\n" + code
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def _pending_demo_order(settings_fixture) -> Order:
    settings_fixture.DEBUG = True
    settings_fixture.STRIPE_SECRET_KEY = ""
    variant = factories.variant(stock=5, price="42.00")
    order = order_place(cart=factories.cart_with((variant, 1)), details=factories.details(),
                                 checkout_token="h" * 32)
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    return order


def test_a_real_consumer_sends_the_receipt(redis_db, tmp_path, settings):
    order = _pending_demo_order(settings)
    env = _env(tmp_path, redis_db.url)
    worker = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        paid = _in_web_process(
            "from checkout.services.payments import demo_payment_complete\n"
            f"print(demo_payment_complete(session_id='demo_{order.number}', pay=True).status)", env)
        assert paid.returncode == 0, paid.stderr
        assert paid.stdout.strip().endswith("paid")
        receipt = OutboxEmail.objects.get(order=order, kind=OutboxEmail.Kind.RECEIPT)
        assert wait_until(lambda: OutboxEmail.objects.get(pk=receipt.pk).status == OutboxEmail.Status.SENT,
                          timeout=30, interval=0.2), \
            "the worker did not send the receipt"
        files = list(tmp_path.glob("*.log"))
        assert len(files) == 1
        content = files[0].read_text()
        assert order.display_number in content and "ada@example.com" in content
        order.refresh_from_db()
        assert order.receipt_sent_at is not None
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
    assert "send_email" in output  # the consumer really ran the task


def test_with_redis_down_the_payment_completes_and_the_sweep_sends_the_email(redis_db, tmp_path, settings,
                                                                               mailoutbox):
    order = _pending_demo_order(settings)
    env = _env(tmp_path, "redis://127.0.0.1:1/0")  # nothing listens there
    paid = _in_web_process(
        "from checkout.services.payments import demo_payment_complete\n"
        f"print(demo_payment_complete(session_id='demo_{order.number}', pay=True).status)", env)
    assert paid.returncode == 0, paid.stderr
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # the shopper's payment is recorded regardless
    receipt = OutboxEmail.objects.get(order=order, kind=OutboxEmail.Kind.RECEIPT)
    assert receipt.status == OutboxEmail.Status.QUEUED  # waiting: the task could not be enqueued
    # Redis is back: the periodic sweep (here called directly) sends it, once.
    assert outbox_sweep(queued_for_seconds=0) == 1
    assert outbox_sweep(queued_for_seconds=0) == 0
    assert len(mailoutbox) == 1 and order.display_number in mailoutbox[0].subject
    assert not list(tmp_path.glob("*.log"))


def test_worker_stopped_for_a_while_nothing_lost_each_email_once(redis_db, tmp_path, settings, mailoutbox):
    """Payments go on while the worker is down; on restart each email goes out once,
    even with the periodic sweep racing the queued tasks."""
    env = _env(tmp_path, redis_db.url)
    numbers = []
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    for i in range(3):
        variant = factories.variant(stock=5, price="10.00")
        order = order_place(cart=factories.cart_with((variant, 1)),
                                     details=factories.details(email=f"w{i}@example.com"), checkout_token=f"{i:032d}")
        payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
        numbers.append(order.number)
    code = "from checkout.services.payments import demo_payment_complete\n" + "".join(
        f"demo_payment_complete(session_id='demo_{n}', pay=True)\n" for n in numbers)
    assert _in_web_process(code, env).returncode == 0
    assert redis_db.llen("huey.redis.shop") == 3  # one task per receipt, waiting in Redis
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED).count() == 3
    # The worker comes back; the sweep runs at the same moment in another process.
    worker = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        sweep = _in_web_process("from checkout.services.outbox import outbox_sweep\nprint(outbox_sweep(queued_for_seconds=0))",
                                env)
        assert sweep.returncode == 0, sweep.stderr
        assert wait_until(lambda: OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 3,
                          timeout=30, interval=0.2)
        # Every queued task has been taken by the worker ...
        assert wait_until(lambda: redis_db.llen("huey.redis.shop") == 0, timeout=30, interval=0.2)
    finally:
        # ... and a graceful stop (SIGINT) lets each task it took run to the end, so a duplicate
        # send, if there were one, is in the mail folder before we count.
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, output
    files = list(tmp_path.glob("*.log"))
    sent = "".join(f.read_text() for f in files)
    for number in numbers:
        display = f"{number[:5]}-{number[5:]}"
        assert sent.count(f"Subject: Northwind Goods: Receipt for order {display}") == 1, display
    assert sum(OutboxEmail.objects.values_list("attempts", flat=True)) == 3
