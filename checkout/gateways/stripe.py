"""The one place that talks to Stripe (the gateway used whenever a Stripe key is set).

Amounts cross the border here: the shop's `Decimal` becomes Stripe's integer
minor units on the way out and comes back as `Decimal` on the way in.
"""

import logging
from decimal import Decimal

import stripe
from django.conf import settings

from checkout.gateways.common import CheckoutSession, GatewayError
from checkout.pricing import order_charge
from core.money import from_minor_units, to_minor_units

logger = logging.getLogger(__name__)

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


def session_from_stripe(obj) -> CheckoutSession:
    """A Checkout Session object (or a webhook's dict of one) as the shop's CheckoutSession."""
    data = obj if isinstance(obj, dict) else obj.to_dict()
    currency = (data.get("currency") or "").lower()
    amount = data.get("amount_total")
    metadata = data.get("metadata") or {}
    payment_intent = data.get("payment_intent") or ""
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id", "")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        amount_total=from_minor_units(amount, currency) if amount is not None else None,
        currency=currency,
        payment_intent=payment_intent,
        order_number=metadata.get("order_number") or data.get("client_reference_id") or "",
    )


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


def webhook_event_construct(payload: bytes, signature: str | None):
    """Verify the Stripe-Signature header; raises ValueError or SignatureVerificationError."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
