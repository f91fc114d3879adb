"""Background work. Tasks take ids, load fresh rows and call a service."""

import logging

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from checkout import services
from checkout.models import Order

logger = logging.getLogger(__name__)


@db_task(retries=6, retry_delay=15, retry_backoff=2)
def send_email(email_id: int) -> None:
    """Send one outbox row; an SMTP error raises, and huey retries with backoff."""
    services.email_send(email_id=email_id)


@db_task(retries=3, retry_delay=60)
def refund_out_of_stock(order_id: int) -> None:
    """SHOP_AUTO_REFUND_OUT_OF_STOCK: a payment that arrived after its stock was gone is refunded."""
    order = Order.objects.get(pk=order_id)
    if order.status == Order.Status.PAID_OUT_OF_STOCK:
        services.order_cancel_by_staff(
            order=order, reason="Sold out before the payment arrived; refunded automatically."
        )


@db_periodic_task(crontab(minute="*/5"))
def release_expired_holds() -> None:
    handled = services.orders_release_expired_holds()
    if handled:
        logger.info("Released or settled %d expired holds", handled)


@db_periodic_task(crontab(minute="*/2"))
def sweep_outbox() -> None:
    sent = services.outbox_sweep()
    if sent:
        logger.info("Outbox sweep sent %d waiting emails", sent)


@db_periodic_task(crontab(hour="3", minute="17"))
def housekeeping() -> None:
    """Nightly: expired sessions, old webhook ledger rows and abandoned carts."""
    call_command("clearsessions")
    services.housekeeping()
