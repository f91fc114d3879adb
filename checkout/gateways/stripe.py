"""The one place that talks to Stripe (the gateway used whenever a Stripe key is set).

Amounts cross the border here: the shop's `Decimal` becomes Stripe's integer
minor units on the way out and comes back as `Decimal` on the way in.
"""

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings

from checkout.gateways.common import CheckoutSession, GatewayError
from checkout.pricing import order_charge
from core.money import decimals, from_minor_units, to_minor_units

logger = logging.getLogger(__name__)

# The money columns hold 12 digits, 2 of them decimals: an amount from Stripe must stay below this.
AMOUNT_LIMIT = Decimal(10) ** 10


def client() -> stripe.StripeClient:
    kwargs = {}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
        **kwargs,
    )


def _text(value, name: str, *, required: bool = False, max_length: int = 255) -> str:
    """A string field as Stripe sends it ("" for null); ValueError for anything else."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value) or len(value) > max_length:
        raise ValueError(f"{name} is not a string of up to {max_length} characters")
    return value


def _object(value, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not an object")
    return value


def _amount(value, name: str, currency: str) -> Decimal | None:
    """Stripe's minor units as a `Decimal` the money columns can hold; ValueError for anything else."""
    if value is None:
        return None
    # bool is an int to Python, never to Stripe; the bound keeps Decimal's quantize and the column in range.
    in_range = isinstance(value, int) and 0 <= value < AMOUNT_LIMIT * 10 ** decimals(currency)
    if isinstance(value, bool) or not in_range:
        raise ValueError(f"{name} is not an amount in minor units")
    return from_minor_units(value, currency)


def _id_of(value, name: str) -> str:
    """An expandable field: an id, or the expanded object carrying one."""
    if isinstance(value, dict):
        return _text(value.get("id"), f"{name}.id")
    return _text(value, name)


def session_from_stripe(obj) -> CheckoutSession:
    """A Checkout Session object (or a webhook's dict of one) as the shop's CheckoutSession.

    Raises ValueError when a field the shop reads is missing or not of the kind Stripe sends.
    """
    data = obj.to_dict() if hasattr(obj, "to_dict") else _object(obj, "the session")
    currency = _text(data.get("currency"), "currency", max_length=3).lower()
    metadata = _object(data.get("metadata"), "metadata")
    return CheckoutSession(
        id=_text(data.get("id"), "id", required=True),
        url=_text(data.get("url"), "url", max_length=2000),
        status=_text(data.get("status"), "status"),
        payment_status=_text(data.get("payment_status"), "payment_status"),
        amount_total=_amount(data.get("amount_total"), "amount_total", currency),
        currency=currency,
        payment_intent=_id_of(data.get("payment_intent"), "payment_intent"),
        order_number=_text(metadata.get("order_number"), "metadata.order_number")
        or _text(data.get("client_reference_id"), "client_reference_id"),
    )


def _charge_check(charge: dict) -> None:
    """The fields of a Charge that `refunds_sync_from_charge` reads are what Stripe sends; ValueError if not."""
    currency = _text(charge.get("currency"), "currency", max_length=3)
    _text(charge.get("id"), "id", required=True)
    _id_of(charge.get("payment_intent"), "payment_intent")
    _amount(charge.get("amount_refunded"), "amount_refunded", currency)
    refunds = _object(charge.get("refunds"), "refunds").get("data") or []
    if not isinstance(refunds, list):
        raise ValueError("refunds.data is not a list")
    for item in refunds:
        item = _object(item, "a refund")
        _text(item.get("id"), "refund id", required=True)
        _text(item.get("status"), "refund status")
        if _amount(item.get("amount"), "refund amount", currency) is None:
            raise ValueError("refund amount is missing")


def _storable(value, name: str = "event") -> None:
    """Every string (and key) can be stored as PostgreSQL text: no NUL, no lone surrogate."""
    if isinstance(value, dict):
        for key, item in value.items():
            _storable(key, name)
            _storable(item, f"{name}.{key}")
    elif isinstance(value, list):
        for item in value:
            _storable(item, name)
    elif isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{name} holds a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{name} is not valid Unicode") from None


def checkout_session_create(
    *, order, success_url: str, cancel_url: str, expires_at: int
) -> CheckoutSession:
    """A hosted Checkout Session for `order`; the same order always gets the same session."""
    charge = order_charge(order)
    currency = charge.currency.lower()
    line_items = [
        {
            "quantity": line.quantity,
            "price_data": {
                "currency": currency,
                "unit_amount": to_minor_units(line.unit_amount, currency),
                "product_data": {
                    "name": line.name,
                    **({"description": line.description} if line.description else {}),
                    "metadata": {"sku": line.sku},
                },
            },
        }
        for line in charge.lines
    ]
    if charge.tax:  # tax added at checkout (US style): one line, exactly the shop's figure
        line_items.append({"quantity": 1, "price_data": {
            "currency": currency, "unit_amount": to_minor_units(charge.tax, currency),
            "product_data": {"name": charge.tax_label},
        }})
    params = {
        "mode": "payment",
        "line_items": line_items,
        "customer_email": order.email,
        "client_reference_id": order.number,
        "metadata": {"order_number": order.number},
        "payment_intent_data": {"metadata": {"order_number": order.number}},
        "expires_at": expires_at,
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if charge.shipping_name:
        # The method the shopper chose at checkout, as Stripe's page shows it; no address is asked for again.
        rate = {"type": "fixed_amount", "display_name": charge.shipping_name,
                "fixed_amount": {"amount": to_minor_units(charge.shipping, currency), "currency": currency}}
        if charge.shipping_min_days and charge.shipping_max_days:
            rate["delivery_estimate"] = {"minimum": {"unit": "business_day", "value": charge.shipping_min_days},
                                         "maximum": {"unit": "business_day", "value": charge.shipping_max_days}}
        params["shipping_options"] = [{"shipping_rate_data": rate}]
    try:
        if charge.discount:
            params["discounts"] = [{"coupon": _coupon_for(order=order, charge=charge, currency=currency)}]
        session = client().v1.checkout.sessions.create(
            # Same order and same expiry: the same session, however often this is retried.
            params=params, options={"idempotency_key": f"order-{order.number}-session-{expires_at}"}
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused or failed to create a session for %s: %s", order.number, error)
        raise GatewayError(str(error)) from error
    return session_from_stripe(session)


def _coupon_for(*, order, charge, currency: str) -> str:
    """A one-off coupon worth exactly the order's discount, named after its code, so Stripe's page
    shows the discount and charges the shop's total to the minor unit."""
    coupon = client().v1.coupons.create(
        params={"amount_off": to_minor_units(charge.discount, currency), "currency": currency, "duration": "once",
                "max_redemptions": 1, "name": charge.discount_code or "Discount",
                "metadata": {"order_number": order.number}},
        options={"idempotency_key": f"order-{order.number}-coupon-{to_minor_units(charge.discount, currency)}"},
    )
    return coupon["id"]


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    try:
        return session_from_stripe(client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def checkout_session_expire(session_id: str) -> CheckoutSession:
    """Expire an open session. If it is no longer open, return it as it is."""
    try:
        return session_from_stripe(client().v1.checkout.sessions.expire(session_id))
    except stripe.InvalidRequestError:
        return checkout_session_retrieve(session_id)
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def refund_create(
    *, payment_intent: str, amount: Decimal, currency: str, idempotency_key: str, metadata: dict
) -> tuple[str, Decimal]:
    """Refund part or all of a payment. Returns Stripe's refund id and the amount."""
    try:
        refund = client().v1.refunds.create(
            params={
                "payment_intent": payment_intent,
                "amount": to_minor_units(amount, currency),
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused a refund on %s: %s", payment_intent, error)
        raise GatewayError(getattr(error, "user_message", None) or str(error)) from error
    return refund["id"], from_minor_units(refund["amount"], currency)


def webhook_event_construct(payload: bytes, signature: str | None) -> dict:
    """The event, once its Stripe-Signature is verified, as a dict whose every field the shop reads
    is of the kind Stripe sends.

    Raises SignatureVerificationError, or ValueError (not JSON, a field missing or of the wrong kind, text
    the database cannot store): a signed event the shop cannot act on is refused here, before the ledger.
    """
    stripe.WebhookSignature.verify_header(payload, signature, settings.STRIPE_WEBHOOK_SECRET,
                                          stripe.Webhook.DEFAULT_TOLERANCE)
    event = _object(json.loads(payload), "the event")
    _storable(event)
    _text(event.get("id"), "id", required=True)
    event_type = _text(event.get("type"), "type", required=True, max_length=100)
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise ValueError("data.object is not an object")
    if event_type.startswith("checkout.session."):
        session_from_stripe(data["object"])
    elif event_type == "charge.refunded":
        _charge_check(data["object"])
    return event
