"""Hostile input answers 400 or 404, never 500: a NUL in any part of a request, and signed webhooks
whose fields are missing or of the wrong kind.

PostgreSQL refuses a NUL in text where SQLite takes it, so run this file on both:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop pytest tests/shop/test_hostile_input.py
"""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from checkout.models import Order, WebhookEvent
from checkout.services.orders import order_place
from checkout.services.payments import payment_start
from storefront.models import StockAlert
from tests import factories

pytestmark = pytest.mark.django_db

NUL = "\x00"
REFUSED = "That request could not be read"


@pytest.fixture
def order():
    variant = factories.variant(stock=5, price="25.00")
    return order_place(cart=factories.cart_with((variant, 2)), details=factories.details(), checkout_token="h" * 32)


@pytest.fixture
def demo_on(settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""


def _refused(response, caplog):
    assert response.status_code == 400, response.status_code
    assert REFUSED in response.content.decode()
    assert "NUL character" in caplog.text


# --------------------------------------------------------------------------
# A NUL anywhere in a request
# --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/checkout/success/?session_id=%00",
    "/checkout/success/?session_id=cs_test_%00x",
    "/checkout/demo/demo_%00/",
    "/checkout/demo/demo_%00/done/",
    "/search/?q=%00",
    "/search/suggest/?q=mug%00",
    "/?sort=%00",
    "/?%00=1",
])
def test_a_nul_in_a_path_or_query_string_is_refused_with_400(client, demo_on, caplog, url):
    _refused(client.get(url), caplog)


def test_a_nul_in_an_order_link_is_refused_with_400(client, demo_on, order, caplog):
    _refused(client.get(f"/orders/{order.number}%00/{order.access_token}/"), caplog)
    _refused(client.get(f"/checkout/cancel/{order.number}/{order.access_token}%00/"), caplog)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_nul_in_a_form_field_is_refused_with_400(client, caplog):
    sold_out = factories.variant(stock=0)
    _refused(client.post(reverse("checkout:track"), {"email": "ada@example.com", "number": f"AB{NUL}12"}), caplog)
    _refused(client.post(reverse("checkout:cart_add"), {"variant": NUL, "quantity": "1"}), caplog)
    _refused(client.post(reverse("storefront:stock_alert", args=[sold_out.product.slug]),
                         {"variant": sold_out.pk, "email": f"eve{NUL}@example.com"}), caplog)
    assert not StockAlert.objects.exists()


def test_a_nul_in_a_review_is_refused_with_400(client, caplog):
    variant = factories.variant(stock=5)
    client.force_login(factories.user())
    url = reverse("storefront:review", args=[variant.product.slug])
    _refused(client.post(url, {"rating": "5", "title": f"Great{NUL}", "body": "Lovely mug."}), caplog)


def test_a_nul_in_the_session_cookie_is_refused_with_400(caplog):
    browser = Client()
    browser.cookies["sessionid"] = f"abcdefgh{NUL}ijklmnop"
    _refused(browser.get(reverse("checkout:cart")), caplog)


def test_ordinary_requests_still_pass(client, order):
    assert client.get("/checkout/success/?session_id=cs_test_unknown").status_code == 404
    assert client.get("/search/?q=mug").status_code == 200
    assert client.get(order.get_absolute_url()).status_code == 200


# --------------------------------------------------------------------------
# Signed webhooks the shop cannot act on
# --------------------------------------------------------------------------


@pytest.fixture
def pending(stripe_fake, order):
    payment_start(order=order, success_url="http://testserver/s?session_id={CHECKOUT_SESSION_ID}",
                  cancel_url="http://testserver/c")
    session_id = order.payments.get().session_id
    stripe_fake.complete_session(session_id, deliver=False)
    return order, dict(stripe_fake.sessions[session_id])


def _signed(stripe_fake, event):
    payload = json.dumps(event).encode()
    return payload, stripe_fake.sign(payload)


def _post(client, payload, signature):
    return client.post(reverse("checkout:stripe_webhook"), data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature)


def _event(session, **changes):
    event = {"id": "evt_hostile_1", "object": "event", "type": "checkout.session.completed", "livemode": False,
             "data": {"object": session}}
    for key, value in changes.items():
        if value is ...:
            event.pop(key)
        else:
            event[key] = value
    return event


def _session(session, **changes):
    session = dict(session)
    for key, value in changes.items():
        if value is ...:
            session.pop(key)
        else:
            session[key] = value
    return session


HOSTILE_EVENTS = {
    "no type": lambda s: _event(s, type=...),
    "no id": lambda s: _event(s, id=...),
    "no data": lambda s: _event(s, data=...),
    "a list for a type": lambda s: _event(s, type=["checkout.session.completed"]),
    "a number for an id": lambda s: _event(s, id=42),
    "no data.object": lambda s: _event(s, data={}),
    "a string object": lambda s: _event(s, data={"object": "cs_test_abc"}),
    "no object id": lambda s: _event(_session(s, id=...)),
    "a number for the object id": lambda s: _event(_session(s, id=7)),
    "a text amount": lambda s: _event(_session(s, amount_total="abc")),
    "a true amount": lambda s: _event(_session(s, amount_total=True)),
    "a negative amount": lambda s: _event(_session(s, amount_total=-5000)),
    "an amount past any column": lambda s: _event(_session(s, amount_total=10**40)),
    "a four-letter currency": lambda s: _event(_session(s, currency="usdx")),
    "a list for metadata": lambda s: _event(_session(s, metadata=["order"])),
    "a NUL in the metadata": lambda s: _event(_session(s, metadata={"order_number": f"A{NUL}"})),
    "a NUL in a key": lambda s: _event(_session(s, **{f"x{NUL}": 1})),
    "a lone surrogate": lambda s: _event(_session(s, url="\ud800")),
    "a list, not an event": lambda s: [_event(s)],
    "a refund with a text amount": lambda s: _event(
        {"id": "ch_1", "object": "charge", "payment_intent": s["payment_intent"], "currency": "usd",
         "amount_refunded": 500, "refunds": {"data": [{"id": "re_1", "amount": "five", "status": "succeeded"}]}},
        type="charge.refunded"),
}


@pytest.mark.parametrize("case", HOSTILE_EVENTS)
def test_a_signed_but_malformed_webhook_is_refused_with_400_and_changes_nothing(client, pending, stripe_fake,
                                                                               caplog, case):
    order, session = pending
    with caplog.at_level(logging.WARNING, logger="checkout.views.webhooks"):
        response = _post(client, *_signed(stripe_fake, HOSTILE_EVENTS[case](session)))
    assert response.status_code == 400
    assert response.content == b"Invalid signature or payload."
    assert "Refused a webhook" in caplog.text
    assert not WebhookEvent.objects.exists()  # not in the ledger: a delivery after a fix is processed afresh
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and not order.needs_review


def test_the_same_event_well_formed_is_still_acted_on(client, pending, stripe_fake):
    order, session = pending
    refused = _post(client, *_signed(stripe_fake, _event(_session(session, amount_total="abc"))))
    accepted = _post(client, *_signed(stripe_fake, _event(session)))
    assert (refused.status_code, accepted.status_code) == (400, 200)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert WebhookEvent.objects.get().event_id == "evt_hostile_1"
