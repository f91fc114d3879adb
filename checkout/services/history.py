"""The order's history: every status change goes through `order_transition`, which asks
the status machine on `Order` and writes an OrderEvent; notes, refunds and emails add events too."""

import logging

from checkout.errors import CheckoutError
from checkout.models import Order, OrderEvent

logger = logging.getLogger(__name__)

S = Order.Status


def _actor_label(actor, default: str) -> str:
    return (getattr(actor, "email", "") or str(actor)) if actor is not None else default


def order_transition(
    *, order: Order, to: str, actor=None, actor_label: str = "system", note: str = ""
) -> OrderEvent:
    """Change the status, refusing illegal moves; always writes an OrderEvent.

    The caller holds the order's row lock (select_for_update) inside a transaction.
    """
    current = order.status
    if not order.can_become(to):
        raise CheckoutError(f"Order {order.display_number} cannot go from {S(current).label} to {S(to).label}.")
    order.save(update_fields=order.transition_to(to))
    return OrderEvent.objects.create(
        order=order, from_status=current, to_status=to, actor=actor,
        actor_label=_actor_label(actor, actor_label), note=note,
    )


def order_note_add(*, order: Order, note: str, actor=None, kind: str = OrderEvent.Kind.NOTE) -> OrderEvent:
    """An entry in the order's history that is not a status change (staff note, refund, email)."""
    return OrderEvent.objects.create(
        order=order, kind=kind, from_status=order.status, to_status=order.status, actor=actor,
        actor_label=_actor_label(actor, "system"), note=note.strip(),
    )
