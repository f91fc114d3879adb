"""A local fake of the parts of the Stripe API this shop uses.

The real ``stripe`` SDK talks to it over HTTP exactly as it would talk to
api.stripe.com: point ``StripeClient(base_addresses={"api": fake.base_url})``
at it.  Nothing inside the shop's code is mocked; the fake stands in for the
outside party only.

Covered behaviour (payment-mode Checkout only):

* ``POST /v1/checkout/sessions``, ``GET /v1/checkout/sessions/{id}``,
  ``GET /v1/checkout/sessions/{id}/line_items``,
  ``POST /v1/checkout/sessions/{id}/expire``
* ``POST /v1/refunds``, ``GET /v1/refunds/{id}``, ``GET /v1/payment_intents/{id}``
* Bearer/basic API-key auth, Idempotency-Key replay, Stripe's error JSON,
  ``Stripe-Should-Retry`` on errors, injected failures and delays.
* A hosted payment page stand-in at ``/pay/{id}`` and signed webhooks
  (``Stripe-Signature: t=...,v1=...``) POSTed to ``webhook_url``.

Stdlib only, so it can run anywhere the tests run.
"""

import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["FakeStripe", "StripeAPIError", "decode_form", "LoggedRequest"]

LoggedRequest = namedtuple("LoggedRequest", "method path params idempotency_key")

# Top-level parameters Stripe accepts on these endpoints (from the SDK's
# *CreateParams).  Anything else gets "Received unknown parameter", as on Stripe.
SESSION_CREATE_PARAMS = frozenset(
    "adaptive_pricing after_expiration allow_promotion_codes allowed_payment_method_types "
    "automatic_tax billing_address_collection branding_settings cancel_url client_reference_id "
    "consent_collection currency custom_fields custom_text customer customer_account "
    "customer_creation customer_email customer_update discounts excluded_payment_method_types "
    "expand expires_at integration_identifier invoice_creation line_items locale "
    "managed_payments metadata mode name_collection optional_items origin_context "
    "payment_intent_data payment_method_collection payment_method_configuration "
    "payment_method_data payment_method_options payment_method_types permissions "
    "phone_number_collection redirect_on_completion return_url saved_payment_method_options "
    "setup_intent_data shipping_address_collection shipping_options submit_type "
    "subscription_data success_url tax_id_collection ui_mode wallet_options".split()
)
REFUND_CREATE_PARAMS = frozenset(
    "amount charge currency customer expand instructions_email metadata origin "
    "payment_intent reason refund_application_fee reverse_transfer".split()
)
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
MIN_EXPIRY, MAX_EXPIRY = 30 * 60, 24 * 60 * 60


class StripeAPIError(Exception):
    """An error answered in Stripe's shape: ``{"error": {type, message, code, param}}``."""

    def __init__(self, status, message, type="invalid_request_error", code=None, param=None):
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param

    def body(self):
        err = {"type": self.type, "message": self.message}
        if self.code:
            err["code"] = self.code
            err["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            err["param"] = self.param
        return {"error": err}


def decode_form(pairs):
    """Decode Stripe's form encoding (``a[b][0][c]=v``) into nested dicts/lists.

    The SDK always indexes arrays (``expand[0]=x``); ``expand[]=x`` is accepted
    too.  Dicts whose keys are all digits become lists (except ``metadata``,
    which is always a hash, as on Stripe).
    """
    root = {}
    for key, value in pairs:
        m = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", key)
        if not m:
            raise StripeAPIError(400, f"Invalid parameter name: {key}")
        parts = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2))
        node = root
        for i, part in enumerate(parts):
            if not isinstance(node, dict):
                raise StripeAPIError(400, f"Invalid hash for parameter: {key}", param=parts[0])
            if part == "":
                part = str(len(node))
            if i == len(parts) - 1:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node, name=None):
    if not isinstance(node, dict):
        return node
    node = {k: _listify(v, k) for k, v in node.items()}
    if node and name != "metadata" and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def _rand_id(prefix, n=24):
    return prefix + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


def _int(value, param, minimum=None):
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise StripeAPIError(400, f"Invalid integer: {value}", param=param) from None
    if minimum is not None and out < minimum:
        raise StripeAPIError(400, f"This value must be greater than or equal to {minimum}.", param=param)
    return out


def _money(amount, currency):
    if currency.lower() in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:.2f} {currency.upper()}"


class FakeStripe:
    """In-process stand-in for api.stripe.com + Checkout's hosted page + webhooks.

    State (``sessions``, ``payment_intents``, ``refunds``, ``events``, ...) is
    plain dicts/lists guarded by ``lock``; tests may read it directly.
    """

    def __init__(self, api_key="sk_test_fake", webhook_secret="whsec_fake_0123456789abcdef",
                 api_version="2026-10-28.endive"):
        self.api_key, self.webhook_secret, self.api_version = api_key, webhook_secret, api_version
        self.webhook_url = None
        self.webhook_timeout = 10
        self.lock = threading.RLock()
        self._server = self._thread = None
        self.base_url = None
        self.reset()

    # ------------------------------------------------------------------ lifecycle
    def start(self):
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="fake-stripe", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.wait_for_webhooks()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset(self):
        """Forget all objects, events, logs and pending faults (``webhook_url`` is kept)."""
        with self.lock:
            self.sessions, self.payment_intents, self.refunds = {}, {}, {}
            self.idempotency = {}  # key -> (method, path, params, status, body)
            self.events, self.webhook_failures, self.requests_log = [], [], []
            self.deliver_webhooks = True
            self._failures, self._delays, self._webhook_threads = [], [], []

    # ------------------------------------------------------------- fault injection
    def fail_next(self, count, status=500, should_retry=None):
        """Answer the next ``count`` API requests with ``status`` and an ``api_error``.

        ``should_retry`` sets ``Stripe-Should-Retry: true/false`` (the SDK obeys
        it over its own status-code rules); ``None`` leaves the header out.
        Injected failures happen before processing and are never stored for
        idempotent replay, like a transient outage.
        """
        with self.lock:
            self._failures.extend([(status, should_retry)] * count)

    def delay_next(self, count, seconds):
        """Sleep ``seconds`` before handling each of the next ``count`` API requests.

        The request is still processed after the sleep (as a slow Stripe would),
        so a client that timed out and retried with the same Idempotency-Key
        sees one object, not two.
        """
        with self.lock:
            self._delays.extend([seconds] * count)

    # ---------------------------------------------------------------- API dispatch
    def handle_api(self, method, path, params, headers):
        """Run one ``/v1`` request; returns ``(status, body_dict, extra_headers)``."""
        idem_key = headers.get("Idempotency-Key")
        with self.lock:
            self.requests_log.append(LoggedRequest(method, path, params, idem_key))
            delay = self._delays.pop(0) if self._delays else 0
            failure = self._failures.pop(0) if self._failures else None
        if delay:
            time.sleep(delay)
        if failure:
            status, retry = failure
            extra = {} if retry is None else {"Stripe-Should-Retry": "true" if retry else "false"}
            err = StripeAPIError(status, "(fake) injected failure; please retry.", type="api_error")
            return status, err.body(), extra
        try:
            self._check_auth(headers.get("Authorization", ""))
            with self.lock:
                if idem_key and method == "POST":
                    cached = self.idempotency.get(idem_key)
                    if cached:
                        return self._replay(cached, method, path, params, idem_key)
                status, body, after = self._route(method, path, params)
                if idem_key and method == "POST":
                    self.idempotency[idem_key] = (method, path, params, status, body)
        except StripeAPIError as e:
            return e.status, e.body(), {"Stripe-Should-Retry": "false"}
        if after:
            after()  # e.g. webhook delivery, outside the lock
        return status, body, {}

    def _check_auth(self, header):
        """401 like Stripe for a missing or wrong ``Authorization: Bearer <key>``."""
        key = header[7:].strip() if header.startswith("Bearer ") else ""
        if not key:
            raise StripeAPIError(401, "You did not provide an API key. You need to provide your API key "
                                      "in the Authorization header, using Bearer auth (e.g. "
                                      "'Authorization: Bearer YOUR_SECRET_KEY').")
        if not hmac.compare_digest(key.encode(), self.api_key.encode()):
            raise StripeAPIError(401, f"Invalid API Key provided: {key[:8]}{'*' * 8}{key[-4:]}")

    def _replay(self, cached, method, path, params, key):
        """Stripe replays the first result for a key; other params/endpoint -> idempotency_error.

        Only successful results are stored, so a request that failed validation
        (or an injected fault) can be retried with the same key.
        """
        c_method, c_path, c_params, status, body = cached
        if (c_method, c_path) != (method, path):
            raise StripeAPIError(400, "Keys for idempotent requests can only be used for the same "
                                      "endpoint they were first used for.", type="idempotency_error")
        if c_params != params:
            raise StripeAPIError(400, "Keys for idempotent requests can only be used with the same "
                                      "parameters they were first used with. Try using a key other "
                                      f"than '{key}' if you meant to execute a different request.",
                                 type="idempotency_error")
        return status, body, {"Idempotent-Replayed": "true"}

    ROUTES = [
        ("POST", r"/v1/checkout/sessions", "_create_session"),
        ("GET", r"/v1/checkout/sessions/(?P<sid>[^/]+)", "_retrieve_session"),
        ("GET", r"/v1/checkout/sessions/(?P<sid>[^/]+)/line_items", "_list_line_items"),
        ("POST", r"/v1/checkout/sessions/(?P<sid>[^/]+)/expire", "_api_expire_session"),
        ("POST", r"/v1/refunds", "_create_refund"),
        ("GET", r"/v1/refunds/(?P<rid>[^/]+)", "_retrieve_refund"),
        ("GET", r"/v1/payment_intents/(?P<pid>[^/]+)", "_retrieve_payment_intent"),
    ]

    def _route(self, method, path, params):
        """Returns ``(status, body, after_callable_or_None)``."""
        for r_method, pattern, name in self.ROUTES:
            m = re.fullmatch(pattern, path)
            if m and r_method == method:
                result = getattr(self, name)(params, **m.groupdict())
                return result if isinstance(result, tuple) else (200, result, None)
        raise StripeAPIError(404, f"Unrecognized request URL ({method}: {path}). Please see "
                                  "https://stripe.com/docs or we can help at https://support.stripe.com/.")

    # ------------------------------------------------------------ checkout sessions
    def _create_session(self, p):
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
            qty = _int(item["quantity"], f"{pre}[quantity]", minimum=1)
            cur = str(pd.get("currency", "")).lower()
            if not re.fullmatch(r"[a-z]{3}", cur):
                raise StripeAPIError(400, "Invalid currency: " + cur, param=f"{pre}[price_data][currency]")
            if currency and cur != currency:
                raise StripeAPIError(400, "All line items must use the same currency.",
                                     param=f"{pre}[price_data][currency]")
            if "unit_amount" not in pd:
                raise StripeAPIError(400, "Missing required param: unit_amount.", code="parameter_missing",
                                     param=f"{pre}[price_data][unit_amount]")
            unit = _int(pd["unit_amount"], f"{pre}[price_data][unit_amount]", minimum=0)
            product = pd.get("product_data") or {}
            if not isinstance(product, dict) or not product.get("name"):
                raise StripeAPIError(400, "Missing required param: name.", code="parameter_missing",
                                     param=f"{pre}[price_data][product_data][name]")
            currency, subtotal = cur, subtotal + unit * qty
            line_items.append({**item, "quantity": qty, "price_data": {**pd, "currency": cur, "unit_amount": unit}})
        if subtotal < 50:
            raise StripeAPIError(400, "The Checkout Session's total amount due must add up to at least "
                                      f"{_money(50, currency)}", code="amount_too_small")
        now = int(time.time())
        expires_at = now + MAX_EXPIRY
        if p.get("expires_at") is not None:
            expires_at = _int(p["expires_at"], "expires_at")
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
        metadata = p.get("metadata") or {}
        if not isinstance(metadata, dict) or len(metadata) > 50 or any(
                len(k) > 40 or len(str(v)) > 500 for k, v in metadata.items()):
            raise StripeAPIError(400, "Invalid metadata: up to 50 keys, keys up to 40 characters, "
                                      "values up to 500 characters.", param="metadata")
        sid = _rand_id("cs_test_", 58)
        self.sessions[sid] = {
            "id": sid, "object": "checkout.session", "status": "open", "payment_status": "unpaid",
            "amount_subtotal": subtotal, "amount_total": subtotal, "currency": currency,
            "customer_email": email, "customer_details": None,
            "client_reference_id": p.get("client_reference_id"), "metadata": metadata,
            "expires_at": expires_at, "success_url": p.get("success_url"), "cancel_url": p.get("cancel_url"),
            "mode": "payment", "payment_intent": None,
            "payment_method_types": p.get("payment_method_types") or ["card"],
            "url": f"{self.base_url}/pay/{sid}", "created": now, "livemode": False,
            "locale": p.get("locale"), "ui_mode": p.get("ui_mode", "hosted"),
            "line_items": line_items,
        }
        return self._session_json(sid, p.get("expand"))

    def _get_session(self, sid):
        if sid not in self.sessions:
            raise StripeAPIError(404, f"No such checkout.session: '{sid}'", code="resource_missing", param="session")
        return self.sessions[sid]

    def _session_json(self, sid, expand=None):
        """Public view of a session: ``line_items`` only when expanded, as on Stripe."""
        s = self._get_session(sid)
        out = json.loads(json.dumps({k: v for k, v in s.items() if k != "line_items"}))
        expand = expand or []
        if "line_items" in expand:
            out["line_items"] = self._list_line_items({}, sid)
        if "payment_intent" in expand and s["payment_intent"]:
            out["payment_intent"] = self._retrieve_payment_intent({}, s["payment_intent"])
        return out

    def _retrieve_session(self, p, sid):
        return self._session_json(sid, p.get("expand"))

    def _list_line_items(self, p, sid):
        s = self._get_session(sid)
        data = [{
            "id": f"li_{sid[8:20]}{i}", "object": "item", "description": li["price_data"]["product_data"]["name"],
            "quantity": li["quantity"], "currency": s["currency"],
            "amount_subtotal": li["price_data"]["unit_amount"] * li["quantity"],
            "amount_total": li["price_data"]["unit_amount"] * li["quantity"],
            "price": {"object": "price", "unit_amount": li["price_data"]["unit_amount"],
                      "currency": s["currency"], "type": "one_time"},
        } for i, li in enumerate(s["line_items"])]
        return {"object": "list", "data": data, "has_more": False,
                "url": f"/v1/checkout/sessions/{sid}/line_items"}

    def _api_expire_session(self, p, sid):
        """Expire via the API.  Stripe sends ``checkout.session.expired`` asynchronously,
        so the webhook goes out from a background thread (see ``wait_for_webhooks``)."""
        self._expire(sid)
        body = self._session_json(sid, p.get("expand"))
        return 200, body, lambda: self._deliver_async("checkout.session.expired", body)

    def _expire(self, sid):
        s = self._get_session(sid)
        if s["status"] != "open":
            raise StripeAPIError(400, 'Only Checkout Sessions with a status in ["open"] can be expired. '
                                      f"This Checkout Session has a status of `{s['status']}`.")
        s.update(status="expired", url=None)

    # ------------------------------------------------------- payments and refunds
    def _retrieve_payment_intent(self, p, pid):
        if pid not in self.payment_intents:
            raise StripeAPIError(404, f"No such payment_intent: '{pid}'", code="resource_missing", param="intent")
        return dict(self.payment_intents[pid])

    def _create_refund(self, p):
        """Refund (part of) a payment; never more than what is still unrefunded."""
        for key in p:
            if key not in REFUND_CREATE_PARAMS:
                raise StripeAPIError(400, f"Received unknown parameter: {key}", param=key)
        pid = p.get("payment_intent")
        if not pid:
            raise StripeAPIError(400, "Missing required param: payment_intent (FakeStripe refunds by "
                                      "payment_intent only).", code="parameter_missing", param="payment_intent")
        pi = self.payment_intents.get(pid)
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
        amount = remaining if p.get("amount") is None else _int(p["amount"], "amount", minimum=1)
        if amount > remaining:
            raise StripeAPIError(400, f"Refund amount ({_money(amount, pi['currency'])}) is greater than "
                                      f"unrefunded amount on charge ({_money(remaining, pi['currency'])})",
                                 code="amount_too_large", param="amount")
        if p.get("reason") not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            raise StripeAPIError(400, f"Invalid reason: {p['reason']}", param="reason")
        pi["amount_refunded"] += amount
        rid = _rand_id("re_")
        self.refunds[rid] = {
            "id": rid, "object": "refund", "amount": amount, "currency": pi["currency"],
            "payment_intent": pid, "charge": pi["latest_charge"], "status": "succeeded",
            "reason": p.get("reason"), "metadata": p.get("metadata") or {}, "created": int(time.time()),
        }
        return dict(self.refunds[rid])

    def _retrieve_refund(self, p, rid):
        if rid not in self.refunds:
            raise StripeAPIError(404, f"No such refund: '{rid}'", code="resource_missing", param="id")
        return dict(self.refunds[rid])

    # ------------------------------------------------------------- test helpers
    def complete_session(self, sid, payment_status="paid", amount_total=None, currency=None, deliver=True):
        """Simulate the customer paying on the hosted page.

        ``amount_total``/``currency`` override what is reported (tampering tests);
        ``payment_status="unpaid"`` models delayed methods (SEPA, etc.): the session
        is ``complete`` but the PaymentIntent is still ``processing`` until
        ``settle_async_payment``.  Sends ``checkout.session.completed``.
        """
        with self.lock:
            s = self._get_session(sid)
            if s["status"] != "open":
                raise ValueError(f"session {sid} is {s['status']}, not open")
            if amount_total is not None:
                s["amount_total"] = amount_total
            if currency is not None:
                s["currency"] = currency
            pid = _rand_id("pi_")
            paid = payment_status == "paid"
            self.payment_intents[pid] = {
                "id": pid, "object": "payment_intent", "amount": s["amount_total"],
                "amount_received": s["amount_total"] if paid else 0, "amount_refunded": 0,
                "currency": s["currency"], "status": "succeeded" if paid else "processing",
                "latest_charge": _rand_id("ch_"), "metadata": {}, "created": int(time.time()), "livemode": False,
            }
            s.update(status="complete", payment_status=payment_status, payment_intent=pid, url=None,
                     customer_details={"email": s["customer_email"]})
            body = self._session_json(sid)
        if deliver:
            self._auto_deliver("checkout.session.completed", body)
        return body

    def settle_async_payment(self, sid, succeeded=True, deliver=True):
        """Finish a delayed payment: sends ``checkout.session.async_payment_succeeded``/``_failed``."""
        with self.lock:
            s = self._get_session(sid)
            pi = self.payment_intents[s["payment_intent"]]
            if succeeded:
                pi.update(status="succeeded", amount_received=pi["amount"])
                s["payment_status"] = "paid"
            else:
                pi["status"] = "requires_payment_method"
            body = self._session_json(sid)
        if deliver:
            kind = "succeeded" if succeeded else "failed"
            self._auto_deliver(f"checkout.session.async_payment_{kind}", body)
        return body

    def expire_session(self, sid, deliver=True):
        """Simulate the session timing out; sends ``checkout.session.expired`` synchronously."""
        with self.lock:
            try:
                self._expire(sid)
            except StripeAPIError as e:
                raise ValueError(e.message) from None
            body = self._session_json(sid)
        if deliver:
            self._auto_deliver("checkout.session.expired", body)
        return body

    # ------------------------------------------------------------------ webhooks
    def sign(self, payload, timestamp=None, secret=None):
        """Stripe-Signature header value: ``t=<unix>,v1=<hex HMAC-SHA256(secret, "t.payload")>``."""
        t = int(time.time()) if timestamp is None else int(timestamp)
        if isinstance(payload, bytes):
            payload = payload.decode()
        mac = hmac.new((secret or self.webhook_secret).encode(), f"{t}.{payload}".encode(), hashlib.sha256)
        return f"t={t},v1={mac.hexdigest()}"

    def make_event(self, type, data_object, timestamp=None, secret=None):
        """Build a signed Stripe event: returns ``(payload_bytes, headers_dict)``."""
        event = {
            "id": _rand_id("evt_test_"), "object": "event", "api_version": self.api_version,
            "created": int(time.time()), "type": type, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "data": {"object": data_object},
        }
        payload = json.dumps(event, indent=2).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                   "Stripe-Signature": self.sign(payload, timestamp, secret)}
        return payload, headers

    def deliver(self, payload, headers):
        """POST an (already signed) event to ``webhook_url``; returns ``(status, body_bytes)``.

        Non-2xx answers are returned, not raised.  Connection errors propagate.
        Re-calling with the same arguments models Stripe's duplicate deliveries.
        """
        if not self.webhook_url:
            raise RuntimeError("FakeStripe.webhook_url is not set")
        with self.lock:
            self.events.append(json.loads(payload))
        req = urllib.request.Request(self.webhook_url, data=payload, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.webhook_timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def send_event(self, type, data_object, **kw):
        """``make_event`` + ``deliver``; ``kw`` goes to ``make_event`` (timestamp, secret)."""
        return self.deliver(*self.make_event(type, data_object, **kw))

    def _auto_deliver(self, type, data_object):
        """Delivery Stripe makes by itself: failures go to ``webhook_failures`` (Stripe retries later)."""
        if not (self.deliver_webhooks and self.webhook_url):
            return None
        payload, headers = self.make_event(type, data_object)
        try:
            status, body = self.deliver(payload, headers)
        except Exception as e:  # connection refused, timeout, ...
            status, body = None, repr(e)
        if status is None or not 200 <= status < 300:
            with self.lock:
                self.webhook_failures.append({"type": type, "status": status, "body": body,
                                              "payload": payload, "headers": headers})
        return status

    def _deliver_async(self, type, data_object):
        thread = threading.Thread(target=self._auto_deliver, args=(type, data_object), daemon=True)
        with self.lock:
            self._webhook_threads.append(thread)
        thread.start()

    def wait_for_webhooks(self, timeout=10):
        """Block until background webhook deliveries (from API-side expiry) are done."""
        with self.lock:
            threads, self._webhook_threads = self._webhook_threads, []
        for t in threads:
            t.join(timeout)

    def events_of(self, type):
        with self.lock:
            return [e for e in self.events if e["type"] == type]

    # --------------------------------------------------------- hosted page
    def render_pay_page(self, sid):
        """Checkout's hosted page stand-in: amount, items, Pay and Cancel buttons."""
        with self.lock:
            s = self.sessions.get(sid)
            if s is None:
                return 404, "<h1>Something went wrong</h1><p>This checkout session does not exist.</p>"
            if s["status"] != "open":
                msg = "has expired" if s["status"] == "expired" else "is already complete"
                return 200, f"<h1>Checkout</h1><p class='state'>This checkout session {msg}.</p>"
            rows = "".join(
                f"<li>{html.escape(li['price_data']['product_data']['name'])} &times; {li['quantity']}"
                f" &mdash; {_money(li['price_data']['unit_amount'] * li['quantity'], s['currency'])}</li>"
                for li in s["line_items"])
            email = html.escape(s["customer_email"] or "")
            return 200, (
                f"<h1>Checkout</h1><p>{email}</p><ul>{rows}</ul>"
                f"<p>Total: <strong id='total'>{_money(s['amount_total'], s['currency'])}</strong></p>"
                f"<form method='post' action='/pay/{sid}/pay'><button type='submit'>Pay</button></form>"
                f"<form method='post' action='/pay/{sid}/cancel'><button type='submit'>Cancel</button></form>")


class _Handler(BaseHTTPRequestHandler):
    """HTTP front: ``/v1/...`` is the JSON API, ``/pay/...`` the hosted page."""

    server_version = "FakeStripe/1.0"

    def log_message(self, *args):  # keep test output quiet
        pass

    @property
    def fake(self):
        return self.server.fake

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if url.path.startswith("/v1/"):
            try:
                query = url.query if method == "GET" else raw
                params = decode_form(urllib.parse.parse_qsl(query, keep_blank_values=True))
            except StripeAPIError as e:
                return self._send_json(e.status, e.body(), {})
            status, body, extra = self.fake.handle_api(method, url.path, params, self.headers)
            return self._send_json(status, body, extra)
        m = re.fullmatch(r"/pay/([^/]+)(?:/(pay|cancel))?", url.path)
        if not m:
            return self._send(404, b"Not found", "text/plain")
        sid, action = m.groups()
        if method == "GET" and not action:
            status, page = self.fake.render_pay_page(sid)
            doc = f"<!doctype html><html><head><title>Fake Stripe Checkout</title></head><body>{page}</body></html>"
            return self._send(status, doc.encode(), "text/html; charset=utf-8")
        if method != "POST" or not action:
            return self._send(405, b"Method not allowed", "text/plain")
        session = self.fake.sessions.get(sid)
        if session is None:
            return self._send(404, b"No such checkout session", "text/plain")
        if action == "cancel":
            return self._redirect(session["cancel_url"] or session["success_url"])
        try:
            self.fake.complete_session(sid)  # delivers checkout.session.completed before redirecting
        except ValueError:
            status, page = self.fake.render_pay_page(sid)
            return self._send(409, page.encode(), "text/html; charset=utf-8")
        return self._redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", sid))

    def _send_json(self, status, body, extra):
        headers = {"Request-Id": _rand_id("req_", 14), "Stripe-Version": self.fake.api_version, **extra}
        self._send(status, json.dumps(body, indent=2).encode(), "application/json", headers)

    def _redirect(self, location):
        self._send(303, b"", "text/plain", {"Location": location})

    def _send(self, status, data, content_type, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during delay_next)
