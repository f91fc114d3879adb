"""Stripe's webhook: verified by signature, recorded once, acted on in one transaction."""

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from checkout.gateways import stripe as stripe_gateway
from checkout.services.webhooks import webhook_event_process

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events, verified by signature; CSRF-exempt like one-click unsubscribe (signed too), and no other view."""
    try:
        event_data = stripe_gateway.webhook_event_construct(request.body, request.headers.get("Stripe-Signature"))
    except Exception as exc:  # SignatureVerificationError, or ValueError (bad JSON, a malformed event)
        # Not recorded in the ledger: nothing was done, and an event refused because of a bug of ours
        # is processed afresh when Stripe delivers it again after the fix.
        logger.warning("Refused a webhook: %s", exc)
        return HttpResponse("Invalid signature or payload.", status=400, content_type="text/plain")
    try:
        result = webhook_event_process(event=event_data)
    except OperationalError as exc:  # a lock wait timed out, or the database blinked
        logger.warning("Webhook %s (%s) deferred: %s", event_data.get("id"), event_data.get("type"), exc)
        response = HttpResponse("Busy; please retry.", status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response
    except Exception:
        logger.exception("Webhook %s (%s) failed; Stripe will retry", event_data.get("id"), event_data.get("type"))
        return HttpResponse("Temporary failure; please retry.", status=500, content_type="text/plain")
    return HttpResponse(result, status=200, content_type="text/plain")
