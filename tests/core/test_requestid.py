"""Every log line of a request carries its request id, the response echoes it, and a task the request
enqueued logs under the same id in the worker."""

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from checkout.models import OutboxEmail
from core.requestid import RequestIdFilter
from tests.support.processes import ROOT, child_env, free_port, stop
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db

ROUTER_ID = "7f1c2a9e-5b3d-4e8f-9a60-1d2c3b4a5f6e"  # what Heroku's router sends: a uuid


@pytest.fixture
def log_output():
    """What the shop's own stdout handler (settings.LOGGING) writes, formatter and filter included."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_log_line_written_inside_a_view_carries_the_id_from_the_header(client, log_output):
    # Stripe's webhook view logs a warning when it refuses an unsigned event.
    response = client.post("/stripe/webhook/", data="{}", content_type="application/json",
                           headers={"X-Request-ID": ROUTER_ID})
    assert response.status_code == 400
    lines = [line for line in log_output.getvalue().splitlines() if "Refused a webhook" in line]
    assert lines, log_output.getvalue()
    assert f"request_id={ROUTER_ID} " in lines[0]


def test_the_response_echoes_the_request_id(client):
    response = client.get("/health/", headers={"X-Request-ID": ROUTER_ID})
    assert response["X-Request-ID"] == ROUTER_ID


@pytest.mark.parametrize("header", [
    "too-short",
    "x" * 201,
    "long enough but with spaces 0123456789",
    "7f1c2a9e-5b3d-4e8f-9a60-1d2c3b4a5f6e\nINFO forged line",
    "<script>alert(1)</script>-0123456789",
])
def test_a_malformed_request_id_is_replaced_by_a_fresh_one(client, log_output, header):
    response = client.get("/no/such/page/", headers={"X-Request-ID": header})
    fresh = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert f"request_id={fresh} " in log_output.getvalue()  # Django's "Not Found" line
    assert header not in log_output.getvalue()


def test_without_a_header_each_request_gets_its_own_id(client):
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_line_outside_any_request_says_so(log_output):
    logging.getLogger("shop").warning("Not in a request")
    assert "request_id=- Not in a request" in log_output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_during_a_request_logs_its_request_id_in_the_worker(redis_base_url, tmp_path):
    """Two real processes on a real Redis: a web process enqueues a send under a request id, and the
    worker (`manage.py run_huey`, the Procfile's worker) writes its lines with that id."""
    import redis

    url = f"{redis_base_url}/11"  # a database no other test file uses: suites on one machine share Redis
    redis.Redis.from_url(url).flushdb()
    email = OutboxEmail.objects.create(kind=OutboxEmail.Kind.SHIPPED, to="ada@example.com", subject="Shipped",
                                       body_text="On its way.", body_html="<p>On its way.</p>")
    env = child_env(REDIS_URL=url, EMAIL_URL=f"filemail://{tmp_path}")
    # The request's middleware sets the id; here the web process sets it the same way and enqueues.
    web = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n"
                               "from core.requestid import request_id\n"
                               f"request_id.set({ROUTER_ID!r})\n"
                               "from checkout.services.outbox import send_email\n"
                               f"send_email({email.pk})\n"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert web.returncode == 0, web.stderr
    worker = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "1"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        sent_in_time = wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT,
                                  timeout=30, interval=0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=30)[0]
        redis.Redis.from_url(url).flushdb()
    assert sent_in_time, f"the worker did not send the email:\n{output}"
    sent = [line for line in output.splitlines() if f"Email {email.pk} (shipped) sent" in line]
    assert len(sent) == 1, output
    assert f"request_id={ROUTER_ID} " in sent[0]
    executing = [line for line in output.splitlines() if "Executing checkout.services.outbox.send_email" in line]
    assert len(executing) == 1, output  # once: huey's lines go through the shop's handler only
    assert ROUTER_ID in executing[0]  # the task id starts with the request id


def test_the_procfile_web_process_writes_the_request_id_in_its_access_log():
    """The Procfile's own `web` command (gunicorn), run as Heroku runs it: its access line has the id."""
    web = re.search(r"^web: (.+)$", (ROOT / "Procfile").read_text(), re.M).group(1)
    port = free_port()
    env = child_env(PORT=str(port), WEB_CONCURRENCY="1", PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    process = subprocess.Popen(["bash", "-c", f"exec {web}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)

    def listening() -> bool:
        assert process.poll() is None, process.stdout.read()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    try:
        assert wait_until(listening, timeout=30, interval=0.2), "gunicorn did not start"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/health/", headers={"X-Request-ID": ROUTER_ID})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["X-Request-ID"] == ROUTER_ID
    finally:
        output = stop(process)
    access = [line for line in output.splitlines() if '"GET /health/ HTTP/1.1" 200' in line]
    assert len(access) == 1, output
    assert access[0].endswith(f"request_id={ROUTER_ID}")
