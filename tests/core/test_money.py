from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core.money import from_minor_units, round_money, to_minor_units
from core.templatetags.money import money


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("1234.5", "usd", "$1,234.50"),
    ("-3", "eur", "-€3.00"),
    ("1500", "jpy", "¥1,500"),
    ("1500.4", "jpy", "¥1,500"),
    ("12.3456", "kwd", "12.350 KWD"),
    ("9.99", "sek", "9.99 SEK"),
])
def test_money_prints_each_currency_with_its_own_decimals(amount, currency, shown):
    assert money(Decimal(amount), currency) == shown


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("12.34", "usd", 1234), ("0.005", "usd", 1), ("1500", "jpy", 1500), ("1.23", "kwd", 1230),
])
def test_minor_units_round_trip(amount, currency, minor):
    assert to_minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == round_money(Decimal(amount), currency)


def test_an_unknown_currency_stops_the_shop(settings):
    settings.SHOP_CURRENCY = "xyz"
    with pytest.raises(SystemCheckError, match="SHOP_CURRENCY"):
        call_command("check", tags=["shop_config"])
