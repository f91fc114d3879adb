"""Tax rates for an address and the shop's one rounding rule for tax.

Rule: tax is computed per order line (and once for shipping when it is taxed) on
the amount after that line's share of the discount, then rounded half up to the
currency's smallest charged unit. With prices that include tax, the line's tax is
the part of its amount above amount ÷ (1 + rate); otherwise it is amount × rate.
The order's tax is the sum of the rounded line taxes.
"""

from __future__ import annotations

from decimal import Decimal

from checkout.models import TaxRate
from core.money import round_money
from storefront.models import TaxClass

HUNDRED = Decimal(100)


def rates_for(*, country: str, state: str = "") -> dict[str, TaxRate]:
    """{tax class: rate} for an address; a state's own rate replaces its country's."""
    rates: dict[str, TaxRate] = {}
    candidates = TaxRate.objects.filter(country=(country or "").upper(), state__in=["", (state or "").upper()])
    for rate in sorted(candidates, key=lambda r: bool(r.state)):  # country first, then the state overrides
        rates[rate.tax_class] = rate
    return rates


def tax_on(amount: Decimal, *, rate: Decimal, included: bool, currency: str) -> Decimal:
    """The tax in (included) or on (added) `amount` at `rate` percent, rounded by the shop's rule."""
    if not rate or not amount:
        return Decimal("0.00")
    if included:
        return round_money(amount * rate / (HUNDRED + rate), currency)
    return round_money(amount * rate / HUNDRED, currency)


def label_for(rates: dict[str, TaxRate]) -> str:
    """What the tax is called on the page: the standard rate's name (e.g. VAT), else "Tax"."""
    standard = rates.get(TaxClass.STANDARD)
    names = {rate.name for rate in rates.values()}
    if standard is not None:
        return standard.name
    return names.pop() if len(names) == 1 else "Tax"
