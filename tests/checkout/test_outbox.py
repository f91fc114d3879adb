"""The outbox: written with the change, sent once, retried, swept; against a real SMTP server."""

import threading
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from checkout.models import Order, OutboxEmail
from checkout.services.orders import order_place
from checkout.services.outbox import OUTBOX_MAX_ATTEMPTS, email_queue, email_resend, email_send, outbox_sweep
from checkout.tasks import sweep_outbox
from tests import factories
from tests.support.smtp import SMTPServer

pytestmark = pytest.mark.django_db

DEAD_SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                         "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2}}}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SMTP_TIMEOUT = 1  # seconds; the shop's own is 20 (shop/settings.py), too long to wait for in a test


@pytest.fixture(scope="module")
def _smtp_process():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(_smtp_process, settings):
    """A real SMTP server in its own process, accepting, with the shop's mailer pointing at it."""
    _smtp_process.reset()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": _smtp_process.port,
                                                "timeout": SMTP_TIMEOUT}}}
    yield _smtp_process
    _smtp_process.reset()


@pytest.fixture
def huey_schedule():
    """huey's schedule (in memory in the test run, Redis in production), where a retry waits; empty
    before and after."""
    HUEY.flush()
    yield HUEY
    HUEY.flush()


def _paid_order(token="o" * 32):
    variant = factories.variant(stock=5)
    order = order_place(cart=factories.cart_with((variant, 1)), details=factories.details(),
                                 checkout_token=token)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, payment_state=Order.PaymentState.PAID,
                                             amount_paid=order.total)
    order.refresh_from_db()
    return order


def _queue_receipt(order, capture_on_commit):
    """Write the receipt as a payment does; after the commit, huey runs the send task (at once in tests)."""
    with capture_on_commit(execute=True), transaction.atomic():
        return email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)


def test_the_email_is_written_in_the_same_transaction_and_rolled_back_with_it():
    order = _paid_order()
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(order=order, kind=OutboxEmail.Kind.SHIPPED)
        assert OutboxEmail.objects.count() == 1
        raise RuntimeError("the change failed after the email was written")
    assert OutboxEmail.objects.count() == 0


def test_one_receipt_per_order_and_each_row_is_sent_once(mailoutbox):
    order = _paid_order()
    first = email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
    assert email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT) is None
    assert email_send(email_id=first.pk) is True
    assert email_send(email_id=first.pk) is False
    assert len(mailoutbox) == 1
    first.refresh_from_db()
    order.refresh_from_db()
    assert first.status == OutboxEmail.Status.SENT and first.attempts == 1
    assert order.receipt_sent_at is not None
    assert "text/html" in mailoutbox[0].alternatives[0].mimetype


def test_an_smtp_error_is_recorded_and_the_retry_sends_it(settings, mailoutbox):
    order = _paid_order()
    email = email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
    settings.MAILERS = DEAD_SMTP  # a real SMTP connection to a port where nothing listens
    with pytest.raises(OSError):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED and email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    settings.MAILERS = LOCMEM
    assert email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 2 and email.last_error == ""
    assert len(mailoutbox) == 1


def test_after_too_many_attempts_the_row_is_failed_for_staff(settings):
    order = _paid_order()
    email = email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
    OutboxEmail.objects.filter(pk=email.pk).update(attempts=OUTBOX_MAX_ATTEMPTS - 1)
    settings.MAILERS = DEAD_SMTP
    with pytest.raises(OSError):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED


def test_the_sweeper_sends_rows_left_queued_once(mailoutbox):
    order = _paid_order()
    # Written while the queue was down: the row is there, no task ever ran.
    email = OutboxEmail.objects.create(order=order, kind=OutboxEmail.Kind.RECEIPT, to=order.email,
                                       subject="s", body_text="t", body_html="<p>h</p>")
    OutboxEmail.objects.filter(pk=email.pk).update(updated=timezone.now() - timedelta(minutes=5))
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    assert len(mailoutbox) == 1


def test_a_row_stuck_in_sending_is_surfaced_not_sent_again(mailoutbox):
    order = _paid_order()
    email = OutboxEmail.objects.create(order=order, kind=OutboxEmail.Kind.SHIPPED, to=order.email,
                                       subject="s", body_text="t", body_html="h", status=OutboxEmail.Status.SENDING)
    OutboxEmail.objects.filter(pk=email.pk).update(updated=timezone.now() - timedelta(hours=1))
    outbox_sweep()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED and "resend" in email.last_error
    assert mailoutbox == []
    email_resend(email=email)
    email_send(email_id=email.pk)
    assert len(mailoutbox) == 1


def test_a_row_in_sending_for_less_than_the_cutoff_is_left_to_its_worker(mailoutbox):
    order = _paid_order()
    fresh = OutboxEmail.objects.create(order=order, kind=OutboxEmail.Kind.SHIPPED, to=order.email, subject="s",
                                       body_text="t", body_html="h", status=OutboxEmail.Status.SENDING)
    stuck = OutboxEmail.objects.create(order=order, kind=OutboxEmail.Kind.DELIVERED, to=order.email, subject="s",
                                       body_text="t", body_html="h", status=OutboxEmail.Status.SENDING)
    OutboxEmail.objects.filter(pk=fresh.pk).update(updated=timezone.now() - timedelta(minutes=14))
    OutboxEmail.objects.filter(pk=stuck.pk).update(updated=timezone.now() - timedelta(minutes=16))
    sweep_outbox.call_local()  # the periodic task, every 2 minutes
    fresh.refresh_from_db()
    stuck.refresh_from_db()
    assert fresh.status == OutboxEmail.Status.SENDING and fresh.last_error == ""  # a slow send, still going
    assert stuck.status == OutboxEmail.Status.FAILED and "resend" in stuck.last_error
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_never_twice_when_workers_race_for_the_same_row(mailoutbox):
    order = _paid_order()
    email = OutboxEmail.objects.create(order=order, kind=OutboxEmail.Kind.RECEIPT, to=order.email,
                                       subject="s", body_text="t", body_html="h")
    barrier = threading.Barrier(6)
    results = []

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(email_send(email_id=email.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(results) == [False] * 5 + [True]
    assert len(mailoutbox) == 1


def test_every_customer_email_renders_in_html_and_text():
    order = _paid_order()
    order.carrier, order.tracking_number, order.tracking_url = "DHL", "JD1", "https://dhl.example/JD1"
    for kind in OutboxEmail.Kind.values:
        if kind == OutboxEmail.Kind.ACCOUNT:
            continue  # allauth's mails, about no order: tests/accounts/test_emails.py
        if kind in (OutboxEmail.Kind.STOCK_ALERT_CONFIRM, OutboxEmail.Kind.BACK_IN_STOCK, OutboxEmail.Kind.LOW_STOCK):
            continue  # the storefront's stock emails, about no order: tests/storefront/test_alerts.py
        email = OutboxEmail(order=order, kind=kind)
        from checkout.emails import render_customer_email

        subject, text, html = render_customer_email(order=order, kind=kind)
        assert order.display_number in subject
        assert order.display_number in text and order.display_number in html
        assert "{%" not in text and "{{" not in html
        assert email.get_kind_display()


def test_customer_names_are_escaped_in_html_emails():
    order = _paid_order()
    Order.objects.filter(pk=order.pk).update(full_name="<script>alert(1)</script>")
    order.refresh_from_db()
    from checkout.emails import render_customer_email

    _, text, html = render_customer_email(order=order, kind=OutboxEmail.Kind.RECEIPT)
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- A real SMTP server (aiosmtpd, in its own process) ---------------------------------------------------


def test_a_receipt_really_arrives_at_the_smtp_server(smtp_server, huey_schedule, django_capture_on_commit_callbacks):
    order = _paid_order()
    email = _queue_receipt(order, django_capture_on_commit_callbacks)
    [received] = smtp_server.received()
    assert received.rcpt_tos == [order.email] and received.mail_from == parseaddr(django_settings.DEFAULT_FROM_EMAIL)[1]
    assert received.message["Subject"] == email.subject and order.display_number in email.subject
    assert order.display_number in received.message.get_body(preferencelist=("plain",)).get_content()
    assert received.message.get_body(preferencelist=("html",)) is not None
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 1
    assert huey_schedule.scheduled() == []


@pytest.mark.parametrize("fault, error", [
    (lambda server: server.refuse("rcpt", "451 4.3.0 Mailbox busy, try again later"), "451"),
    (lambda server: server.refuse("data", "452 4.3.1 Insufficient system storage"), "452"),
    (lambda server: server.slow(), "timed out"),
], ids=["refused-at-rcpt", "refused-after-data", "slower-than-the-timeout"])
def test_a_refusing_or_slow_smtp_server_delays_the_email_but_never_loses_or_doubles_it(
        smtp_server, huey_schedule, django_capture_on_commit_callbacks, fault, error):
    order = _paid_order()
    fault(smtp_server)
    email = _queue_receipt(order, django_capture_on_commit_callbacks)  # returns: the worker is not hung
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED and email.attempts == 1 and error in email.last_error
    assert smtp_server.received() == []
    [retry] = huey_schedule.scheduled()  # huey retries later, with backoff, not at once
    assert retry.args == (email.pk,) and retry.eta > datetime.now(UTC).replace(tzinfo=None)
    smtp_server.reset()  # the server accepts again (and lets go of a conversation it held)
    # When the retry is due, the consumer's scheduler takes it from the schedule and a worker runs it.
    for task in huey_schedule.read_schedule(retry.eta):
        huey_schedule.execute(task, timestamp=retry.eta)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 2 and email.last_error == ""
    [received] = smtp_server.received()
    assert received.rcpt_tos == [order.email] and order.display_number in received.message["Subject"]


@pytest.mark.parametrize("stage, reply", [
    ("rcpt", "550 5.1.1 No such user here"),
    ("data", "554 5.7.1 Message refused"),
], ids=["unknown-mailbox", "message-refused"])
def test_a_permanent_refusal_is_not_retried_but_noted_for_staff_who_can_resend(
        smtp_server, huey_schedule, django_capture_on_commit_callbacks, stage, reply):
    order = _paid_order()
    smtp_server.refuse(stage, reply)
    email = _queue_receipt(order, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED and email.attempts == 1 and reply[:3] in email.last_error
    assert huey_schedule.scheduled() == []  # the same message would get the same answer: no retry
    assert smtp_server.received() == []
    assert order.events.filter(note__contains="refused by the mail server").count() == 1
    # Staff correct the address with the customer and resend: it arrives once.
    smtp_server.reset()
    with django_capture_on_commit_callbacks(execute=True):
        email_resend(email=email)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(smtp_server.received()) == 1


def test_an_account_email_that_fails_for_good_keeps_no_sign_in_link_and_is_not_resent(
        smtp_server, huey_schedule, django_capture_on_commit_callbacks):
    from checkout.errors import CheckoutError
    from checkout.services.outbox import ACCOUNT_BODY_GONE, email_queue_message

    smtp_server.refuse("rcpt", "550 5.1.1 No such user here")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = email_queue_message(kind=OutboxEmail.Kind.ACCOUNT, to="ada@example.com", subject="Choose a new password",
                                    text="https://shop.example.com/accounts/password/reset/key/secret/", html="<p>x</p>")
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED and "550" in email.last_error
    assert email.body_text == ACCOUNT_BODY_GONE and "secret" not in email.body_html
    with pytest.raises(CheckoutError, match="ask for a new one"):
        email_resend(email=email)
    assert smtp_server.received() == []


def test_an_emails_extra_headers_arrive_at_the_smtp_server_and_a_staff_resend_keeps_them(
        smtp_server, huey_schedule, django_capture_on_commit_callbacks):
    from checkout.services.outbox import email_queue_message

    headers = {"List-Unsubscribe": "<https://shop.example.com/alerts/unsubscribe/abc/>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    smtp_server.refuse("rcpt", "550 5.1.1 No such user here")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = email_queue_message(kind=OutboxEmail.Kind.BACK_IN_STOCK, to="ada@example.com",
                                    subject="Wool Throw is back in stock", text="It is back.",
                                    html="<p>It is back.</p>", headers=headers)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED and email.body_text == "It is back."  # no sign-in link: kept
    smtp_server.reset()
    with django_capture_on_commit_callbacks(execute=True):
        email_resend(email=email)  # staff, after checking the address
    [received] = smtp_server.received()
    assert received.rcpt_tos == ["ada@example.com"]
    assert received.message["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.message.get_body(preferencelist=("plain",)).get_content().strip() == "It is back."
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.headers == headers
