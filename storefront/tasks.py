"""Background work. Tasks take ids, load fresh rows and call a service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from core.jobs import recorded
from storefront import alerts


@db_task(retries=6, retry_delay=15, retry_backoff=2)
def send_back_in_stock(variant_id: int) -> None:
    alerts.stock_alerts_send(variant_id=variant_id)


@db_periodic_task(crontab(hour="7", minute="0"))
@recorded
def low_stock_digest() -> None:
    """Every morning: staff get the list of what is running low."""
    alerts.low_stock_digest_send()
