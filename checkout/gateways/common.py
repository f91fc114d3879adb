"""What every payment gateway returns and raises."""

from dataclasses import dataclass
from decimal import Decimal


class GatewayError(Exception):
    """The gateway could not be reached or refused the call; the shopper may try again."""


@dataclass(frozen=True)
class CheckoutSession:
    """A hosted payment page for one order, as the gateway reports it."""

    id: str
    url: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    amount_total: Decimal | None
    currency: str
    payment_intent: str
    order_number: str
