"""Proves tests/fake_stripe.py speaks Stripe well enough for the real SDK (no Django)."""

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from tests.fake_stripe import FakeStripe, decode_form


@pytest.fixture(scope="module")
def fake():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _clean(fake):
    fake.reset()
    fake.webhook_url = None
    yield


def make_client(fake, api_key=None, retries=1, timeout=8):
    # Exactly how production code builds its client.
    return stripe.StripeClient(
        api_key or fake.api_key,
        base_addresses={"api": fake.base_url},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


@pytest.fixture
def client(fake):
    return make_client(fake)


class Receiver:
    """Tiny shop stand-in: verifies webhooks with the SDK and serves success/cancel pages."""

    def __init__(self, secret):
        self.secret, self.events, self.status, self.on_event = secret, [], 200, None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    event = stripe.Webhook.construct_event(body, self.headers.get("Stripe-Signature"), receiver.secret)
                    receiver.events.append(event)
                    if receiver.on_event:
                        receiver.on_event(event)
                    code = receiver.status
                except stripe.SignatureVerificationError:
                    code = 400
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                data = f"landed on {self.path}".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def receiver(fake):
    r = Receiver(fake.webhook_secret)
    fake.webhook_url = r.url + "/webhook"
    yield r
    r.server.shutdown()
    r.server.server_close()


def browse(url, post=False):
    """Like a browser: GET (or POST the form) and follow redirects; returns (final_url, status, text)."""
    req = urllib.request.Request(url, data=b"" if post else None, method="POST" if post else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.geturl(), resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        with e:
            return e.geturl(), e.code, e.read().decode()


def session_params(**over):
    params = {
        "mode": "payment",
        "line_items": [
            {"price_data": {"currency": "eur", "unit_amount": 1250, "product_data": {"name": "Mug"}}, "quantity": 2},
            {"price_data": {"currency": "eur", "unit_amount": 499, "product_data": {"name": "Tea"}}, "quantity": 1},
        ],
        "customer_email": "buyer@example.com",
        "client_reference_id": "ORD-1",
        "metadata": {"order_number": "ORD-1"},
        "success_url": "http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/cancel",
        "expires_at": int(time.time()) + 3600,
        "expand": ["line_items"],
    }
    params.update(over)
    return params


def create(client, **over):
    return client.v1.checkout.sessions.create(params=session_params(**over))


# ---------------------------------------------------------------- encoding
def test_decode_form_nested_keys():
    pairs = [("line_items[0][price_data][product_data][name]", "Mug"), ("line_items[0][quantity]", "2"),
             ("metadata[order_number]", "A1"), ("metadata[0]", "x"), ("expand[0]", "line_items"), ("tags[]", "a")]
    assert decode_form(pairs) == {
        "line_items": [{"price_data": {"product_data": {"name": "Mug"}}, "quantity": "2"}],
        "metadata": {"order_number": "A1", "0": "x"}, "expand": ["line_items"], "tags": ["a"],
    }


# ---------------------------------------------------------- checkout sessions
def test_create_session(fake, client):
    s = client.v1.checkout.sessions.create(params=session_params(), options={"idempotency_key": "order-1-session"})
    assert s.id.startswith("cs_test_") and s.object == "checkout.session"
    assert (s.status, s.payment_status, s.payment_intent) == ("open", "unpaid", None)
    assert s.amount_total == s.amount_subtotal == 2 * 1250 + 499
    assert s.currency == "eur" and s.customer_email == "buyer@example.com"
    assert s.metadata["order_number"] == "ORD-1" and s.client_reference_id == "ORD-1"
    assert s.url == f"{fake.base_url}/pay/{s.id}" and s.livemode is False
    assert [li.description for li in s.line_items.data] == ["Mug", "Tea"]
    stored = fake.sessions[s.id]["line_items"]
    assert stored[0]["price_data"]["unit_amount"] == 1250 and stored[0]["quantity"] == 2
    logged = fake.requests_log[-1]
    assert (logged.method, logged.path, logged.idempotency_key) == ("POST", "/v1/checkout/sessions", "order-1-session")
    assert logged.params["line_items"][1]["price_data"]["product_data"]["name"] == "Tea"


def test_idempotent_create_returns_same_session(fake, client):
    opts = {"idempotency_key": "order-XYZ-session"}
    params = session_params()
    first = client.v1.checkout.sessions.create(params=params, options=opts)
    again = client.v1.checkout.sessions.create(params=params, options=opts)
    assert again.id == first.id and len(fake.sessions) == 1
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(params=session_params(client_reference_id="other"), options=opts)


def test_retrieve_and_missing(client):
    s = create(client)
    got = client.v1.checkout.sessions.retrieve(s.id)
    assert got.id == s.id and got.amount_total == 2999 and "line_items" not in got
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert exc.value.http_status == 404 and exc.value.code == "resource_missing"


@pytest.mark.parametrize("over, param", [
    ({"mode": None}, "mode"),
    ({"success_url": None}, "success_url"),
    ({"expires_at": int(time.time()) + 600}, "expires_at"),
    ({"expires_at": int(time.time()) + 25 * 3600}, "expires_at"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": -1, "product_data": {"name": "X"}},
                      "quantity": 1}]}, "line_items[0][price_data][unit_amount]"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 900}, "quantity": 1}]},
     "line_items[0][price_data][product_data][name]"),
    ({"bogus": "1"}, "bogus"),
])
def test_create_validation(client, over, param):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        create(client, **over)
    assert exc.value.http_status == 400 and exc.value.param == param


def test_expire(fake, client, receiver):
    s = create(client)
    expired = client.v1.checkout.sessions.expire(s.id)
    assert expired.status == "expired" and expired.url is None
    fake.wait_for_webhooks()
    assert [(e.type, e.data.object.id) for e in receiver.events] == [("checkout.session.expired", s.id)]
    with pytest.raises(stripe.InvalidRequestError, match="can be expired"):
        client.v1.checkout.sessions.expire(s.id)

    done = create(client)
    fake.complete_session(done.id, deliver=False)
    with pytest.raises(stripe.InvalidRequestError, match="status of `complete`"):
        client.v1.checkout.sessions.expire(done.id)


# ------------------------------------------------------------------- refunds
def test_refunds(fake, client):
    s = create(client)
    paid = fake.complete_session(s.id, deliver=False)
    pi = paid["payment_intent"]
    intent = client.v1.payment_intents.retrieve(pi)
    assert (intent.amount, intent.amount_received, intent.currency, intent.status) == (2999, 2999, "eur", "succeeded")
    assert client.v1.checkout.sessions.retrieve(s.id).payment_intent == pi

    part = client.v1.refunds.create(params={"payment_intent": pi, "amount": 500}, options={"idempotency_key": "r1"})
    assert part.id.startswith("re_") and (part.amount, part.status) == (500, "succeeded")
    assert client.v1.refunds.create(params={"payment_intent": pi, "amount": 500},
                                    options={"idempotency_key": "r1"}).id == part.id  # replay, not a 2nd refund
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi, "amount": 5000})
    assert exc.value.param == "amount" and "greater than unrefunded amount" in str(exc.value)
    rest = client.v1.refunds.create(params={"payment_intent": pi})
    assert rest.amount == 2499 and client.v1.refunds.retrieve(rest.id).amount == 2499
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi, "amount": 1})
    assert exc.value.code == "charge_already_refunded"


def test_tampered_and_async_completion(fake, client):
    s = create(client)
    body = fake.complete_session(s.id, payment_status="unpaid", amount_total=1, currency="usd", deliver=False)
    assert (body["status"], body["payment_status"], body["amount_total"], body["currency"]) == \
        ("complete", "unpaid", 1, "usd")
    assert client.v1.payment_intents.retrieve(body["payment_intent"]).status == "processing"
    assert fake.settle_async_payment(s.id, deliver=False)["payment_status"] == "paid"


# -------------------------------------------------------- auth, retries, timeouts
def test_wrong_api_key(fake):
    with pytest.raises(stripe.AuthenticationError):
        make_client(fake, api_key="sk_test_wrong").v1.checkout.sessions.retrieve("cs_test_x")


def test_retry_after_one_failure(fake, client):
    fake.fail_next(1)
    s = client.v1.checkout.sessions.create(params=session_params(), options={"idempotency_key": "k-retry"})
    assert s.status == "open" and len(fake.sessions) == 1
    assert [r.idempotency_key for r in fake.requests_log] == ["k-retry", "k-retry"]


def test_two_failures_exhaust_retries(fake, client):
    fake.fail_next(2, status=503)
    with pytest.raises(stripe.APIError):
        create(client)
    assert len(fake.requests_log) == 2 and not fake.sessions


def test_should_retry_false_is_honoured(fake, client):
    fake.fail_next(1, should_retry=False)
    with pytest.raises(stripe.APIError):
        create(client)
    assert len(fake.requests_log) == 1


def test_timeout_then_retry_creates_one_session(fake):
    fake.delay_next(1, 1.5)
    s = make_client(fake, timeout=0.5).v1.checkout.sessions.create(
        params=session_params(), options={"idempotency_key": "slow"})
    assert fake.wait_answered(2)  # the slow first attempt has finished on the server, after the retry
    assert list(fake.sessions) == [s.id]

    fake.delay_next(1, 1.0)
    with pytest.raises(stripe.APIConnectionError):
        make_client(fake, retries=0, timeout=0.3).v1.checkout.sessions.retrieve(s.id)


def test_a_held_request_finishes_after_its_client_gave_up_and_its_key_is_busy_meanwhile(fake):
    gate, params = fake.hold_next(1), session_params()
    with pytest.raises(stripe.StripeError) as busy:  # timed out, then the SDK's retry found the key in use
        make_client(fake, retries=1, timeout=0.3).v1.checkout.sessions.create(
            params=params, options={"idempotency_key": "held"})
    assert busy.value.http_status == 409 and busy.value.json_body["error"]["code"] == "idempotency_key_in_use"
    assert not fake.sessions  # still executing
    gate.set()
    assert fake.wait_answered(2)
    [sid] = fake.sessions  # the held request created it after all
    again = make_client(fake, retries=0).v1.checkout.sessions.create(
        params=params, options={"idempotency_key": "held"})
    assert again.id == sid and len(fake.sessions) == 1


def test_reset_lets_a_held_request_go(fake):
    fake.hold_next(1)
    with pytest.raises(stripe.APIConnectionError):
        make_client(fake, retries=0, timeout=0.3).v1.checkout.sessions.create(params=session_params())
    fake.reset()  # does not wait for the hold's own 30 s
    assert fake.answered == 0 and not fake.sessions


# -------------------------------------------------------------- hosted page
def test_hosted_page_pay_flow(fake, client, receiver):
    s = create(client, success_url=receiver.url + "/ok?session_id={CHECKOUT_SESSION_ID}")
    _, _, page = browse(s.url)
    assert "Mug" in page and "Tea" in page and "29.99 EUR" in page and "/pay" in page and "/cancel" in page

    assert browse(f"{s.url}/pay", post=True) == (
        f"{receiver.url}/ok?session_id={s.id}", 200, f"landed on /ok?session_id={s.id}")
    (event,) = receiver.events  # delivered and verified before the redirect
    assert event.type == "checkout.session.completed"
    assert (event.data.object.id, event.data.object.payment_status) == (s.id, "paid")
    assert not fake.webhook_failures
    done = client.v1.checkout.sessions.retrieve(s.id)
    assert done.status == "complete" and done.payment_intent.startswith("pi_")
    assert "already complete" in browse(s.url)[2]


def test_webhook_handler_can_call_back_into_api(fake, client, receiver):
    # A real handler re-fetches the session from Stripe while the Pay click is still waiting.
    seen = []
    receiver.on_event = lambda event: seen.append(client.v1.checkout.sessions.retrieve(event.data.object.id).status)
    s = create(client, success_url=receiver.url + "/ok")
    assert browse(f"{s.url}/pay", post=True)[:2] == (receiver.url + "/ok", 200)
    assert seen == ["complete"]


def test_pay_still_redirects_when_webhook_fails(fake, client, receiver):
    receiver.status = 500
    s = create(client, success_url=receiver.url + "/ok")
    assert browse(f"{s.url}/pay", post=True)[:2] == (receiver.url + "/ok", 200)
    assert [f["status"] for f in fake.webhook_failures] == [500]

    fake.webhook_url = "http://127.0.0.1:9/nothing-listens"  # connection refused
    s2 = create(client, success_url=receiver.url + "/ok2")
    assert browse(f"{s2.url}/pay", post=True)[:2] == (receiver.url + "/ok2", 200)
    assert fake.webhook_failures[-1]["status"] is None
    assert client.v1.checkout.sessions.retrieve(s2.id).payment_status == "paid"


def test_cancel_and_expired_page(fake, client, receiver):
    s = create(client, cancel_url=receiver.url + "/cancelled")
    assert browse(f"{s.url}/cancel", post=True)[:2] == (receiver.url + "/cancelled", 200)
    assert client.v1.checkout.sessions.retrieve(s.id).status == "open"
    fake.expire_session(s.id)
    assert [e.type for e in receiver.events] == ["checkout.session.expired"]
    assert "has expired" in browse(s.url)[2]
    _, status, page = browse(f"{s.url}/pay", post=True)
    assert status == 409 and "has expired" in page


# ----------------------------------------------------------- event signatures
def test_make_event_signature(fake, client):
    obj = {"id": "cs_test_1", "object": "checkout.session"}
    payload, headers = fake.make_event("checkout.session.completed", obj)
    event = stripe.Webhook.construct_event(payload, headers["Stripe-Signature"], fake.webhook_secret)
    assert event.type == "checkout.session.completed" and event.data.object.id == "cs_test_1"
    assert json.loads(payload)["object"] == "event" and event.id.startswith("evt_")
    assert client.construct_event(payload, headers["Stripe-Signature"], fake.webhook_secret).id == event.id

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, headers["Stripe-Signature"], "whsec_other")
    payload, headers = fake.make_event("checkout.session.completed", obj, secret="whsec_other")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, headers["Stripe-Signature"], fake.webhook_secret)
    payload, headers = fake.make_event("checkout.session.completed", obj, timestamp=time.time() - 301)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(payload, headers["Stripe-Signature"], fake.webhook_secret)


def test_send_event_and_duplicate_delivery(fake, receiver):
    status, _ = fake.send_event("checkout.session.completed", {"id": "cs_test_2"})
    assert status == 200
    status, _ = fake.send_event("checkout.session.completed", {"id": "cs_test_2"}, secret="whsec_bad")
    assert status == 400
    payload, headers = fake.make_event("checkout.session.completed", {"id": "cs_test_3"})
    assert fake.deliver(payload, headers)[0] == fake.deliver(payload, headers)[0] == 200
    assert [e.data.object.id for e in receiver.events] == ["cs_test_2", "cs_test_3", "cs_test_3"]
    assert receiver.events[1].id == receiver.events[2].id and len(fake.events) == 4
