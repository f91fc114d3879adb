"""Whether a discount code applies to a cart, how much it takes off, and its use count.

A code's use is counted when an order is placed (`code_use_take`, one conditional
UPDATE, like stock) and given back when that order's hold is released
(`code_use_return`), so a limited code is never used more often than allowed, even
when the last use is raced from two browsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone

from checkout.models import DiscountCode, Order, normalize_code
from core.money import quantum, round_money
from storefront.models import Category

HUNDRED = Decimal(100)


@dataclass
class CodeResult:
    code: DiscountCode | None = None
    amount: Decimal = Decimal("0.00")
    free_shipping: bool = False
    shares: dict[int, Decimal] = field(default_factory=dict)  # variant id → its part of `amount`
    problem: str = ""  # why the code does not apply, in the shopper's words


def _eligible_variant_ids(code: DiscountCode, lines) -> set[int]:
    product_ids = set(code.products.values_list("pk", flat=True))
    category_ids = set(code.categories.values_list("pk", flat=True))
    if not product_ids and not category_ids:
        return {line.variant_id for line in lines}
    if category_ids:  # and every subcategory below them
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        for pk in parents:
            node = pk
            while node is not None:
                if node in category_ids:
                    category_ids.add(pk)
                    break
                node = parents.get(node)
    return {line.variant_id for line in lines
            if line.variant.product_id in product_ids or line.variant.product.category_id in category_ids}


def uses_by(*, code: DiscountCode, email: str, excluding: frozenset[int] = frozenset()) -> int:
    """How many orders placed with this email hold or have used the code (but the orders in `excluding`)."""
    return Order.objects.filter(discount_code=code, email__iexact=email.strip()).filter(
        Q(code_held=True) | ~Q(payment_state=Order.PaymentState.UNPAID)
    ).exclude(pk__in=excluding).count()


def code_apply(*, text: str, lines, subtotal: Decimal, currency: str, email: str = "",
               money=lambda amount: str(amount), own_orders: frozenset[int] = frozenset()) -> CodeResult:
    """Check `text` against the cart's lines; the discount, split over the lines it applies to.
    A use held by one of `own_orders` (the shopper's own pending order, which placing again reuses or
    releases) does not count against the limits."""
    typed = normalize_code(text)
    code = DiscountCode.objects.filter(code=typed, active=True).first()
    if code is None:
        return CodeResult(problem=f"“{typed}” is not a valid discount code.")
    now = timezone.now()
    if code.valid_from and now < code.valid_from:
        return CodeResult(problem=f"“{code.code}” is not valid yet.")
    if code.valid_until and now >= code.valid_until:
        return CodeResult(problem=f"“{code.code}” has expired.")
    held_by_own = Order.objects.filter(pk__in=own_orders, discount_code=code, code_held=True).count() if own_orders else 0
    if code.usage_limit is not None and code.times_used - held_by_own >= code.usage_limit:
        return CodeResult(problem=f"“{code.code}” has been used up.")
    if email and code.per_customer_limit is not None and uses_by(code=code, email=email, excluding=own_orders) >= code.per_customer_limit:
        return CodeResult(problem=f"You have already used “{code.code}”.")
    eligible = _eligible_variant_ids(code, lines)
    if not eligible:
        return CodeResult(problem=f"“{code.code}” is not for the items in your cart.")
    if code.minimum_subtotal is not None and subtotal < code.minimum_subtotal:
        return CodeResult(problem=f"“{code.code}” needs items worth at least {money(code.minimum_subtotal)} "
                                  f"(your cart has {money(subtotal)}).")
    if code.kind == DiscountCode.Kind.FREE_SHIPPING:
        return CodeResult(code=code, free_shipping=True)
    base = {line.variant_id: line.line_total for line in lines if line.variant_id in eligible}
    eligible_total = sum(base.values(), Decimal("0.00"))
    if code.kind == DiscountCode.Kind.PERCENT:
        amount = round_money(eligible_total * code.value / HUNDRED, currency)
    else:
        amount = min(round_money(code.value, currency), eligible_total)
    return CodeResult(code=code, amount=amount, shares=split(amount, base, currency))


def split(amount: Decimal, weights: dict[int, Decimal], currency: str) -> dict[int, Decimal]:
    """`amount` in proportion to `weights`, each share rounded, the shares adding up to `amount` exactly
    (the rounding difference goes to the largest weights first)."""
    total = sum(weights.values(), Decimal("0"))
    if not amount or not total:
        return {key: Decimal("0.00") for key in weights}
    shares = {key: round_money(amount * weight / total, currency) for key, weight in weights.items()}
    difference = amount - sum(shares.values(), Decimal("0"))
    step = quantum(currency)
    order = sorted(weights, key=lambda key: (-weights[key], key))
    i = 0
    while difference and order:
        key = order[i % len(order)]
        change = step if difference > 0 else -step
        if shares[key] + change >= 0 and shares[key] + change <= weights[key]:
            shares[key] += change
            difference -= change
        i += 1
        if i > 10 * len(order) + 100:
            break
    return shares


def code_use_take(*, code_id: int) -> bool:
    """Count one use, unless the code is used up now. True if counted."""
    return bool(DiscountCode.objects.filter(pk=code_id).filter(
        Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit"))
    ).update(times_used=F("times_used") + 1))


def code_use_return(*, code_id: int) -> None:
    DiscountCode.objects.filter(pk=code_id, times_used__gt=0).update(times_used=F("times_used") - 1)
