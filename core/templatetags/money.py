"""`|money`: the one way an amount reaches HTML or an email."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma

from core.money import decimals, round_money

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$", "jpy": "¥", "krw": "₩", "chf": "CHF "}


@register.filter
def money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None or value == "":
        return ""
    currency = (currency or settings.SHOP_CURRENCY).lower()
    places = decimals(currency)
    amount = round_money(Decimal(value), currency)  # whole cents (or units); KWD then prints 12.350
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.{places}f}".partition(".")
    if len(whole) > 3:  # grouped as the language groups thousands (below 1,000 there is nothing to group)
        whole = intcomma(int(whole))
    text = f"{whole}.{fraction}" if places else whole
    symbol = SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {currency.upper()}"
