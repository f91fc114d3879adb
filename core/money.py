"""Money: how many decimals a currency has, rounding to them, and Stripe-style minor units.

Amounts are `Decimal` everywhere. A currency's exponent comes from ISO 4217 as
Stripe uses it (https://docs.stripe.com/currencies): most have 2 decimals, the
zero-decimal ones (JPY, KRW, …) none, the three-decimal ones (KWD, BHD, …) 3.

Amounts are kept to whole cents (the money columns have two decimals): a
zero-decimal currency rounds to whole units, and a three-decimal currency's
last digit is always 0, which is exactly what Stripe accepts for those.
"""

from decimal import ROUND_HALF_UP, Decimal

# Stripe's zero-decimal currencies.
ZERO_DECIMAL = frozenset({
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
})
# Stripe's three-decimal currencies (the last minor digit must be 0 when charged).
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
# Currencies the shop accepts for SHOP_CURRENCY (checked at start-up): Stripe's common settlement
# and presentment currencies. Anything else is refused rather than guessed.
KNOWN = frozenset({
    "aud", "brl", "cad", "chf", "czk", "dkk", "eur", "gbp", "hkd", "huf", "ils", "inr", "isk", "mxn", "nok",
    "nzd", "pln", "ron", "sek", "sgd", "thb", "try", "usd", "zar",
}) | ZERO_DECIMAL | THREE_DECIMAL


def decimals(currency: str) -> int:
    code = currency.lower()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def quantum(currency: str) -> Decimal:
    """The smallest amount the shop charges in `currency`: 1 for zero-decimal ones, else 0.01."""
    return Decimal(1) if decimals(currency) == 0 else Decimal("0.01")


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's smallest charged unit: the one rounding rule of the shop."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    return int((Decimal(amount) * (10 ** decimals(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    return (Decimal(amount) / (10 ** decimals(currency))).quantize(Decimal(1).scaleb(-decimals(currency)))
