"""Which gateway takes a payment: the one it was started with, and for a new one,
Stripe when a key is set, the demo page in debug without one, else none."""

from django.conf import settings

from checkout.gateways import demo as demo_gateway
from checkout.gateways import stripe as stripe_gateway
from checkout.models import Payment

GATEWAYS = {Payment.Provider.STRIPE: stripe_gateway, Payment.Provider.DEMO: demo_gateway}


def gateway_for(provider: str):
    """The module that talks to `provider` (checkout.gateways.stripe or .demo): same functions."""
    return GATEWAYS[provider]


def provider_now() -> str | None:
    """Who takes new payments, or None when payments are not configured."""
    if demo_gateway.enabled():
        return Payment.Provider.DEMO
    return Payment.Provider.STRIPE if settings.STRIPE_SECRET_KEY else None
