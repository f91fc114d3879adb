"""The one place a total is made.

`quote` prices quantities of variants from the database and adds everything up:
lines, subtotal, discount (a code), shipping (a method for the destination), tax
(rates for the destination) and total. The cart page, the checkout page, order
placement, the payment gateway's charge (`order_charge`), the order's emails and
the admin all show what a quote — or the order made from one — says; nothing else
adds up money.

    total = subtotal − discount + shipping + tax      (tax added: US sales tax style)
    total = subtotal − discount + shipping            (prices include tax: VAT style;
                                                       the tax is shown as "incl. VAT")

The rules behind each part live beside this module: checkout/discounts.py,
checkout/shipping.py, checkout/taxes.py (which states the rounding rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from checkout.discounts import code_apply
from checkout.models import TaxRate
from checkout.shipping import ShippingOption, shipping_options
from checkout.taxes import label_for, rates_for, tax_on
from core.money import round_money
from storefront.models import ProductImage, TaxClass, Variant

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Destination:
    country: str
    state: str = ""


@dataclass
class QuoteLine:
    variant: Variant
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    max_quantity: int
    problem: str = ""  # what stops this line from being bought now, in the shopper's words
    discount: Decimal = ZERO  # this line's share of the order's discount
    tax_rate: Decimal = ZERO  # percent
    tax: Decimal = ZERO

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
    count: int = 0
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    shipping: Decimal = ZERO
    tax: Decimal = ZERO
    total: Decimal = ZERO
    tax_included: bool = False
    tax_label: str = "Tax"
    tax_known: bool = True  # False: tax is added but the destination is not known yet
    shipping_tax_rate: Decimal = ZERO
    destination: Destination | None = None
    shipping_options: list[ShippingOption] = field(default_factory=list)
    shipping_option: ShippingOption | None = None
    shipping_problem: str = ""
    code: str = ""  # the code as applied (normalised), or "" when none applies
    code_id: int | None = None
    code_problem: str = ""
    free_shipping: bool = False

    @property
    def has_problems(self) -> bool:
        return bool(self.missing) or any(line.problem for line in self.lines)

    @property
    def can_checkout(self) -> bool:
        return bool(self.lines) and not self.has_problems

    @property
    def shipping_known(self) -> bool:
        return self.shipping_option is not None

    @property
    def items_after_discount(self) -> Decimal:
        return self.subtotal - self.discount


@dataclass(frozen=True)
class OwnHold:
    """What the shopper's own pending orders hold: units and code uses that count as this shopper's in a
    quote, because placing the cart again pays the same order or releases it first (one hold per cart).
    Without it, a shopper back from Stripe's page would find their own hold "sold out"."""
    units: dict[int, int] = field(default_factory=dict)
    order_ids: frozenset[int] = frozenset()


NO_HOLD = OwnHold()


def own_hold(orders) -> OwnHold:
    """The hold of these pending orders (their lines prefetched or not)."""
    units: dict[int, int] = {}
    ids = set()
    for order in orders:
        ids.add(order.pk)
        if order.stock_held:
            for line in order.lines.all():
                units[line.variant_id] = units.get(line.variant_id, 0) + line.quantity
    return OwnHold(units=units, order_ids=frozenset(ids))


def _problem(variant: Variant, quantity: int, available: int) -> str:
    if not variant.purchasable:
        return "No longer available. Remove it to check out."
    if available == 0:
        return "Sold out. Remove it to check out."
    if quantity > available:
        return f"Only {available} left. Lower the quantity to check out."
    return ""


def _priced_lines(result: Quote, quantities: dict[int, int], hold: OwnHold) -> None:
    variants = (
        Variant.objects.filter(pk__in=quantities)
        .select_related("product")
        .prefetch_related(Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id")))
        .order_by("product__name", "position", "id")
    )
    for variant in variants:
        quantity = quantities[variant.pk]
        unit_price = round_money(variant.price, result.currency)  # ¥12.50 typed by staff is charged as ¥13
        available = variant.stock + hold.units.get(variant.pk, 0)
        result.lines.append(QuoteLine(
            variant=variant, quantity=quantity, unit_price=unit_price, line_total=unit_price * quantity,
            max_quantity=max(min(available, settings.SHOP_MAX_LINE_QUANTITY), 1),
            problem=_problem(variant, quantity, available),
        ))
        result.count += quantity
    result.missing = sorted(set(quantities) - {line.variant_id for line in result.lines})


def _apply_code(result: Quote, code: str, email: str, money: Callable[[Decimal], str], hold: OwnHold) -> None:
    applied = code_apply(text=code, lines=result.lines, subtotal=result.subtotal, currency=result.currency,
                         email=email, money=money, own_orders=hold.order_ids)
    if applied.code is None:
        result.code_problem = applied.problem
        return
    result.code, result.code_id, result.free_shipping = applied.code.code, applied.code.pk, applied.free_shipping
    result.discount = applied.amount
    for line in result.lines:
        line.discount = applied.shares.get(line.variant_id, ZERO)


def _apply_shipping(result: Quote, shipping_method_id: int | None) -> None:
    destination = result.destination
    weight = sum(line.variant.weight_grams * line.quantity for line in result.lines)
    options = shipping_options(country=destination.country, state=destination.state, weight_grams=weight,
                               items_value=result.items_after_discount)
    options = [ShippingOption(o.id, o.name, ZERO if result.free_shipping else round_money(o.price, result.currency),
                              o.estimate, o.min_days, o.max_days) for o in options]
    result.shipping_options = options
    if not options:
        result.shipping_problem = "Sorry, we don't ship to this address yet. Please choose another country."
        return
    chosen = next((o for o in options if o.id == shipping_method_id), None)
    result.shipping_option = chosen or options[0]
    result.shipping = result.shipping_option.price


def _apply_tax(result: Quote, country: str, state: str) -> None:
    rates = rates_for(country=country, state=state)
    result.tax_label = label_for(rates)
    for line in result.lines:
        rate = rates.get(line.variant.product.tax_class)
        line.tax_rate = rate.rate if rate else ZERO
        line.tax = tax_on(line.line_total - line.discount, rate=line.tax_rate, included=result.tax_included,
                          currency=result.currency)
    shipping_tax = ZERO
    if settings.SHOP_TAX_SHIPPING and result.shipping:
        standard = rates.get(TaxClass.STANDARD)
        result.shipping_tax_rate = standard.rate if standard else ZERO
        shipping_tax = tax_on(result.shipping, rate=result.shipping_tax_rate, included=result.tax_included,
                              currency=result.currency)
    result.tax = sum((line.tax for line in result.lines), shipping_tax)


def quote(*, quantities: dict[int, int], destination: Destination | None = None, shipping_method_id: int | None = None,
          code: str = "", email: str = "", money: Callable[[Decimal], str] = str, hold: OwnHold = NO_HOLD) -> Quote:
    """Price {variant id: quantity} (3 queries, whatever the number of lines), then apply `code`,
    ship to `destination` by `shipping_method_id` (the cheapest method when not given or not offered)
    and tax for `destination` — or, before an address is known, for the shop's country when prices
    include tax. `money` formats amounts inside messages (the |money filter, from views). `hold` is
    what the shopper's own pending orders hold (see OwnHold)."""
    result = Quote(currency=settings.SHOP_CURRENCY, tax_included=settings.SHOP_PRICES_INCLUDE_TAX)
    if not quantities:
        return result
    _priced_lines(result, quantities, hold)
    result.subtotal = sum((line.line_total for line in result.lines), ZERO)
    if code and result.lines:
        _apply_code(result, code, email, money, hold)
    result.destination = destination
    if destination is not None:
        _apply_shipping(result, shipping_method_id)
        _apply_tax(result, destination.country, destination.state)
    elif result.tax_included and settings.SHOP_COUNTRY:
        _apply_tax(result, settings.SHOP_COUNTRY, "")  # "incl. VAT" for the shop's own country
    else:
        result.tax_known = not rates_exist()
    added_tax = ZERO if result.tax_included else result.tax
    result.total = result.subtotal - result.discount + result.shipping + added_tax
    return result


def rates_exist() -> bool:
    return TaxRate.objects.exists()


@dataclass(frozen=True)
class ChargeLine:
    name: str
    description: str
    sku: str
    unit_amount: Decimal
    quantity: int


@dataclass(frozen=True)
class Charge:
    """What the payment gateway is asked to collect for an order. The gateway shows each part
    (lines, a tax line when tax is added, the discount, the shipping method); they add up to `total`."""

    currency: str
    lines: list[ChargeLine]
    tax: Decimal  # added as its own line when prices do not include it; 0 otherwise
    tax_label: str
    discount: Decimal
    discount_code: str
    shipping: Decimal
    shipping_name: str
    shipping_min_days: int | None
    shipping_max_days: int | None
    total: Decimal


def order_charge(order) -> Charge:
    """The order's stored figures as the gateway charges them (a past order never re-prices)."""
    lines = [
        ChargeLine(name=line.product_name, description=line.variant_label, sku=line.sku,
                   unit_amount=line.unit_price, quantity=line.quantity)
        for line in order.lines.order_by("id")
    ]
    method = order.shipping_method
    has_shipping = bool(order.shipping_method_name) or order.shipping_total > 0
    return Charge(
        currency=order.currency, lines=lines,
        tax=ZERO if order.tax_included else order.tax_total, tax_label=order.tax_label or "Tax",
        discount=order.discount_total, discount_code=order.discount_code_text,
        shipping=order.shipping_total, shipping_name=(order.shipping_method_name or "Shipping") if has_shipping else "",
        shipping_min_days=method.min_days if method else None, shipping_max_days=method.max_days if method else None,
        total=order.total,
    )


@dataclass(frozen=True)
class FigureRow:
    """One row under the lines: a label and an amount, or a sentence where the amount is not known yet."""

    label: str
    amount: Decimal | None = None
    text: str = ""
    total: bool = False  # the row that says what is paid
    note: bool = False  # an "incl. VAT" remark under the total


def _figure_rows(*, subtotal, discount, code, shipping, shipping_name, shipping_known, tax, tax_label,
                 tax_included, tax_known, total, free_shipping_code=False) -> list[FigureRow]:
    rows = [FigureRow("Subtotal", subtotal)]
    if discount:
        rows.append(FigureRow(f"Discount ({code})" if code else "Discount", -discount))
    if not shipping_known:
        rows.append(FigureRow("Shipping", text="Calculated at checkout"))
    else:
        label = f"Shipping · {shipping_name}" if shipping_name else "Shipping"
        if shipping:
            rows.append(FigureRow(label, shipping))
        else:
            rows.append(FigureRow(label, text=f"Free ({code})" if free_shipping_code and code else "Free"))
    if not tax_included:
        if not tax_known:
            rows.append(FigureRow("Tax", text="Calculated at checkout"))
        elif tax:
            rows.append(FigureRow(tax_label or "Tax", tax))
    rows.append(FigureRow("Total", total, total=True))
    if tax_included and tax:
        rows.append(FigureRow(f"incl. {tax_label or 'tax'}", tax, note=True))
    return rows


def quote_figures(priced: Quote) -> list[FigureRow]:
    """The rows under the cart's or checkout's lines, as the quote says."""
    option = priced.shipping_option
    return _figure_rows(
        subtotal=priced.subtotal, discount=priced.discount, code=priced.code, shipping=priced.shipping,
        shipping_name=option.name if option and option.id is not None else "", shipping_known=option is not None,
        tax=priced.tax, tax_label=priced.tax_label, tax_included=priced.tax_included, tax_known=priced.tax_known,
        total=priced.total, free_shipping_code=priced.free_shipping,
    )


def order_figures(order) -> list[FigureRow]:
    """The rows under an order's lines (order page, emails, packing slip), as stored when it was placed."""
    return _figure_rows(
        subtotal=order.subtotal, discount=order.discount_total, code=order.discount_code_text,
        shipping=order.shipping_total, shipping_name=order.shipping_method_name, shipping_known=True,
        tax=order.tax_total, tax_label=order.tax_label, tax_included=order.tax_included, tax_known=True,
        total=order.total,
        free_shipping_code=bool(order.discount_code_text) and not order.discount_total and not order.shipping_total,
    )


def refunds_total(refunds) -> Decimal:
    """What has been given back of an order: the sum of its refunds."""
    return sum((refund.amount for refund in refunds), ZERO)
