"""The money proof of issue 10, as a property: over random carts (prices, quantities, tax classes, weights),
destinations, shipping set-ups (zones, methods, free-above amounts, weight bands), discount codes and both tax
styles, in USD, EUR and JPY, an order adds up by the shop's documented rules, and Stripe (the fake, which adds
up a Checkout Session as Stripe documents) charges exactly the order's total, to the minor unit."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, event, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from checkout.errors import CheckoutError
from checkout.models import DiscountCode, ShippingZone
from checkout.services.orders import order_place
from checkout.services.payments import payment_start
from core.money import from_minor_units, quantum, round_money, to_minor_units
from storefront.models import TaxClass, Variant
from tests import factories

pytestmark = pytest.mark.django_db

ZERO = Decimal(0)
STRIPE_MINIMUM = 50  # minor units: 0.50 USD or EUR, 50 JPY
DESTINATIONS = [("US", "US-CA"), ("US", "US-NY"), ("US", "US-TX"), ("DE", ""), ("FR", ""), ("JP", ""), ("GB", "")]
TAX_PLACES = [("US", ""), ("US", "US-CA"), ("DE", ""), ("FR", ""), ("JP", "")]  # GB: no rates at all
# What the shop may say instead of placing the order, for a set-up the shop rightly cannot serve.
REFUSALS = ("we don't ship to this address", "That shipping method is not offered", "is not for the items")


@dataclass(frozen=True)
class Line:
    price: int  # minor units
    quantity: int
    tax_class: str
    weight_grams: int
    in_kitchen: bool  # in a subcategory of the category a restricted code is for


@dataclass(frozen=True)
class Method:
    price: int
    free_above: int | None
    bands: tuple[tuple[int, int], ...]  # (up to grams, price)
    min_days: int
    max_days: int


@dataclass(frozen=True)
class Code:
    kind: str
    percent: Decimal
    amount: int  # minor units, for a fixed amount
    kitchen_only: bool


@st.composite
def methods(draw):
    low = draw(st.integers(1, 5))
    bands = draw(st.lists(st.tuples(st.integers(1, 60000), st.integers(0, 3000)), max_size=3,
                          unique_by=lambda band: band[0]))
    return Method(price=draw(st.integers(0, 3000)), free_above=draw(st.none() | st.integers(1, 40000)),
                  bands=tuple(sorted(bands)), min_days=low, max_days=draw(st.integers(low, 10)))


@st.composite
def scenarios(draw):
    rate = st.none() | st.decimals(min_value=0, max_value=30, places=3)
    return {
        "currency": draw(st.sampled_from(["usd", "eur", "jpy"])),
        "tax_included": draw(st.booleans()),
        "tax_shipping": draw(st.booleans()),
        "lines": draw(st.lists(st.builds(Line, price=st.integers(1, 20000), quantity=st.integers(1, 5),
                                         tax_class=st.sampled_from(TaxClass.values),
                                         weight_grams=st.integers(0, 3000), in_kitchen=st.booleans()),
                               min_size=1, max_size=4)),
        "destination": draw(st.sampled_from(DESTINATIONS)),
        "rates": {(*place, tax_class): value for place in TAX_PLACES for tax_class in TaxClass.values
                  if (value := draw(rate)) is not None},
        "shipping": draw(st.sampled_from(["free everywhere", "zones", "zones and the world", "zones and the world"])),
        "us_states_only": draw(st.booleans()),
        "zone_methods": [draw(st.lists(methods(), min_size=1, max_size=2)) for _ in range(3)],
        "pick": draw(st.none() | st.integers(0, 3)),
        "code": draw(st.none() | st.builds(
            Code, kind=st.sampled_from(DiscountCode.Kind.values),
            percent=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
            amount=st.integers(1, 30000), kitchen_only=st.booleans())),
    }


def _money(minor: int, currency: str) -> Decimal:
    return from_minor_units(minor, currency)


def _set_up(s: dict):
    """The catalog, rates, zones and code of a scenario; returns the cart's pairs and the chosen method."""
    currency = s["currency"]
    kitchen = factories.category(name="Kitchen")
    cups, other = factories.category(name="Cups", parent=kitchen), factories.category(name="Garden")
    pairs = []
    for line in s["lines"]:
        variant = factories.variant(price=str(_money(line.price, currency)), stock=100, tax_class=line.tax_class,
                                    category_obj=cups if line.in_kitchen else other)
        Variant.objects.filter(pk=variant.pk).update(weight_grams=line.weight_grams)
        pairs.append((variant, line.quantity))
    for (country, state, tax_class), value in s["rates"].items():
        factories.tax_rate(country=country, state=state, tax_class=tax_class, rate=str(value))
    made = []
    if s["shipping"] != "free everywhere":
        places = [("US", "US-CA, US-NY" if s["us_states_only"] else ""), ("DE, FR", "")]
        if s["shipping"] == "zones and the world":
            places.append(("*", ""))
        for position, ((countries, states), zone_methods) in enumerate(zip(places, s["zone_methods"], strict=False)):
            zone = ShippingZone.objects.create(name=countries, countries=countries, states=states, position=position)
            for i, m in enumerate(zone_methods):
                made.append(factories.shipping_method(
                    zone=zone, name=f"{countries} {i}", price=str(_money(m.price, currency)),
                    free_above=_money(m.free_above, currency) if m.free_above is not None else None,
                    bands=[(grams, str(_money(price, currency))) for grams, price in m.bands],
                    min_days=m.min_days, max_days=m.max_days))
    if s["code"] is not None:
        c = s["code"]
        value = c.percent if c.kind == DiscountCode.Kind.PERCENT else _money(c.amount, currency)
        factories.discount_code(code="PROP", kind=c.kind, value=value, categories=[kitchen] if c.kitchen_only else [])
    country, state = s["destination"]
    offered = [m for m in made if m.zone.covers(country, state)] or [m for m in made if "*" in m.zone.country_codes]
    chosen = offered[s["pick"] % len(offered)].pk if offered and s["pick"] is not None else None
    return pairs, chosen


def _rate(s: dict, tax_class: str) -> Decimal:
    country, state = s["destination"]
    rates = s["rates"]
    return rates.get((country, state, tax_class), rates.get((country, "", tax_class), ZERO)) if state else \
        rates.get((country, "", tax_class), ZERO)


def _tax(amount: Decimal, rate: Decimal, s: dict) -> Decimal:
    """The rule checkout/taxes.py documents: per amount, rounded half up to the currency's unit."""
    if not amount or not rate:
        return ZERO
    share = amount * rate / (100 + rate) if s["tax_included"] else amount * rate / 100
    return round_money(share, s["currency"])


def _assert_adds_up(order, s: dict) -> None:
    currency, lines = s["currency"], list(order.lines.all())
    figures = [order.subtotal, order.discount_total, order.shipping_total, order.tax_total, order.total]
    figures += [value for line in lines for value in (line.line_total, line.discount_amount, line.tax_amount)]
    assert all(value % quantum(currency) == 0 for value in figures), figures
    added_tax = ZERO if s["tax_included"] else order.tax_total
    assert order.total == order.subtotal - order.discount_total + order.shipping_total + added_tax
    assert order.total >= 0
    assert sum(line.line_total for line in lines) == order.subtotal
    assert sum(line.discount_amount for line in lines) == order.discount_total
    assert all(0 <= line.discount_amount <= line.line_total for line in lines)
    for line in lines:
        assert line.tax_rate == _rate(s, line.variant.product.tax_class)
        assert line.tax_amount == _tax(line.line_total - line.discount_amount, line.tax_rate, s)
    shipping_tax = order.tax_total - sum(line.tax_amount for line in lines)
    expected = _tax(order.shipping_total, _rate(s, TaxClass.STANDARD), s) if s["tax_shipping"] else ZERO
    assert shipping_tax == expected
    if order.discount_code_text and s["code"].kind == DiscountCode.Kind.FREE_SHIPPING:
        assert (order.discount_total, order.shipping_total) == (ZERO, ZERO)


def _assert_stripe_charges_the_total(order, s: dict, stripe_fake) -> None:
    currency = s["currency"]
    total = to_minor_units(order.total, currency)
    try:
        payment_start(order=order, success_url="http://t/s?session_id={CHECKOUT_SESSION_ID}", cancel_url="http://t/c")
    except CheckoutError:
        # Stripe refuses a charge above 0 and below its minimum; the shop is told, nothing is charged.
        assert 0 < total < STRIPE_MINIMUM
        assert not stripe_fake.sessions
        event("refused by Stripe: below its minimum charge")
        return
    assert total == 0 or total >= STRIPE_MINIMUM
    session = stripe_fake.sessions[order.payments.get().session_id]
    added_tax = 0 if s["tax_included"] else to_minor_units(order.tax_total, currency)
    assert session["currency"] == currency
    assert session["amount_subtotal"] == to_minor_units(order.subtotal, currency) + added_tax
    assert session["total_details"]["amount_discount"] == to_minor_units(order.discount_total, currency)
    assert session["total_details"]["amount_shipping"] == to_minor_units(order.shipping_total, currency)
    assert session["amount_total"] == total
    event(f"charged in {currency}")


@hypothesis_settings(
    max_examples=40, deadline=None,
    # The database and the fake Stripe are fixtures of the whole test; each example rolls its rows back
    # (a savepoint) and resets the fake, so no example sees another's.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=DirectoryBasedExampleDatabase(str(django_settings.BASE_DIR / "var" / "hypothesis")),
)
@given(s=scenarios())
def test_every_order_adds_up_and_stripe_charges_exactly_its_total(s, stripe_fake):
    note(repr(s))
    stripe_fake.reset()
    country, state = s["destination"]
    with override_settings(SHOP_CURRENCY=s["currency"], SHOP_PRICES_INCLUDE_TAX=s["tax_included"],
                           SHOP_TAX_SHIPPING=s["tax_shipping"]), transaction.atomic():
        try:
            pairs, chosen = _set_up(s)
            try:
                order = order_place(
                    cart=factories.cart_with(*pairs), checkout_token=factories.checkout_token(),
                    details=factories.details(country=country, state=state, shipping_method_id=chosen,
                                              code="prop" if s["code"] else ""),
                )
            except CheckoutError as refused:
                assert any(reason in refused.message for reason in REFUSALS), refused.message
                event(f"refused: {refused.message[:40]}")
                return
            _assert_adds_up(order, s)
            _assert_stripe_charges_the_total(order, s, stripe_fake)
        finally:
            transaction.set_rollback(True)
