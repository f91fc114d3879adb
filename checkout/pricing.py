"""The one place a total is made.

`quote` prices quantities of variants from the database and adds them up:
lines, subtotal, discount, shipping, tax and total. The cart page, the checkout
page, order placement, the payment gateway's line items and the emails all show
what a quote (or the order made from one) says; nothing else adds up money.

Issue "money" plugs shipping methods, tax rates and discount codes in here: each
becomes an input of `quote` and an amount on `Quote`, and `order_charge` passes
them on to the payment gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from storefront.models import ProductImage, Variant

ZERO = Decimal("0.00")


def line_limit(variant: Variant) -> int:
    """The most of one variant a single cart line may hold."""
    return min(variant.stock, settings.SHOP_MAX_LINE_QUANTITY)


@dataclass
class QuoteLine:
    variant: Variant
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    max_quantity: int
    problem: str = ""  # what stops this line from being bought now, in the shopper's words

    @property
    def variant_id(self) -> int:
        return self.variant.pk

    @property
    def image(self) -> ProductImage | None:
        images = self.variant.product.images.all()
        return images[0] if images else None


@dataclass
class Quote:
    currency: str
    lines: list[QuoteLine] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # variant ids no longer in the catalog
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    shipping: Decimal = ZERO
    tax: Decimal = ZERO
    total: Decimal = ZERO
    count: int = 0

    @property
    def has_problems(self) -> bool:
        return bool(self.missing) or any(line.problem for line in self.lines)

    @property
    def can_checkout(self) -> bool:
        return bool(self.lines) and not self.has_problems


def _problem(variant: Variant, quantity: int) -> str:
    if not variant.purchasable:
        return "No longer available. Remove it to check out."
    if variant.stock == 0:
        return "Sold out. Remove it to check out."
    if quantity > variant.stock:
        return f"Only {variant.stock} left. Lower the quantity to check out."
    return ""


def quote(*, quantities: dict[int, int]) -> Quote:
    """Price {variant id: quantity} from the database (3 queries, whatever the number of lines).

    Rounding: every amount is a Decimal with two places; a line is unit price ×
    quantity, exact; the total is subtotal − discount + shipping + tax.
    """
    result = Quote(currency=settings.SHOP_CURRENCY)
    if not quantities:
        return result
    variants = (
        Variant.objects.filter(pk__in=quantities)
        .select_related("product")
        .prefetch_related(Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id")))
        .order_by("product__name", "position", "id")
    )
    for variant in variants:
        quantity = quantities[variant.pk]
        result.lines.append(QuoteLine(
            variant=variant,
            quantity=quantity,
            unit_price=variant.price,
            line_total=variant.price * quantity,
            max_quantity=max(line_limit(variant), 1),
            problem=_problem(variant, quantity),
        ))
        result.count += quantity
    result.missing = sorted(set(quantities) - {line.variant_id for line in result.lines})
    result.subtotal = sum((line.line_total for line in result.lines), ZERO)
    result.total = result.subtotal - result.discount + result.shipping + result.tax
    return result


@dataclass(frozen=True)
class ChargeLine:
    name: str
    description: str
    sku: str
    unit_amount: Decimal
    quantity: int


@dataclass(frozen=True)
class Charge:
    """What the payment gateway is asked to collect for an order: its lines, adding up to `total`."""

    currency: str
    lines: list[ChargeLine]
    total: Decimal


def order_charge(order) -> Charge:
    """The order's stored lines and total as the gateway charges them (a past order never re-prices)."""
    lines = [
        ChargeLine(name=line.product_name, description=line.variant_label, sku=line.sku,
                   unit_amount=line.unit_price, quantity=line.quantity)
        for line in order.lines.order_by("id")
    ]
    return Charge(currency=order.currency, lines=lines, total=order.total)
