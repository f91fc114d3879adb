"""Placing an order: re-price the cart, hold its stock, create a pending order — all or
nothing — and cancelling a pending one.

Locks are always taken in the same order — the order row first, then its payment,
then variants by id — so checkout, webhooks and the shopper's return never deadlock."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from checkout.cart import AnyCart
from checkout.discounts import code_use_return, code_use_take, uses_by
from checkout.errors import CheckoutError
from checkout.models import DiscountCode, Order, OrderEvent, OrderLine, Payment
from checkout.pricing import Destination, own_hold, quote
from checkout.services.history import order_note_add, order_transition
from core.addresses import PostalAddress
from storefront.stock import StockShort, stock_return, stock_take

logger = logging.getLogger(__name__)

S = Order.Status


def order_lock(order_id: int) -> Order:
    """The order, read afresh with its row locked until the caller's transaction ends."""
    return Order.objects.select_for_update().get(pk=order_id)


def _stock_take(lines: list[tuple[int, int, str]]) -> None:
    """Take the units out of stock, or raise CheckoutError naming the first one short."""
    try:
        stock_take(lines=lines)
    except StockShort as short:
        raise CheckoutError(short.message) from short


def order_stock_take(*, order: Order) -> None:
    """Hold an existing order's units again (a retry, a late payment, a restock), and its discount
    code's use. A code used up meanwhile is not counted twice over its limit: the order keeps the
    discount it was placed with, and its history says the code could not be counted again."""
    _stock_take([(line.variant_id, line.quantity, line.product_name) for line in order.lines.exclude(variant=None)])
    if order.discount_code_id and not order.code_held:
        if code_use_take(code_id=order.discount_code_id):
            Order.objects.filter(pk=order.pk).update(code_held=True)
            order.code_held = True
        else:
            order_note_add(order=order, note=f"Discount code {order.discount_code_text} was used up meanwhile; "
                                             "this order keeps its discount but does not count as a use.")


def stock_release(*, order: Order) -> bool:
    """Put an order's units back into stock, exactly once. True if this call did.

    `Order.stock_held` is true while the order's units are out of the stock count
    (held while pending, sold once paid); it turns false here, atomically."""
    with transaction.atomic():
        released = Order.objects.filter(pk=order.pk, stock_held=True).update(stock_held=False)
        if not released:
            return False
        stock_return(lines=list(order.lines.exclude(variant=None).values_list("variant_id", "quantity")))
        order.stock_held = False
        if order.discount_code_id and Order.objects.filter(pk=order.pk, code_held=True).update(code_held=False):
            code_use_return(code_id=order.discount_code_id)  # the code's use comes back with the stock
            order.code_held = False
        return True


@dataclass(frozen=True)
class CheckoutDetails:
    email: str
    address: PostalAddress
    shipping_method_id: int | None = None
    code: str = ""


def order_place(*, cart: AnyCart, details: CheckoutDetails, checkout_token: str, user=None) -> Order:
    """Re-price the cart, hold its stock and create a pending order, all or nothing.

    The same `checkout_token` (one per checkout form shown) always yields the
    same order, so a double-click or a resubmitted form creates one order.
    """
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing:
        return order_hold_again(existing)
    try:
        return _order_place(cart=cart, details=details, checkout_token=checkout_token, user=user)
    except IntegrityError:
        # A concurrent submission with the same token won the race.
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing:
            return existing
        raise


def order_matches(*, order: Order, cart: AnyCart, details: CheckoutDetails) -> bool:
    """Whether placing this cart with these details now would make exactly `order`: the same lines at the
    same prices, address, email, shipping method, code and totals. Then the shopper pays that order again
    (back from Stripe's page) instead of a new one."""
    address = details.address.cleaned()
    priced = quote(quantities=cart.quantities(), destination=Destination(address.country, address.state),
                   shipping_method_id=details.shipping_method_id, code=details.code, email=details.email,
                   hold=own_hold([order]))
    if priced.missing or priced.has_problems or priced.shipping_problem or (details.code and priced.code_problem):
        return False
    ordered = {(line.variant_id, line.quantity, line.unit_price, line.line_total) for line in order.lines.all()}
    quoted = {(line.variant_id, line.quantity, line.unit_price, line.line_total) for line in priced.lines}
    return (
        ordered == quoted
        and order.email == details.email.strip()
        and all(getattr(order, name) == value for name, value in address.as_dict().items())
        and order.shipping_method_id == priced.shipping_option.id
        and order.discount_code_text == priced.code
        and (order.currency, order.subtotal, order.discount_total, order.shipping_total, order.tax_total, order.total)
        == (priced.currency, priced.subtotal, priced.discount, priced.shipping, priced.tax, priced.total)
    )


def hold_expiry():
    """When a new hold (and its Checkout Session) ends. Stripe wants at least 30
    minutes ahead when the session is created, so one minute of margin is added."""
    return timezone.now() + timedelta(minutes=max(settings.SHOP_HOLD_MINUTES, 30) + 1)


def order_hold_again(order: Order) -> Order:
    """The same form posted again after Stripe failed: hold the stock again for the
    same order, so the retry reuses the same Checkout Session (same idempotency key)."""
    with transaction.atomic():
        order = order_lock(order.pk)
        if order.status != S.PENDING_PAYMENT or order.stock_held:
            return order
        try:
            with transaction.atomic():
                order_stock_take(order=order)
        except CheckoutError:
            order_cancel(order=order, actor_label="shopper", note="Stock ran out before the payment could start.")
            raise
        order.stock_held = True
        if order.hold_expires_at is None or order.hold_expires_at < timezone.now() + timedelta(minutes=30, seconds=30):
            # Too close to Stripe's 30-minute minimum: a new expiry (and so a new session).
            order.hold_expires_at = hold_expiry()
        order.save(update_fields=["stock_held", "hold_expires_at", "updated"])
        order_note_add(order=order, note="Stock held again for a new payment attempt.")
        return order


def _code_take(*, priced, email: str) -> None:
    """Count the order's use of its code under the code's row lock (so two orders from one
    customer cannot both pass the per-customer limit); refuse when it was used up meanwhile."""
    code = DiscountCode.objects.select_for_update().get(pk=priced.code_id)
    if code.per_customer_limit is not None and uses_by(code=code, email=email) >= code.per_customer_limit:
        raise CheckoutError(f"You have already used “{code.code}”. Remove the code to continue.")
    if not code_use_take(code_id=code.pk):
        raise CheckoutError(f"“{code.code}” has just been used up. Remove the code to continue.")


@transaction.atomic
def _order_place(*, cart: AnyCart, details: CheckoutDetails, checkout_token: str, user) -> Order:
    quantities = cart.quantities()
    if not quantities:
        raise CheckoutError("Your cart is empty.")
    address = details.address.cleaned()
    priced = quote(quantities=quantities, destination=Destination(address.country, address.state),
                   shipping_method_id=details.shipping_method_id, code=details.code, email=details.email)
    if priced.missing:
        raise CheckoutError("An item in your cart is no longer available. Remove it from your cart to continue.")
    by_variant = sorted(priced.lines, key=lambda line: line.variant_id)
    for line in by_variant:
        if not line.variant.purchasable:
            raise CheckoutError(
                f"{line.variant.display_name} is no longer available. Remove it from your cart to continue."
            )
        if line.quantity > settings.SHOP_MAX_LINE_QUANTITY:
            raise CheckoutError(
                f"You can buy at most {settings.SHOP_MAX_LINE_QUANTITY} of {line.variant.display_name} in one order."
            )
    if details.code and priced.code_problem:
        raise CheckoutError(f"{priced.code_problem} Remove the code to continue.")
    if priced.shipping_problem:
        raise CheckoutError(priced.shipping_problem)
    option = priced.shipping_option
    if details.shipping_method_id is not None and option.id != details.shipping_method_id:
        raise CheckoutError("That shipping method is not offered for this address. Please choose again.")
    _stock_take([(line.variant_id, line.quantity, line.variant.display_name) for line in by_variant])
    if priced.code_id is not None:
        _code_take(priced=priced, email=details.email)

    lines = [
        OrderLine(
            variant=line.variant,
            product_name=line.variant.product.name,
            variant_label=line.variant.label,
            sku=line.variant.sku,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.line_total,
            discount_amount=line.discount,
            tax_rate=line.tax_rate,
            tax_amount=line.tax,
        )
        for line in by_variant
    ]
    order = Order(
        checkout_token=checkout_token,
        user=user if user is not None and user.is_authenticated else None,
        email=details.email.strip(),
        **address.as_dict(),
        currency=priced.currency,
        subtotal=priced.subtotal,
        discount_total=priced.discount,
        shipping_total=priced.shipping,
        tax_total=priced.tax,
        tax_included=priced.tax_included,
        tax_label=priced.tax_label if priced.tax else "",
        total=priced.total,
        discount_code_id=priced.code_id,
        discount_code_text=priced.code,
        code_held=priced.code_id is not None,
        shipping_method_id=option.id,
        shipping_method_name=option.name,
        shipping_estimate=option.estimate,
        stock_held=True,
        hold_expires_at=hold_expiry(),
    )
    for _ in range(5):  # 50 random bits: a clash is rare, but never fatal
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            break
        except IntegrityError:
            if Order.objects.filter(checkout_token=checkout_token).exists():
                raise
            if not Order.objects.filter(number=order.number).exists():
                raise  # not a clash of numbers (a CHECK failed): a bug to see, not to retry
            order.pk = None
            order.number = Order._meta.get_field("number").default()
    else:
        raise CheckoutError("We could not create your order. Please try again.")
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    OrderEvent.objects.create(
        order=order, from_status="", to_status=S.PENDING_PAYMENT, actor_label="shopper",
        note="Order placed; stock held.",
    )
    logger.info("Order %s placed for %s, total %s", order.number, order.email, order.total)
    return order


def order_cancel(*, order: Order, actor=None, actor_label: str = "system", note: str = "") -> Order:
    """Cancel a pending order and release its stock (idempotent)."""
    with transaction.atomic():
        order = order_lock(order.pk)
        if order.status not in (S.PENDING_PAYMENT, S.AWAITING_PAYMENT):
            return order  # only an unpaid order is cancelled this way; staff use order_cancel_by_staff
        stock_release(order=order)
        Payment.objects.filter(order=order, status=Payment.Status.OPEN).update(status=Payment.Status.EXPIRED)
        order.checkout_token = None  # a retry of the same form places a fresh order
        order.save(update_fields=["checkout_token", "updated"])
        order_transition(order=order, to=S.CANCELLED, actor=actor, actor_label=actor_label, note=note)
        return order
