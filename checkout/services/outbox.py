"""Customer emails through the outbox: written in the same transaction as their cause,
sent after the commit by a huey task, claimed with a conditional update, swept if left behind."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from huey.contrib.djhuey import db_task

from checkout.emails import render_customer_email
from checkout.errors import CheckoutError
from checkout.models import Order, OrderEvent, OutboxEmail
from checkout.services.history import order_note_add

logger = logging.getLogger(__name__)

S = Order.Status


OUTBOX_MAX_ATTEMPTS = 8


def email_queue(*, order: Order, kind: str) -> OutboxEmail | None:
    """Write a customer email into the outbox, inside the caller's transaction.

    It is sent after the commit; if the queue is down the row waits and the
    periodic sweep sends it. A receipt is written once per order.
    """
    if kind == OutboxEmail.Kind.RECEIPT and OutboxEmail.objects.filter(order=order, kind=kind).exists():
        return None
    subject, text, html = render_customer_email(order=order, kind=kind)
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                order=order, kind=kind, to=order.email, subject=subject, body_text=text, body_html=html
            )
    except IntegrityError:  # a concurrent writer queued the receipt first
        return None
    _email_enqueue_after_commit(email.pk)
    return email


ACCOUNT_BODY_GONE = "Not kept after sending: it carried a sign-in link. The shopper can ask for a new email."


def _body_gone(email: OutboxEmail) -> dict:
    """An account email's confirmation or password-reset link signs its holder in: once the email has left the
    queue for good (sent, refused or given up), its text is not kept where staff (who may hold fewer rights than
    the account) could read it in the admin."""
    if email.kind != OutboxEmail.Kind.ACCOUNT:
        return {}
    return {"body_text": ACCOUNT_BODY_GONE, "body_html": f"<p>{ACCOUNT_BODY_GONE}</p>"}


def email_queue_message(*, kind: str, to: str, subject: str, text: str, html: str,
                        headers: dict[str, str] | None = None) -> OutboxEmail:
    """Write an email that is about no order (an account's confirmation link, a password reset, a
    back-in-stock alert, the staff's low-stock digest) into the outbox, with any extra headers it
    carries; it is sent after the caller's transaction commits, like every customer email."""
    email = OutboxEmail.objects.create(kind=OutboxEmail.Kind(kind), to=to, subject=subject, body_text=text,
                                       body_html=html, headers=headers or {})
    _email_enqueue_after_commit(email.pk)
    return email


@db_task(retries=6, retry_delay=15, retry_backoff=2)
def send_email(email_id: int) -> None:
    """Send one outbox row; an SMTP error raises, and huey retries with backoff."""
    email_send(email_id=email_id)


def _email_enqueue_after_commit(email_id: int) -> None:
    transaction.on_commit(lambda: send_email(email_id), robust=True)


def smtp_refused_for_good(error: Exception) -> bool:
    """True when the mail server said no for good (an SMTP 5xx reply: unknown mailbox, message refused).

    Sending the same message again would get the same answer, so it is not retried; a 4xx reply
    ("mailbox busy, try later"), a timeout or a dropped connection is retried.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def email_send(*, email_id: int) -> bool:
    """Send one outbox row, at most once per claim. True if this call sent it.

    The row is claimed with a conditional update (queued → sending): a second
    worker, or the sweep, finds nothing to claim. An SMTP error puts the row back
    to queued with the error and raises, so the task retries with backoff; after
    OUTBOX_MAX_ATTEMPTS it is marked failed for staff. A permanent refusal (5xx) is
    marked failed at once, noted on the order for staff, and not retried.
    """
    claimed = OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.QUEUED).update(
        status=OutboxEmail.Status.SENDING, attempts=F("attempts") + 1, updated=timezone.now()
    )
    if not claimed:
        return False
    email = OutboxEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to],
        headers=email.headers,
    )
    message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as error:
        if smtp_refused_for_good(error):
            _email_refused(email=email, error=error)
            return False
        status = OutboxEmail.Status.FAILED if email.attempts >= OUTBOX_MAX_ATTEMPTS else OutboxEmail.Status.QUEUED
        OutboxEmail.objects.filter(pk=email_id).update(
            status=status, last_error=f"{type(error).__name__}: {error}"[:2000],
            **(_body_gone(email) if status == OutboxEmail.Status.FAILED else {}),
        )
        logger.warning("Email %s (%s to %s) failed, attempt %d: %s", email_id, email.kind, email.to, email.attempts, error)
        raise
    now = timezone.now()
    OutboxEmail.objects.filter(pk=email_id).update(
        status=OutboxEmail.Status.SENT, sent_at=now, last_error="", **_body_gone(email)
    )
    if email.order_id:
        if email.kind == OutboxEmail.Kind.RECEIPT:
            Order.objects.filter(pk=email.order_id, receipt_sent_at__isnull=True).update(receipt_sent_at=now)
        OrderEvent.objects.create(
            order_id=email.order_id, kind=OrderEvent.Kind.EMAIL, to_status=email.order.status,
            from_status=email.order.status, note=f"{email.get_kind_display()} email sent to {email.to}.",
        )
    logger.info("Email %s (%s) sent to %s", email_id, email.kind, email.to)
    return True


def _email_refused(*, email: OutboxEmail, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"[:2000]
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, last_error=reason,
                                                   **_body_gone(email))
    logger.warning("Email %s (%s to %s) refused for good, not retried: %s", email.pk, email.kind, email.to, error)
    if email.order_id:
        order_note_add(order=email.order, kind=OrderEvent.Kind.EMAIL,
                       note=f"{email.get_kind_display()} email to {email.to} was refused by the mail server and "
                            f"will not be retried; check the address, then resend it from the outbox.")


def email_resend(*, email: OutboxEmail, actor=None) -> None:
    """Staff ask for an email to go out again (a failed one, or a receipt the customer lost)."""
    if email.kind == OutboxEmail.Kind.ACCOUNT and email.status in (OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED):
        raise CheckoutError(f"The account email to {email.to} has left the queue and its link is not kept: "
                            "the shopper can ask for a new one on the sign-in page.")
    with transaction.atomic():
        updated = OutboxEmail.objects.filter(pk=email.pk).exclude(status=OutboxEmail.Status.SENDING).update(
            status=OutboxEmail.Status.QUEUED, last_error=""
        )
        if not updated:
            raise CheckoutError("That email is being sent right now.")
        if email.order_id:
            order_note_add(order=email.order, note=f"{email.get_kind_display()} email queued again.", actor=actor,
                           kind=OrderEvent.Kind.EMAIL)
        _email_enqueue_after_commit(email.pk)


def receipt_resend(*, order: Order, actor=None) -> None:
    email = OutboxEmail.objects.filter(order=order, kind=OutboxEmail.Kind.RECEIPT).first()
    if email is None:
        if order.payment_state == Order.PaymentState.UNPAID:
            raise CheckoutError(f"Order {order.display_number} is not paid: there is no receipt yet.")
        with transaction.atomic():
            email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
        return
    email_resend(email=email, actor=actor)


def outbox_sweep(*, queued_for_seconds: int = 60, stuck_for_minutes: int = 15) -> int:
    """Periodic: send rows left queued (the queue was down), and surface stuck ones.

    A row still "sending" long after its claim may or may not have gone out (the
    worker died mid-send); it is marked failed for staff rather than sent again,
    so no customer gets a duplicate without a person deciding so.
    """
    now = timezone.now()
    stuck = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, updated__lt=now - timedelta(minutes=stuck_for_minutes)
    )
    interrupted = "Interrupted while sending; check and resend if needed."
    stuck.filter(kind=OutboxEmail.Kind.ACCOUNT).update(
        status=OutboxEmail.Status.FAILED, last_error=interrupted, **_body_gone(OutboxEmail(kind=OutboxEmail.Kind.ACCOUNT))
    )
    stuck.update(status=OutboxEmail.Status.FAILED, last_error=interrupted)
    sent = 0
    waiting = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.QUEUED, updated__lt=now - timedelta(seconds=queued_for_seconds)
    ).order_by("created").values_list("pk", flat=True)[:500]
    for email_id in list(waiting):
        try:
            sent += email_send(email_id=email_id)
        except Exception:
            continue  # recorded on the row; the next sweep tries again
    return sent
