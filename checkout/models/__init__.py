"""Checkout's models, one module per subject. Django finds an app's models through
`checkout.models`, so each is imported here; code imports them from here too."""

from checkout.models.carts import Cart, CartLine
from checkout.models.discounts import DiscountCode, normalize_code
from checkout.models.orders import (
    ORDER_TIMESTAMPS,
    ORDER_TRANSITIONS,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Refund,
    new_access_token,
    new_order_number,
    normalize_order_number,
)
from checkout.models.outbox import OutboxEmail, WebhookEvent
from checkout.models.shipping import ShippingMethod, ShippingWeightBand, ShippingZone
from checkout.models.tax import TaxRate

__all__ = [
    "ORDER_TIMESTAMPS", "ORDER_TRANSITIONS", "Cart", "CartLine", "DiscountCode", "Order",
    "OrderEvent", "OrderLine", "OutboxEmail", "Payment", "Refund", "ShippingMethod", "ShippingWeightBand",
    "ShippingZone", "TaxRate", "WebhookEvent", "new_access_token", "new_order_number",
    "normalize_code", "normalize_order_number",
]
