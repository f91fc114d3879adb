"""The objects the fake Stripe keeps (tests/fake_stripe.py): Checkout Sessions, PaymentIntents, refunds.
Coupons, shipping rates and how a session's total is made are in tests/fake_stripe_pricing.py.

Each API handler takes the ``FakeStripe`` (the caller holds its ``lock``) and the decoded parameters,
validates them as Stripe does, and returns the JSON body or ``(status, body, after_callable)``.
"""

import json
import re
import time

from tests import fake_stripe_pricing as pricing
from tests.fake_stripe_wire import (
    MAX_EXPIRY,
    MIN_EXPIRY,
    REFUND_CREATE_PARAMS,
    SESSION_CREATE_PARAMS,
    StripeAPIError,
    int_param,
    metadata_param,
    money,
    rand_id,
)


def session_create(fake, p):
    """Validate and create a payment-mode Checkout Session (price_data line items only)."""
    for key in p:
        if key not in SESSION_CREATE_PARAMS:
            raise StripeAPIError(400, f"Received unknown parameter: {key}", param=key)
    if not p.get("mode"):
        raise StripeAPIError(400, "Missing required param: mode.", code="parameter_missing", param="mode")
    if p["mode"] != "payment":
        raise StripeAPIError(400, f"FakeStripe only supports mode=payment, not {p['mode']!r}.", param="mode")
    for name in ("success_url", "cancel_url"):
        url = p.get(name)
        if name == "success_url" and not url and p.get("ui_mode") != "embedded":
            raise StripeAPIError(400, "Missing required param: success_url.",
                                 code="parameter_missing", param="success_url")
        if url and not re.match(r"https?://[^/\s]+", url):
            raise StripeAPIError(400, "Not a valid URL", code="url_invalid", param=name)
    items = p.get("line_items")
    if not isinstance(items, list) or not items:
        raise StripeAPIError(400, "`line_items` is required in `payment` mode.",
                             code="parameter_missing", param="line_items")
    line_items, currency, subtotal = [], None, 0
    for i, item in enumerate(items):
        pre = f"line_items[{i}]"
        pd = item.get("price_data") if isinstance(item, dict) else None
        if not isinstance(pd, dict):
            raise StripeAPIError(400, "FakeStripe requires `price_data` on every line item.",
                                 code="parameter_missing", param=f"{pre}[price_data]")
        if "quantity" not in item:
            raise StripeAPIError(400, "Missing required param: quantity.", code="parameter_missing",
                                 param=f"{pre}[quantity]")
        qty = int_param(item["quantity"], f"{pre}[quantity]", minimum=1)
        cur = str(pd.get("currency", "")).lower()
        if not re.fullmatch(r"[a-z]{3}", cur):
            raise StripeAPIError(400, "Invalid currency: " + cur, param=f"{pre}[price_data][currency]")
        if currency and cur != currency:
            raise StripeAPIError(400, "All line items must use the same currency.",
                                 param=f"{pre}[price_data][currency]")
        if "unit_amount" not in pd:
            raise StripeAPIError(400, "Missing required param: unit_amount.", code="parameter_missing",
                                 param=f"{pre}[price_data][unit_amount]")
        unit = int_param(pd["unit_amount"], f"{pre}[price_data][unit_amount]", minimum=0)
        product = pd.get("product_data") or {}
        if not isinstance(product, dict) or not product.get("name"):
            raise StripeAPIError(400, "Missing required param: name.", code="parameter_missing",
                                 param=f"{pre}[price_data][product_data][name]")
        currency, subtotal = cur, subtotal + unit * qty
        line_items.append({**item, "quantity": qty, "price_data": {**pd, "currency": cur, "unit_amount": unit}})
    now = int(time.time())
    expires_at = now + MAX_EXPIRY
    if p.get("expires_at") is not None:
        expires_at = int_param(p["expires_at"], "expires_at")
        if expires_at < now + MIN_EXPIRY - 5:
            raise StripeAPIError(400, "The `expires_at` timestamp must be at least 30 minutes from "
                                      "Checkout Session creation.", param="expires_at")
        if expires_at > now + MAX_EXPIRY:
            raise StripeAPIError(400, "The `expires_at` timestamp must be less than 24 hours from "
                                      "Checkout Session creation.", param="expires_at")
    email = p.get("customer_email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise StripeAPIError(400, f"Invalid email address: {email}", code="email_invalid",
                             param="customer_email")
    if len(p.get("client_reference_id") or "") > 200:
        raise StripeAPIError(400, "client_reference_id must be at most 200 characters.",
                             param="client_reference_id")
    metadata = metadata_param(p.get("metadata"))
    money_fields = pricing.session_pricing(fake, p, currency, subtotal)  # discounts, shipping, the total
    sid = rand_id("cs_test_", 58)
    fake.sessions[sid] = {
        "id": sid, "object": "checkout.session", "status": "open", "payment_status": "unpaid",
        **money_fields, "currency": currency,
        "customer_email": email, "customer_details": None,
        "client_reference_id": p.get("client_reference_id"), "metadata": metadata,
        "expires_at": expires_at, "success_url": p.get("success_url"), "cancel_url": p.get("cancel_url"),
        "mode": "payment", "payment_intent": None,
        "payment_method_types": p.get("payment_method_types") or ["card"],
        "url": f"{fake.base_url}/pay/{sid}", "created": now, "livemode": False,
        "locale": p.get("locale"), "ui_mode": p.get("ui_mode", "hosted"),
        "line_items": line_items,
    }
    return session_json(fake, sid, p.get("expand"))


def session_get(fake, sid):
    if sid not in fake.sessions:
        raise StripeAPIError(404, f"No such checkout.session: '{sid}'", code="resource_missing", param="session")
    return fake.sessions[sid]


def session_json(fake, sid, expand=None):
    """Public view of a session: ``line_items`` only when expanded, as on Stripe."""
    s = session_get(fake, sid)
    out = json.loads(json.dumps({k: v for k, v in s.items() if k != "line_items"}))
    expand = expand or []
    if "line_items" in expand:
        out["line_items"] = session_line_items(fake, {}, sid)
    if "payment_intent" in expand and s["payment_intent"]:
        out["payment_intent"] = payment_intent_retrieve(fake, {}, s["payment_intent"])
    return out


def session_retrieve(fake, p, sid):
    return session_json(fake, sid, p.get("expand"))


def session_line_items(fake, p, sid):
    s = session_get(fake, sid)
    amounts = [li["price_data"]["unit_amount"] * li["quantity"] for li in s["line_items"]]
    discounts = pricing.split_discount(s["total_details"]["amount_discount"], amounts)
    data = [{
        "id": f"li_{sid[8:20]}{i}", "object": "item", "description": li["price_data"]["product_data"]["name"],
        "quantity": li["quantity"], "currency": s["currency"],
        "amount_subtotal": amount, "amount_discount": discount, "amount_tax": 0, "amount_total": amount - discount,
        "price": {"object": "price", "unit_amount": li["price_data"]["unit_amount"],
                  "currency": s["currency"], "type": "one_time"},
    } for i, (li, amount, discount) in enumerate(zip(s["line_items"], amounts, discounts, strict=True))]
    return {"object": "list", "data": data, "has_more": False,
            "url": f"/v1/checkout/sessions/{sid}/line_items"}


def session_expire_by_api(fake, p, sid):
    """Expire via the API.  Stripe sends ``checkout.session.expired`` asynchronously,
    so the webhook goes out from a background thread (see ``wait_for_webhooks``)."""
    session_expire(fake, sid)
    body = session_json(fake, sid, p.get("expand"))
    return 200, body, lambda: fake._deliver_async("checkout.session.expired", body)


def session_expire(fake, sid):
    s = session_get(fake, sid)
    if s["status"] != "open":
        raise StripeAPIError(400, 'Only Checkout Sessions with a status in ["open"] can be expired. '
                                  f"This Checkout Session has a status of `{s['status']}`.")
    s.update(status="expired", url=None)


def payment_intent_retrieve(fake, p, pid):
    if pid not in fake.payment_intents:
        raise StripeAPIError(404, f"No such payment_intent: '{pid}'", code="resource_missing", param="intent")
    return dict(fake.payment_intents[pid])


def refund_create(fake, p):
    """Refund (part of) a payment; never more than what is still unrefunded."""
    for key in p:
        if key not in REFUND_CREATE_PARAMS:
            raise StripeAPIError(400, f"Received unknown parameter: {key}", param=key)
    pid = p.get("payment_intent")
    if not pid:
        raise StripeAPIError(400, "Missing required param: payment_intent (FakeStripe refunds by "
                                  "payment_intent only).", code="parameter_missing", param="payment_intent")
    pi = fake.payment_intents.get(pid)
    if pi is None:
        raise StripeAPIError(400, f"No such payment_intent: '{pid}'", code="resource_missing",
                             param="payment_intent")
    if pi["status"] != "succeeded":
        raise StripeAPIError(400, f"This PaymentIntent ({pid}) does not have a successful charge to refund.",
                             param="payment_intent")
    remaining = pi["amount_received"] - pi["amount_refunded"]
    if remaining <= 0:
        raise StripeAPIError(400, f"Charge {pi['latest_charge']} has already been refunded.",
                             code="charge_already_refunded")
    amount = remaining if p.get("amount") is None else int_param(p["amount"], "amount", minimum=1)
    if amount > remaining:
        raise StripeAPIError(400, f"Refund amount ({money(amount, pi['currency'])}) is greater than "
                                  f"unrefunded amount on charge ({money(remaining, pi['currency'])})",
                             code="amount_too_large", param="amount")
    if p.get("reason") not in (None, "duplicate", "fraudulent", "requested_by_customer"):
        raise StripeAPIError(400, f"Invalid reason: {p['reason']}", param="reason")
    pi["amount_refunded"] += amount
    rid = rand_id("re_")
    fake.refunds[rid] = {
        "id": rid, "object": "refund", "amount": amount, "currency": pi["currency"],
        "payment_intent": pid, "charge": pi["latest_charge"], "status": "succeeded",
        "reason": p.get("reason"), "metadata": p.get("metadata") or {}, "created": int(time.time()),
    }
    return dict(fake.refunds[rid])


def refund_retrieve(fake, p, rid):
    if rid not in fake.refunds:
        raise StripeAPIError(404, f"No such refund: '{rid}'", code="resource_missing", param="id")
    return dict(fake.refunds[rid])


ROUTES = [
    ("POST", r"/v1/checkout/sessions", session_create),
    ("GET", r"/v1/checkout/sessions/(?P<sid>[^/]+)", session_retrieve),
    ("GET", r"/v1/checkout/sessions/(?P<sid>[^/]+)/line_items", session_line_items),
    ("POST", r"/v1/checkout/sessions/(?P<sid>[^/]+)/expire", session_expire_by_api),
    ("POST", r"/v1/refunds", refund_create),
    ("GET", r"/v1/refunds/(?P<rid>[^/]+)", refund_retrieve),
    ("GET", r"/v1/payment_intents/(?P<pid>[^/]+)", payment_intent_retrieve),
    *pricing.ROUTES,
]
