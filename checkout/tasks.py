"""Checkout's periodic jobs. Tasks take ids, load fresh rows and call a service.

The tasks a service enqueues live beside it (send_email in services/outbox.py,
refund_out_of_stock in services/lifecycle.py); importing this module, as huey's
consumer does, registers them too.
"""

import logging

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from checkout.services import housekeeping as housekeeping_services
from checkout.services.outbox import outbox_sweep
from checkout.services.payments import orders_release_expired_holds
from core.jobs import recorded

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
@recorded
def release_expired_holds() -> None:
    handled = orders_release_expired_holds()
    if handled:
        logger.info("Released or settled %d expired holds", handled)


@db_periodic_task(crontab(minute="*/2"))
@recorded
def sweep_outbox() -> None:
    sent = outbox_sweep()
    if sent:
        logger.info("Outbox sweep sent %d waiting emails", sent)


@db_periodic_task(crontab(hour="3", minute="17"))
@recorded
def housekeeping() -> None:
    """Nightly: expired sessions, old webhook ledger rows and abandoned carts."""
    call_command("clearsessions")
    housekeeping_services.housekeeping()
