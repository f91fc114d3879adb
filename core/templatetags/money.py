"""`|money`: the one way an amount reaches HTML or an email."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$", "jpy": "¥", "chf": "CHF "}


@register.filter
def money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None or value == "":
        return ""
    currency = (currency or settings.SHOP_CURRENCY).lower()
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    text = f"{intcomma(int(whole))}.{cents}"
    symbol = SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {currency.upper()}"
