"""Background work. Tasks take ids, load fresh rows and call a service."""

from huey.contrib.djhuey import db_task

from checkout import services


@db_task(retries=6, retry_delay=15, retry_backoff=2)
def send_receipt(order_id: int) -> None:
    services.receipt_send(order_id=order_id)
