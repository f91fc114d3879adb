"""Proves the fake Stripe's coupons, shipping rates and session totals behave as Stripe documents
(tests/fake_stripe_pricing.py), through the real SDK (no Django)."""

import time

import pytest
import stripe

from tests.fake_stripe import FakeStripe
from tests.test_fake_stripe import browse, make_client, session_params


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


@pytest.fixture
def client(fake):
    return make_client(fake)


def coupon(client, **params):
    return client.v1.coupons.create(params={"duration": "once", **params})


def rate_data(amount=500, currency="eur", name="Standard", low=2, high=5, unit="business_day"):
    data = {"type": "fixed_amount", "display_name": name, "fixed_amount": {"amount": amount, "currency": currency}}
    if low or high:
        data["delivery_estimate"] = {"minimum": {"unit": unit, "value": low}, "maximum": {"unit": unit, "value": high}}
    return data


def priced(client, discount=None, shipping=None, **over):
    """A session of 2 × 12.50 + 4.99 EUR (29.99), with a coupon id and/or inline shipping rate data."""
    if discount is not None:
        over["discounts"] = [{"coupon": discount}]
    if shipping is not None:
        over["shipping_options"] = [{"shipping_rate_data": shipping}]
    return client.v1.checkout.sessions.create(params=session_params(**over))


def refused(call):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        call()
    return exc.value


# -------------------------------------------------------------------- coupons
def test_an_amount_coupon_is_created_and_retrieved(fake, client):
    made = coupon(client, amount_off=500, currency="EUR", name="WELCOME10", max_redemptions=1,
                  metadata={"order_number": "ORD-1"})
    assert made.object == "coupon" and len(made.id) == 8
    assert (made.amount_off, made.currency, made.percent_off) == (500, "eur", None)
    assert (made.duration, made.max_redemptions, made.times_redeemed, made.valid) == ("once", 1, 0, True)
    assert made.name == "WELCOME10" and made.metadata["order_number"] == "ORD-1"
    got = client.v1.coupons.retrieve(made.id)
    assert got.to_dict() == made.to_dict()


def test_a_percent_coupon_with_its_own_id_and_the_default_duration(client):
    made = client.v1.coupons.create(params={"id": "SPRING", "percent_off": 25.5})
    assert (made.id, made.percent_off, made.amount_off, made.duration) == ("SPRING", 25.5, None, "once")
    error = refused(lambda: coupon(client, id="SPRING", percent_off=5))
    assert (error.http_status, error.code, error.param) == (400, "resource_already_exists", "id")


def test_an_unknown_coupon_is_404(client):
    error = refused(lambda: client.v1.coupons.retrieve("NOPE"))
    assert (error.http_status, error.code) == (404, "resource_missing")
    assert "No such coupon: 'NOPE'" in str(error)


@pytest.mark.parametrize("params, param, words", [
    ({"amount_off": 500, "currency": "eur", "percent_off": 10}, "amount_off", "only specify one"),
    ({}, "percent_off", "Missing required param"),
    ({"amount_off": 500}, "currency", "Missing required param: currency"),
    ({"amount_off": 0, "currency": "eur"}, "amount_off", "greater than or equal to 1"),
    ({"amount_off": "x", "currency": "eur"}, "amount_off", "Invalid integer"),
    ({"percent_off": 0}, "percent_off", "greater than 0"),
    ({"percent_off": 100.5}, "percent_off", "less than or equal to 100"),
    ({"percent_off": 10, "duration": "weekly"}, "duration", "must be one of forever, once, or repeating"),
    ({"percent_off": 10, "duration": "repeating"}, "duration_in_months", "Missing required param"),
    ({"percent_off": 10, "max_redemptions": 0}, "max_redemptions", "greater than or equal to 1"),
    ({"percent_off": 10, "name": "N" * 41}, "name", "at most 40 characters"),
    ({"percent_off": 10, "bogus": 1}, "bogus", "unknown parameter"),
])
def test_coupon_validation_is_worded_as_stripe_words_it(client, params, param, words):
    error = refused(lambda: client.v1.coupons.create(params=params))
    assert (error.http_status, error.param) == (400, param)
    assert words in str(error)


def test_coupon_creation_is_idempotent(fake, client):
    params = {"amount_off": 250, "currency": "usd", "duration": "once", "max_redemptions": 1}
    key = {"idempotency_key": "order-A-coupon-250"}
    first = client.v1.coupons.create(params=params, options=key)
    again = client.v1.coupons.create(params=params, options=key)
    assert again.id == first.id and list(fake.coupons) == [first.id]
    with pytest.raises(stripe.IdempotencyError):
        client.v1.coupons.create(params={**params, "amount_off": 300}, options=key)


# -------------------------------------------------------- session totals
def test_a_coupon_and_a_shipping_rate_make_the_total(fake, client):
    off = coupon(client, amount_off=500, currency="eur", name="WELCOME")
    s = priced(client, discount=off.id, shipping=rate_data(amount=495))
    assert s.amount_subtotal == 2999
    assert s.total_details.amount_discount == 500
    assert s.total_details.amount_shipping == 495
    assert s.total_details.amount_tax == 0
    assert s.amount_total == 2999 - 500 + 495
    assert [(d.coupon, d.promotion_code) for d in s.discounts] == [(off.id, None)]
    (option,) = s.shipping_options
    assert option.shipping_amount == 495 and option.shipping_rate.startswith("shr_")
    assert (s.shipping_cost.amount_total, s.shipping_cost.shipping_rate) == (495, option.shipping_rate)
    rate = client.v1.shipping_rates.retrieve(option.shipping_rate)
    assert (rate.display_name, rate.fixed_amount.amount, rate.delivery_estimate.minimum.value) == ("Standard", 495, 2)
    items = client.v1.checkout.sessions.line_items.list(s.id).data
    assert sum(item.amount_discount for item in items) == 500
    assert sum(item.amount_total for item in items) == 2499


def test_without_discount_or_shipping_the_total_is_the_items(client):
    s = priced(client)
    assert (s.amount_subtotal, s.amount_total) == (2999, 2999)
    assert (s.total_details.amount_discount, s.total_details.amount_shipping) == (0, 0)
    assert s.discounts == [] and s.shipping_cost is None


def test_a_coupon_never_takes_off_more_than_the_items_and_never_touches_shipping(client):
    big = coupon(client, amount_off=10_000, currency="eur")
    s = priced(client, discount=big.id, shipping=rate_data(amount=700))
    assert s.total_details.amount_discount == 2999
    assert s.amount_total == 700


@pytest.mark.parametrize("percent, discount", [(50, 1500), (12.5, 375), (33.333, 1000), (100, 2999)])
def test_percent_off_is_rounded_half_up_to_the_minor_unit(client, percent, discount):
    # 50 % of 2999 is 1499.5, 12.5 % is 374.875, 33.333 % is 999.66...
    s = priced(client, discount=coupon(client, percent_off=percent).id)
    assert s.total_details.amount_discount == discount
    assert s.amount_total == 2999 - discount


def test_a_free_order_completes_without_a_payment(fake, client):
    s = priced(client, discount=coupon(client, percent_off=100).id)
    assert s.amount_total == 0
    body = fake.complete_session(s.id, deliver=False)
    assert (body["status"], body["payment_status"], body["payment_intent"]) == ("complete", "no_payment_required", None)
    assert not fake.payment_intents


def test_a_total_below_stripes_minimum_is_refused_after_the_discount(client):
    error = refused(lambda: priced(client, discount=coupon(client, amount_off=2970, currency="eur").id))
    assert error.code == "amount_too_small" and "at least 0.50 EUR" in str(error)


def test_zero_and_three_decimal_currencies(client):
    yen = [{"price_data": {"currency": "jpy", "unit_amount": 1200, "product_data": {"name": "Tea"}}, "quantity": 1}]
    s = priced(client, discount=coupon(client, amount_off=200, currency="jpy").id,
               shipping=rate_data(amount=500, currency="jpy"), line_items=yen)
    assert (s.amount_subtotal, s.amount_total) == (1200, 1500)
    error = refused(lambda: priced(client, discount=coupon(client, amount_off=1160, currency="jpy").id, line_items=yen))
    assert "at least 50 JPY" in str(error)
    dinar = [{"price_data": {"currency": "kwd", "unit_amount": 5125, "product_data": {"name": "Rug"}}, "quantity": 1}]
    assert refused(lambda: priced(client, line_items=dinar)).code == "invalid_charge_amount"
    dinar[0]["price_data"]["unit_amount"] = 5120
    assert priced(client, line_items=dinar).amount_total == 5120


# ------------------------------------------------------------ discounts refused
def test_an_unknown_coupon_is_refused_like_stripe(client):
    error = refused(lambda: priced(client, discount="GONE"))
    assert (error.http_status, error.code, error.param) == (400, "resource_missing", "discounts[0][coupon]")
    assert "No such coupon: 'GONE'" in str(error)


def test_one_discount_only_and_not_with_promotion_codes(client):
    a, b = coupon(client, percent_off=10).id, coupon(client, percent_off=20).id
    two = refused(lambda: priced(client, discounts=[{"coupon": a}, {"coupon": b}]))
    assert two.param == "discounts"
    both = refused(lambda: priced(client, discount=a, allow_promotion_codes=True))
    assert "only specify one of these parameters: allow_promotion_codes, discounts" in str(both)


def test_an_amount_coupon_in_another_currency_is_refused(client):
    dollars = coupon(client, amount_off=500, currency="usd")
    assert refused(lambda: priced(client, discount=dollars.id)).param == "discounts[0][coupon]"


def test_a_coupon_is_redeemed_when_its_session_completes_not_before(fake, client):
    once = coupon(client, amount_off=500, currency="eur", max_redemptions=1)
    first, second = priced(client, discount=once.id), priced(client, discount=once.id)
    assert client.v1.coupons.retrieve(once.id).times_redeemed == 0
    fake.complete_session(first.id, deliver=False)
    used = client.v1.coupons.retrieve(once.id)
    assert (used.times_redeemed, used.valid) == (1, False)
    with pytest.raises(ValueError, match="maximum redemptions"):
        fake.complete_session(second.id, deliver=False)
    assert client.v1.checkout.sessions.retrieve(second.id).status == "open"
    assert refused(lambda: priced(client, discount=once.id)).code == "coupon_expired"


def test_a_coupon_past_redeem_by_is_refused(client):
    old = coupon(client, percent_off=10, redeem_by=int(time.time()) - 60)
    assert client.v1.coupons.retrieve(old.id).valid is False
    assert refused(lambda: priced(client, discount=old.id)).code == "coupon_expired"


# ------------------------------------------------------------- shipping options
@pytest.mark.parametrize("options, param", [
    ([{"shipping_rate_data": rate_data()}] * 6, "shipping_options"),
    ([{"shipping_rate_data": {**rate_data(), "display_name": ""}}],
     "shipping_options[0][shipping_rate_data][display_name]"),
    ([{"shipping_rate_data": rate_data(amount=-1)}], "shipping_options[0][shipping_rate_data][fixed_amount][amount]"),
    ([{"shipping_rate_data": rate_data(currency="usd")}], "shipping_options[0]"),
    ([{"shipping_rate_data": rate_data(unit="fortnight")}],
     "shipping_options[0][shipping_rate_data][delivery_estimate][minimum][unit]"),
    ([{"shipping_rate_data": rate_data(low=0)}],
     "shipping_options[0][shipping_rate_data][delivery_estimate][minimum][value]"),
    ([{"shipping_rate_data": {**rate_data(), "type": "calculated"}}], "shipping_options[0][shipping_rate_data][type]"),
    ([{"shipping_rate": "shr_nope"}], "shipping_options[0][shipping_rate]"),
    ([{"shipping_rate": "shr_x", "shipping_rate_data": rate_data()}], "shipping_options[0]"),
    ([{"shipping_rate": ""}], "shipping_options[0][shipping_rate_data]"),
])
def test_shipping_options_are_validated(client, options, param):
    error = refused(lambda: priced(client, shipping_options=options))
    assert (error.http_status, error.param) == (400, param)


def test_a_saved_shipping_rate_can_be_offered_and_the_first_option_is_selected(client):
    express = client.v1.shipping_rates.create(params=rate_data(amount=1500, name="Express", low=1, high=1))
    s = priced(client, shipping_options=[{"shipping_rate": express.id},
                                         {"shipping_rate_data": rate_data(amount=500)}])
    assert [o.shipping_amount for o in s.shipping_options] == [1500, 500]
    assert s.shipping_cost.shipping_rate == express.id and s.amount_total == 2999 + 1500


# --------------------------------------------------------------- hosted page
def test_the_hosted_page_shows_the_discount_by_name_the_shipping_method_and_the_total(fake, client):
    off = coupon(client, amount_off=500, currency="eur", name="WELCOME10")
    s = priced(client, discount=off.id, shipping=rate_data(amount=495, name="Standard", low=2, high=5))
    page = browse(s.url)[2]
    assert "Subtotal: <span id='subtotal'>29.99 EUR</span>" in page
    assert "WELCOME10: &minus;5.00 EUR" in page
    assert "Standard (2–5 business days): 4.95 EUR" in page
    assert "<strong id='total'>29.94 EUR</strong>" in page


def test_the_hosted_page_names_an_unnamed_coupon_by_its_id_and_a_one_day_estimate(client):
    s = priced(client, discount=coupon(client, id="TENOFF", percent_off=10).id,
               shipping=rate_data(amount=0, name="Courier", low=1, high=1, unit="day"))
    page = browse(s.url)[2]
    assert "TENOFF: &minus;3.00 EUR" in page
    assert "Courier (1 day): 0.00 EUR" in page
