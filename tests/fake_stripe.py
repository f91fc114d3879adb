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
* ``POST /v1/coupons``, ``GET /v1/coupons/{id}``, ``POST /v1/shipping_rates``,
  ``GET /v1/shipping_rates/{id}``; a session's ``discounts`` (one coupon) and ``shipping_options``,
  added up as Stripe does (``amount_subtotal``, ``total_details``, ``shipping_cost``,
  ``amount_total``; no-cost orders) -- see ``tests/fake_stripe_pricing.py``
* Bearer/basic API-key auth, Idempotency-Key replay (and ``idempotency_key_in_use`` while the first
  request with a key is still executing), Stripe's error JSON, ``Stripe-Should-Retry`` on errors,
  injected failures, delays, and requests held until the test lets them go.
* A hosted payment page stand-in at ``/pay/{id}`` and signed webhooks
  (``Stripe-Signature: t=...,v1=...``) POSTed to ``webhook_url``.

Stdlib only, so it can run anywhere the tests run. This module is the server and the
entry point tests import; Stripe's wire format is in ``tests/fake_stripe_wire.py``, the
objects and their API handlers in ``tests/fake_stripe_objects.py`` (coupons, shipping rates and a
session's total in ``tests/fake_stripe_pricing.py``), the HTTP front and the hosted page in
``tests/fake_stripe_http.py``.
"""

import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

from tests import fake_stripe_objects as objects
from tests import fake_stripe_pricing as pricing
from tests.fake_stripe_http import Handler
from tests.fake_stripe_wire import LoggedRequest, StripeAPIError, decode_form, rand_id

__all__ = ["FakeStripe", "StripeAPIError", "decode_form", "LoggedRequest"]


class FakeStripe:
    """In-process stand-in for api.stripe.com + Checkout's hosted page + webhooks.

    State (``sessions``, ``payment_intents``, ``refunds``, ``coupons``, ``events``, ...) is
    plain dicts/lists guarded by ``lock``; tests may read it directly.
    """

    def __init__(self, api_key="sk_test_fake", webhook_secret="whsec_fake_0123456789abcdef",
                 api_version="2026-10-28.endive"):
        self.api_key, self.webhook_secret, self.api_version = api_key, webhook_secret, api_version
        self.webhook_url = None
        self.webhook_timeout = 10
        self.lock = threading.RLock()
        self._answered_changed = threading.Condition(self.lock)
        self._in_flight = 0
        self._gates = []  # every event hold_next handed out; reset lets them all go
        self._server = self._thread = None
        self.base_url = None
        self.reset()

    # ------------------------------------------------------------------ lifecycle
    def start(self):
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
        """Forget all objects, events, logs and pending faults (``webhook_url`` is kept).

        Waits first for API requests still being handled (a delayed one a client gave up on),
        so none of them lands in the next test's state.
        """
        with self.lock:
            for gate in self._gates:
                gate.set()
            if not self._answered_changed.wait_for(lambda: self._in_flight == 0, timeout=30):
                raise RuntimeError("FakeStripe: an API request was still being handled after 30 s")
            self.answered = 0
            self.sessions, self.payment_intents, self.refunds = {}, {}, {}
            self.coupons, self.shipping_rates = {}, {}
            self.idempotency = {}  # key -> (method, path, params, status, body)
            self.events, self.webhook_failures, self.requests_log = [], [], []
            self.deliver_webhooks = True
            self._failures, self._delays, self._webhook_threads = [], [], []
            self._holds, self._gates, self._executing = [], [], set()

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

    def hold_next(self, count=1):
        """Hold each of the next ``count`` API requests once Stripe has begun executing it, until the
        test sets the returned event: a slow Stripe, not a dead one, without wall-clock waiting.

        The request then finishes as it would have (a session is created), whether or not its
        client is still there. Meanwhile a request with the same Idempotency-Key (the SDK's retry)
        gets 409 ``idempotency_key_in_use``, as on Stripe. ``reset`` lets every held request go.
        """
        gate = threading.Event()
        with self.lock:
            self._holds.extend([gate] * count)
            self._gates.append(gate)
        return gate

    def wait_answered(self, count, timeout=10):
        """Block until the fake has answered ``count`` API requests since the last reset, including
        requests whose client already gave up (timed out during ``delay_next``). True if it has."""
        with self.lock:
            return self._answered_changed.wait_for(lambda: self.answered >= count, timeout=timeout)

    # ---------------------------------------------------------------- API dispatch
    def handle_api(self, method, path, params, headers):
        """Run one ``/v1`` request; returns ``(status, body_dict, extra_headers)``."""
        with self.lock:
            self._in_flight += 1
        try:
            return self._answer(method, path, params, headers)
        finally:
            with self.lock:
                self._in_flight -= 1
                self.answered += 1
                self._answered_changed.notify_all()

    def _answer(self, method, path, params, headers):
        idem_key = headers.get("Idempotency-Key")
        with self.lock:
            self.requests_log.append(LoggedRequest(method, path, params, idem_key))
            delay = self._delays.pop(0) if self._delays else 0
            failure = self._failures.pop(0) if self._failures else None
            gate = self._holds.pop(0) if self._holds else None
        if delay:
            time.sleep(delay)
        if failure:
            status, retry = failure
            extra = {} if retry is None else {"Stripe-Should-Retry": "true" if retry else "false"}
            err = StripeAPIError(status, "(fake) injected failure; please retry.", type="api_error")
            return status, err.body(), extra
        key = idem_key if method == "POST" else None
        try:
            self._check_auth(headers.get("Authorization", ""))
            with self.lock:
                if key:
                    cached = self.idempotency.get(key)
                    if cached:
                        return self._replay(cached, method, path, params, key)
                    if key in self._executing:
                        # No Stripe-Should-Retry: the SDK retries a 409 by its own rule.
                        err = StripeAPIError(409, "There is currently another in-progress request using this "
                                                  "Idempotency-Key. Please try again later.",
                                             code="idempotency_key_in_use")
                        return err.status, err.body(), {}
                    self._executing.add(key)
            try:
                if gate is not None:
                    gate.wait(timeout=30)  # reset() sets it too, so a forgotten hold cannot outlive its test
                with self.lock:
                    status, body, after = self._route(method, path, params)
                    if key:
                        self.idempotency[key] = (method, path, params, status, body)
            finally:
                if key:
                    with self.lock:
                        self._executing.discard(key)
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

    def _route(self, method, path, params):
        """Returns ``(status, body, after_callable_or_None)``."""
        for r_method, pattern, handler in objects.ROUTES:
            m = re.fullmatch(pattern, path)
            if m and r_method == method:
                result = handler(self, params, **m.groupdict())
                return result if isinstance(result, tuple) else (200, result, None)
        raise StripeAPIError(404, f"Unrecognized request URL ({method}: {path}). Please see "
                                  "https://stripe.com/docs or we can help at https://support.stripe.com/.")

    # ------------------------------------------------------------- test helpers
    def complete_session(self, sid, payment_status="paid", amount_total=None, currency=None, deliver=True):
        """Simulate the customer paying on the hosted page.

        ``amount_total``/``currency`` override what is reported (tampering tests);
        ``payment_status="unpaid"`` models delayed methods (SEPA, etc.): the session
        is ``complete`` but the PaymentIntent is still ``processing`` until
        ``settle_async_payment``. A session whose total is 0 (a no-cost order) completes as
        ``no_payment_required`` without a PaymentIntent. The session's coupon counts one
        redemption; a coupon used up meanwhile refuses (ValueError, the session stays open).
        Sends ``checkout.session.completed``.
        """
        with self.lock:
            s = objects.session_get(self, sid)
            if s["status"] != "open":
                raise ValueError(f"session {sid} is {s['status']}, not open")
            pricing.session_redeem(self, s)
            if amount_total is not None:
                s["amount_total"] = amount_total
            if currency is not None:
                s["currency"] = currency
            pid, paid = None, payment_status == "paid"
            if s["amount_total"] == 0 and paid:
                payment_status = "no_payment_required"
            else:
                pid = rand_id("pi_")
                self.payment_intents[pid] = {
                    "id": pid, "object": "payment_intent", "amount": s["amount_total"],
                    "amount_received": s["amount_total"] if paid else 0, "amount_refunded": 0,
                    "currency": s["currency"], "status": "succeeded" if paid else "processing",
                    "latest_charge": rand_id("ch_"), "metadata": {}, "created": int(time.time()), "livemode": False,
                }
            s.update(status="complete", payment_status=payment_status, payment_intent=pid, url=None,
                     customer_details={"email": s["customer_email"]})
            body = objects.session_json(self, sid)
        if deliver:
            self._auto_deliver("checkout.session.completed", body)
        return body

    def settle_async_payment(self, sid, succeeded=True, deliver=True):
        """Finish a delayed payment: sends ``checkout.session.async_payment_succeeded``/``_failed``."""
        with self.lock:
            s = objects.session_get(self, sid)
            pi = self.payment_intents[s["payment_intent"]]
            if succeeded:
                pi.update(status="succeeded", amount_received=pi["amount"])
                s["payment_status"] = "paid"
            else:
                pi["status"] = "requires_payment_method"
            body = objects.session_json(self, sid)
        if deliver:
            kind = "succeeded" if succeeded else "failed"
            self._auto_deliver(f"checkout.session.async_payment_{kind}", body)
        return body

    def expire_session(self, sid, deliver=True):
        """Simulate the session timing out; sends ``checkout.session.expired`` synchronously."""
        with self.lock:
            try:
                objects.session_expire(self, sid)
            except StripeAPIError as e:
                raise ValueError(e.message) from None
            body = objects.session_json(self, sid)
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
            "id": rand_id("evt_test_"), "object": "event", "api_version": self.api_version,
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
