"""Money: how many decimals a currency has, rounding to them, and Stripe-style minor units.

Amounts are `Decimal` everywhere. A currency's exponent comes from ISO 4217 as
Stripe uses it (https://docs.stripe.com/currencies): most have 2 decimals, the
zero-decimal ones (JPY, KRW, …) none, the three-decimal ones (KWD, BHD, …) 3.
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
MAX_DECIMALS = 3  # what the money columns store


def decimals(currency: str) -> int:
    code = currency.lower()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: 0.01, 1 or 0.001."""
    return Decimal(1).scaleb(-decimals(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's smallest unit: the one rounding rule of the shop."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    return int((Decimal(amount) * (10 ** decimals(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    return (Decimal(amount) / (10 ** decimals(currency))).quantize(quantum(currency))
