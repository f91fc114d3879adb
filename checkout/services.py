"""What a shopper buys: cart changes, placing orders, holding stock, payments.

Each service owns its transaction and its locks. Locks are always taken in the
same order — the order row first, then its payment, then variants by id — so
checkout, webhooks and the shopper's return never deadlock each other.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from checkout import stripe_gateway
from checkout.cart import AnyCart, DatabaseCart, SessionCart, line_limit
from checkout.models import Cart, CartLine, Order, OrderEvent, OrderLine, OutboxEmail, Payment, Refund, WebhookEvent
from checkout.stripe_gateway import CheckoutSession, GatewayError
from core.addresses import PostalAddress
from storefront.models import Variant
from storefront.stock import StockShort, stock_return, stock_take

logger = logging.getLogger(__name__)

S = Order.Status


class CheckoutError(Exception):
    """Something the shopper (or staff) must be told, in words fit for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Cart -------------------------------------------------------------------


def quantity_parse(values: list[str]) -> int:
    """A quantity from a form: exactly one whole number, nothing else."""
    if len(values) != 1:
        raise CheckoutError("Please enter one quantity.")
    raw = values[0].strip()
    if not raw.isdigit() or len(raw) > 6:
        raise CheckoutError("Quantity must be a whole number, like 1 or 2.")
    quantity = int(raw)
    if quantity < 1:
        raise CheckoutError("Quantity must be at least 1. To take an item out, use Remove.")
    return quantity


def _variant_for_cart(variant_id: int) -> Variant:
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or not variant.active or not variant.product.active:
        raise CheckoutError("Sorry, that item is no longer available.")
    return variant


def _check_quantity(variant: Variant, quantity: int) -> None:
    if variant.stock == 0:
        raise CheckoutError(f"Sorry, {variant.display_name} is sold out.")
    if quantity > variant.stock:
        raise CheckoutError(
            f"Only {variant.stock} of {variant.display_name} left; your cart can hold at most {variant.stock}."
        )
    if quantity > settings.SHOP_MAX_LINE_QUANTITY:
        raise CheckoutError(
            f"You can buy at most {settings.SHOP_MAX_LINE_QUANTITY} of {variant.display_name} in one order."
        )


def cart_add(*, cart: AnyCart, variant_id: int, quantity: int) -> str:
    variant = _variant_for_cart(variant_id)
    new_quantity = cart.quantity_of(variant.pk) + quantity
    _check_quantity(variant, new_quantity)
    cart.set(variant.pk, new_quantity)
    return f"Added {quantity} × {variant.display_name} to your cart."


def cart_update(*, cart: AnyCart, variant_id: int, quantity: int) -> str:
    if not cart.quantity_of(variant_id):
        raise CheckoutError("That item is not in your cart any more.")
    variant = _variant_for_cart(variant_id)
    _check_quantity(variant, quantity)
    cart.set(variant.pk, quantity)
    return f"{variant.display_name}: quantity {quantity}."


def cart_discard_ordered(*, cart: AnyCart, order: Order) -> None:
    """Once an order is paid, what it bought leaves the cart (anything added since stays)."""
    for variant_id in order.lines.exclude(variant=None).values_list("variant_id", flat=True):
        if cart.quantity_of(variant_id):
            cart.remove(variant_id)


def cart_merge(*, guest_cart: SessionCart, user) -> list[str]:
    """Fold a guest's session cart into the account's cart at sign-in.

    The same variant's quantities are added, then capped at the stock left and
    the per-line cap; lines whose variant is gone, inactive or sold out are
    dropped; prices are always read fresh. Returns one sentence per adjustment.
    The account's cart row is locked, and the guest cart's token recorded, so
    two tabs signing in at once merge it once and never duplicate a line.
    """
    guest = guest_cart.quantities()
    token = guest_cart.token
    if not guest:
        return []
    notes: list[str] = []
    added_units = 0
    with transaction.atomic():
        cart, _ = Cart.objects.get_or_create(user=user)
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        if token and cart.last_merged_token == token:
            guest_cart.clear()
            return []
        existing = dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))
        variants = Variant.objects.select_related("product").in_bulk(list(guest))
        for variant_id, quantity in sorted(guest.items()):
            variant = variants.get(variant_id)
            if variant is None or not variant.active or not variant.product.active:
                name = variant.display_name if variant else "An item"
                notes.append(f"{name} removed: no longer available.")
                continue
            if variant.stock == 0:
                notes.append(f"{variant.display_name} removed: sold out.")
                continue
            had = existing.get(variant_id, 0)
            wanted = had + quantity
            limit = line_limit(variant)
            final = min(wanted, limit)
            if final < wanted:
                reason = "the stock left" if limit == variant.stock else "the most per order"
                notes.append(f"{variant.display_name} limited to {final}, {reason}.")
            if final > had:
                added_units += final - had
                if had:
                    CartLine.objects.filter(cart=cart, variant_id=variant_id).update(quantity=final)
                else:
                    CartLine.objects.create(cart=cart, variant_id=variant_id, quantity=final)
        cart.last_merged_token = token
        cart.save(update_fields=["last_merged_token", "updated"])
    guest_cart.clear()
    if added_units:
        noun = "item" if added_units == 1 else "items"
        verb = "was" if added_units == 1 else "were"
        notes.insert(0, f"{added_units} {noun} from your guest cart {verb} added.")
    logger.info("Cart merge for user %s: %s", user.pk, " ".join(notes) or "nothing to add")
    return notes


def orders_claim(*, user, email: str) -> int:
    """Link every guest order placed with a verified `email` to `user`. Returns how many."""
    claimed = Order.objects.filter(user__isnull=True, email__iexact=email.strip()).update(user=user)
    if claimed:
        logger.info("User %s claimed %d guest order(s) placed with a verified email", user.pk, claimed)
    return claimed


def cart_remove(*, cart: AnyCart, variant_id: int) -> str:
    if not cart.quantity_of(variant_id):
        return "That item was already removed."
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    cart.remove(variant_id)
    return f"Removed {variant.display_name if variant else 'the item'} from your cart."


# --- Status machine ---------------------------------------------------------

# Every legal change of an order's status, in one place. Money has its own
# state beside it (Order.payment_state): refunds never move this machine.
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.AWAITING_PAYMENT, S.PAID, S.CANCELLED, S.EXPIRED},
    S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED},
    S.PAID: {S.PROCESSING, S.CANCELLED},
    S.PAID_OUT_OF_STOCK: {S.PAID, S.CANCELLED},
    S.PROCESSING: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: set(),
    # A payment that completes after its hold was released is still accepted:
    # a charged shopper always has an order (see order_payment_succeeded).
    S.CANCELLED: {S.PAID, S.PAID_OUT_OF_STOCK},
    S.EXPIRED: {S.PAID, S.PAID_OUT_OF_STOCK},
}
TIMESTAMPS = {S.PAID: "paid_at", S.SHIPPED: "shipped_at", S.DELIVERED: "delivered_at", S.CANCELLED: "cancelled_at"}


def _actor_label(actor, default: str) -> str:
    return (getattr(actor, "email", "") or str(actor)) if actor is not None else default


def order_transition(
    *, order: Order, to: str, actor=None, actor_label: str = "system", note: str = ""
) -> OrderEvent:
    """Change the status, refusing illegal moves; always writes an OrderEvent.

    The caller holds the order's row lock (select_for_update) inside a transaction.
    """
    current = order.status
    if to not in TRANSITIONS.get(current, set()):
        raise CheckoutError(f"Order {order.display_number} cannot go from {S(current).label} to {S(to).label}.")
    order.status = to
    fields = ["status", "updated"]
    if to in TIMESTAMPS:
        setattr(order, TIMESTAMPS[to], timezone.now())
        fields.append(TIMESTAMPS[to])
    order.save(update_fields=fields)
    return OrderEvent.objects.create(
        order=order, from_status=current, to_status=to, actor=actor,
        actor_label=_actor_label(actor, actor_label), note=note,
    )


def order_note_add(*, order: Order, note: str, actor=None, kind: str = OrderEvent.Kind.NOTE) -> OrderEvent:
    """An entry in the order's history that is not a status change (staff note, refund, email)."""
    return OrderEvent.objects.create(
        order=order, kind=kind, from_status=order.status, to_status=order.status, actor=actor,
        actor_label=_actor_label(actor, "system"), note=note.strip(),
    )


# --- Stock ------------------------------------------------------------------


def _stock_take(lines: list[tuple[int, int, str]]) -> None:
    """Take the units out of stock, or raise CheckoutError naming the first one short."""
    try:
        stock_take(lines=lines)
    except StockShort as short:
        raise CheckoutError(short.message) from short


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
        return True


# --- Placing an order -------------------------------------------------------


@dataclass(frozen=True)
class CheckoutDetails:
    email: str
    address: PostalAddress


def order_place(*, cart: AnyCart, details: CheckoutDetails, checkout_token: str, user=None) -> Order:
    """Re-price the cart, hold its stock and create a pending order, all or nothing.

    The same `checkout_token` (one per checkout form shown) always yields the
    same order, so a double-click or a resubmitted form creates one order.
    """
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing:
        return _order_hold_again(existing)
    try:
        return _order_place(cart=cart, details=details, checkout_token=checkout_token, user=user)
    except IntegrityError:
        # A concurrent submission with the same token won the race.
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing:
            return existing
        raise


def _hold_expiry():
    """When a new hold (and its Checkout Session) ends. Stripe wants at least 30
    minutes ahead when the session is created, so one minute of margin is added."""
    return timezone.now() + timedelta(minutes=max(settings.SHOP_HOLD_MINUTES, 30) + 1)


def _order_hold_again(order: Order) -> Order:
    """The same form posted again after Stripe failed: hold the stock again for the
    same order, so the retry reuses the same Checkout Session (same idempotency key)."""
    with transaction.atomic():
        order = _locked(order.pk)
        if order.status != S.PENDING_PAYMENT or order.stock_held:
            return order
        try:
            with transaction.atomic():
                _stock_take([(l.variant_id, l.quantity, l.product_name) for l in order.lines.exclude(variant=None)])
        except CheckoutError:
            order_cancel(order=order, actor_label="shopper", note="Stock ran out before the payment could start.")
            raise
        order.stock_held = True
        if order.hold_expires_at is None or order.hold_expires_at < timezone.now() + timedelta(minutes=30, seconds=30):
            # Too close to Stripe's 30-minute minimum: a new expiry (and so a new session).
            order.hold_expires_at = _hold_expiry()
        order.save(update_fields=["stock_held", "hold_expires_at", "updated"])
        order_note_add(order=order, note="Stock held again for a new payment attempt.")
        return order


@transaction.atomic
def _order_place(*, cart: AnyCart, details: CheckoutDetails, checkout_token: str, user) -> Order:
    quantities = cart.quantities()
    if not quantities:
        raise CheckoutError("Your cart is empty.")
    variants = {
        v.pk: v for v in Variant.objects.select_related("product").filter(pk__in=quantities).order_by("pk")
    }
    for variant_id in quantities:
        variant = variants.get(variant_id)
        if variant is None or not variant.active or not variant.product.active:
            name = variant.display_name if variant else "An item in your cart"
            raise CheckoutError(f"{name} is no longer available. Remove it from your cart to continue.")
        if quantities[variant_id] > settings.SHOP_MAX_LINE_QUANTITY:
            raise CheckoutError(
                f"You can buy at most {settings.SHOP_MAX_LINE_QUANTITY} of {variant.display_name} in one order."
            )
    _stock_take([(pk, quantities[pk], variants[pk].display_name) for pk in variants if pk in quantities])

    lines = []
    subtotal = Decimal("0.00")
    for pk in sorted(quantities):
        variant, quantity = variants[pk], quantities[pk]
        line_total = variant.price * quantity
        subtotal += line_total
        lines.append(
            OrderLine(
                variant=variant,
                product_name=variant.product.name,
                variant_label=variant.label,
                sku=variant.sku,
                unit_price=variant.price,
                quantity=quantity,
                line_total=line_total,
            )
        )
    order = Order(
        checkout_token=checkout_token,
        user=user if user is not None and user.is_authenticated else None,
        email=details.email.strip(),
        **details.address.cleaned().as_dict(),
        currency=settings.SHOP_CURRENCY,
        subtotal=subtotal,
        total=subtotal,
        stock_held=True,
        hold_expires_at=_hold_expiry(),
    )
    for _ in range(5):  # 50 random bits: a clash is rare, but never fatal
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            break
        except IntegrityError:
            if Order.objects.filter(checkout_token=checkout_token).exists():
                raise
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


# --- Payment ----------------------------------------------------------------


def payments_are_demo() -> bool:
    """Demo payments: only in debug and only without a Stripe key."""
    return settings.DEBUG and not settings.STRIPE_SECRET_KEY


def payment_start(*, order: Order, success_url: str, cancel_url: str) -> str:
    """Where to send the shopper to pay: Stripe Checkout, or the local demo page.

    Called again for the same order (double-click), it returns the same session.
    If Stripe fails, the order is cancelled, its hold released, and the shopper
    is told to try again: the cart is untouched.
    """
    if order.status != S.PENDING_PAYMENT:
        raise CheckoutError("This order is no longer waiting for payment.")
    existing = order.payments.filter(status=Payment.Status.OPEN).first()
    if existing and existing.checkout_url:
        return existing.checkout_url
    if payments_are_demo():
        payment, _ = Payment.objects.get_or_create(
            order=order,
            provider=Payment.Provider.DEMO,
            defaults={
                "session_id": f"demo_{order.number}",
                "amount": order.total,
                "currency": order.currency,
            },
        )
        payment.checkout_url = reverse("checkout:demo_pay", kwargs={"session_id": payment.session_id})
        payment.save(update_fields=["checkout_url", "updated"])
        return payment.checkout_url
    if not settings.STRIPE_SECRET_KEY:
        order_cancel(order=order, actor_label="system", note="Payments are not configured.")
        raise CheckoutError("Payments are not available right now. Nothing was charged.")
    try:
        session = stripe_gateway.checkout_session_create(
            order=order,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=int(order.hold_expires_at.timestamp()),
        )
    except GatewayError as error:
        # Release the hold but keep the order: the shopper's retry (the same form,
        # the same token) holds the stock again and, with the same idempotency
        # key, gets the session Stripe may have created before it failed.
        stock_release(order=order)
        order_note_add(order=order, note=f"Stripe session failed; stock released: {error}")
        raise CheckoutError(
            "We couldn't reach our payment provider. Nothing was charged and your cart is as you left it. "
            "Please try again in a moment."
        ) from error
    Payment.objects.get_or_create(
        session_id=session.id,
        defaults={
            "order": order,
            "provider": Payment.Provider.STRIPE,
            "checkout_url": session.url,
            "amount": order.total,
            "currency": order.currency,
        },
    )
    return session.url


def _locked(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def _payment_for_session(session_id: str) -> Payment | None:
    return Payment.objects.filter(session_id=session_id).first()


def order_payment_succeeded(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """The one fulfil service: webhook, success page and demo page all call it.

    Idempotent: an order already paid is left alone and no second receipt is
    written. An amount or currency that does not match the order never marks it
    paid. A payment that arrives after the hold was released takes the stock
    again if it can; otherwise the order is "paid, waiting for stock" for staff
    (or refunded automatically when SHOP_AUTO_REFUND_OUT_OF_STOCK is on).
    """
    payment = _payment_for_session(session.id)
    if payment is None:
        logger.error("Payment for unknown Checkout Session %s (order %s)", session.id, session.order_number)
        return None
    with transaction.atomic():
        order = _locked(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED or order.payment_state != Order.PaymentState.UNPAID:
            return order
        payment.amount_received = session.amount_total
        payment.currency_received = session.currency
        payment.payment_intent = session.payment_intent or payment.payment_intent
        if session.amount_total != order.total or session.currency != order.currency.lower():
            payment.status = Payment.Status.MISMATCH
            payment.save()
            reason = (
                f"Stripe reported {session.amount_total} {session.currency.upper()} for session {session.id}, "
                f"but the order is {order.total} {order.currency.upper()}. Not marked paid."
            )
            order.needs_review = True
            order.review_reason = reason
            order.save(update_fields=["needs_review", "review_reason", "updated"])
            order_note_add(order=order, note=reason, kind=OrderEvent.Kind.REVIEW)
            logger.error("Order %s: %s", order.number, reason)
            return order
        payment.status = Payment.Status.SUCCEEDED
        payment.save()
        order.payment_state = Order.PaymentState.PAID
        order.amount_paid = session.amount_total
        order.save(update_fields=["payment_state", "amount_paid", "updated"])
        note = f"Payment {payment.payment_intent or payment.session_id} received."
        target = S.PAID
        if not order.stock_held:
            # The hold was released (expired or cancelled) before the money arrived.
            try:
                with transaction.atomic():
                    _stock_take([(l.variant_id, l.quantity, l.product_name) for l in order.lines.exclude(variant=None)])
                order.stock_held = True
                order.save(update_fields=["stock_held", "updated"])
                note += " Stock taken again after the hold had been released."
            except CheckoutError as short:
                target = S.PAID_OUT_OF_STOCK
                order.needs_review = True
                order.review_reason = f"Paid after the hold was released and stock is short: {short.message}"
                order.save(update_fields=["needs_review", "review_reason", "updated"])
                note += " Stock is short: waiting for staff."
        order_transition(order=order, to=target, actor_label=actor_label, note=note)
        if order.user_id:
            cart_discard_ordered(cart=DatabaseCart(order.user), order=order)
        email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
        if target == S.PAID_OUT_OF_STOCK:
            if settings.SHOP_AUTO_REFUND_OUT_OF_STOCK:
                from checkout.tasks import refund_out_of_stock

                order_id = order.pk
                transaction.on_commit(lambda: refund_out_of_stock(order_id), robust=True)
            else:
                email_queue(order=order, kind=OutboxEmail.Kind.OUT_OF_STOCK)
        logger.info("Order %s %s (%s)", order.number, target, actor_label)
        return order


def order_payment_processing(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """Checkout completed with a delayed payment method: hold on and wait."""
    payment = _payment_for_session(session.id)
    if payment is None:
        return None
    with transaction.atomic():
        order = _locked(payment.order_id)
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.OPEN).update(
            status=Payment.Status.PROCESSING, payment_intent=session.payment_intent
        )
        if order.status == S.PENDING_PAYMENT:
            order_transition(
                order=order, to=S.AWAITING_PAYMENT, actor_label=actor_label,
                note="Checkout completed; the payment is still being confirmed.",
            )
        return order


def order_payment_failed(*, session: CheckoutSession, actor_label: str) -> Order | None:
    payment = _payment_for_session(session.id)
    if payment is None:
        return None
    with transaction.atomic():
        order = _locked(payment.order_id)
        Payment.objects.filter(pk=payment.pk).exclude(status=Payment.Status.SUCCEEDED).update(
            status=Payment.Status.FAILED
        )
        if order.status in (S.PENDING_PAYMENT, S.AWAITING_PAYMENT):
            stock_release(order=order)
            order_transition(order=order, to=S.CANCELLED, actor_label=actor_label, note="The payment failed.")
            email_queue(order=order, kind=OutboxEmail.Kind.PAYMENT_FAILED)
        return order


def order_session_expired(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """The Checkout Session ran out: release the stock exactly once, expire the order."""
    payment = _payment_for_session(session.id)
    if payment is None:
        return None
    with transaction.atomic():
        order = _locked(payment.order_id)
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.OPEN).update(status=Payment.Status.EXPIRED)
        if order.status == S.PENDING_PAYMENT:
            stock_release(order=order)
            order_transition(
                order=order, to=S.EXPIRED, actor_label=actor_label, note="Checkout session expired; stock released."
            )
        return order


def order_cancel(*, order: Order, actor=None, actor_label: str = "system", note: str = "") -> Order:
    """Cancel a pending order and release its stock (idempotent)."""
    with transaction.atomic():
        order = _locked(order.pk)
        if order.status not in (S.PENDING_PAYMENT, S.AWAITING_PAYMENT):
            return order  # only an unpaid order is cancelled this way; staff use order_cancel_by_staff
        stock_release(order=order)
        Payment.objects.filter(order=order, status=Payment.Status.OPEN).update(status=Payment.Status.EXPIRED)
        order.checkout_token = None  # a retry of the same form places a fresh order
        order.save(update_fields=["checkout_token", "updated"])
        order_transition(order=order, to=S.CANCELLED, actor=actor, actor_label=actor_label, note=note)
        return order


def order_cancel_by_shopper(*, order: Order) -> Order:
    """The shopper came back from Stripe's cancel link.

    Stripe is asked to expire the session first: if it turns out the shopper
    paid after all, the payment wins and the order is fulfilled instead.
    """
    if order.status != S.PENDING_PAYMENT:
        return order
    for payment in order.payments.filter(status=Payment.Status.OPEN, provider=Payment.Provider.STRIPE):
        try:
            session = stripe_gateway.checkout_session_expire(payment.session_id)
        except GatewayError as error:
            raise CheckoutError(
                "We couldn't reach our payment provider to cancel. Your order is still reserved; "
                "please try again in a moment."
            ) from error
        if session.payment_status == "paid":
            return order_payment_succeeded(session=session, actor_label="shopper return") or order
        if session.status == "complete":
            return order_payment_processing(session=session, actor_label="shopper return") or order
    return order_cancel(order=order, actor_label="shopper", note="Cancelled on the payment page; stock released.")


def order_confirm_return(*, session_id: str) -> Order | None:
    """The shopper is back on the success page: ask Stripe, then fulfil (Stripe's advice)."""
    payment = _payment_for_session(session_id)
    if payment is None or payment.provider != Payment.Provider.STRIPE:
        return None
    try:
        session = stripe_gateway.checkout_session_retrieve(session_id)
    except GatewayError:
        logger.warning("Could not retrieve session %s on return; the webhook will fulfil it", session_id)
        return payment.order
    if session.payment_status == "paid":
        return order_payment_succeeded(session=session, actor_label="shopper return") or payment.order
    if session.status == "complete":
        return order_payment_processing(session=session, actor_label="shopper return") or payment.order
    return payment.order


def demo_payment_complete(*, session_id: str, pay: bool) -> Order:
    """The demo page's Pay and Cancel buttons drive the same services as Stripe."""
    payment = Payment.objects.select_related("order").get(session_id=session_id, provider=Payment.Provider.DEMO)
    order = payment.order
    if not pay:
        return order_cancel(order=order, actor_label="shopper", note="Cancelled on the demo payment page.")
    session = CheckoutSession(
        id=payment.session_id,
        url=payment.checkout_url,
        status="complete",
        payment_status="paid",
        amount_total=order.total,
        currency=order.currency.lower(),
        payment_intent=f"demo_pi_{order.number}",
        order_number=order.number,
    )
    return order_payment_succeeded(session=session, actor_label="demo payment") or order


# --- Webhooks ---------------------------------------------------------------

HANDLERS = {
    "checkout.session.async_payment_succeeded": order_payment_succeeded,
    "checkout.session.async_payment_failed": order_payment_failed,
    "checkout.session.expired": order_session_expired,
}


def _short_lock_timeout() -> None:
    """Within this transaction, wait at most SHOP_LOCK_TIMEOUT_MS for a row lock.

    A webhook that finds the order locked (a checkout, the shopper's return or a
    staff action holds it) gives up quickly; the view answers 503 and Stripe
    delivers the event again, instead of piling up waiting workers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{settings.SHOP_LOCK_TIMEOUT_MS}ms"])


def webhook_event_process(*, event: dict) -> str:
    """Record the event in the ledger and act on it, in one transaction.

    A repeated event id changes nothing. Any failure rolls the ledger row back
    with the rest, so the caller answers 5xx and Stripe delivers it again.
    """
    event_type = event["type"]
    with transaction.atomic():
        _short_lock_timeout()
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    event_id=event["id"], type=event_type, livemode=bool(event.get("livemode")), payload=event
                )
        except IntegrityError:
            return "duplicate"
        result = "ignored"
        if event_type.startswith("checkout.session."):
            session = CheckoutSession.from_stripe(event["data"]["object"])
            if event_type == "checkout.session.completed":
                if session.payment_status in ("paid", "no_payment_required"):
                    handler = order_payment_succeeded
                else:
                    handler = order_payment_processing
            else:
                handler = HANDLERS.get(event_type)
            if handler is not None:
                order = handler(session=session, actor_label="stripe webhook")
                result = f"{order.number}: {order.status}" if order else "unknown session"
        elif event_type == "charge.refunded":
            result = refunds_sync_from_charge(charge=event["data"]["object"])
        record.result = result[:200]
        record.save(update_fields=["result"])
        return result




# --- Staff actions: the order lifecycle ---------------------------------------


def order_mark_processing(*, order: Order, actor=None) -> Order:
    with transaction.atomic():
        order = _locked(order.pk)
        order_transition(order=order, to=S.PROCESSING, actor=actor, note="Being prepared for shipping.")
        return order


def order_ship(*, order: Order, carrier: str, tracking_number: str, tracking_url: str = "", actor=None) -> Order:
    """Hand the parcel to the carrier: the customer is emailed the tracking link."""
    with transaction.atomic():
        order = _locked(order.pk)
        if order.status == S.PAID:
            order_transition(order=order, to=S.PROCESSING, actor=actor, note="Being prepared for shipping.")
        order.carrier = carrier.strip()
        order.tracking_number = tracking_number.strip()
        order.tracking_url = tracking_url.strip()
        order.save(update_fields=["carrier", "tracking_number", "tracking_url", "updated"])
        order_transition(
            order=order, to=S.SHIPPED, actor=actor,
            note=f"Shipped with {order.carrier or 'the carrier'}, tracking {order.tracking_number or '—'}.",
        )
        email_queue(order=order, kind=OutboxEmail.Kind.SHIPPED)
        return order


def order_mark_delivered(*, order: Order, actor=None) -> Order:
    with transaction.atomic():
        order = _locked(order.pk)
        order_transition(order=order, to=S.DELIVERED, actor=actor, note="Delivered.")
        email_queue(order=order, kind=OutboxEmail.Kind.DELIVERED)
        return order


def order_allocate_stock(*, order: Order, actor=None) -> Order:
    """A "paid, waiting for stock" order gets its units once staff have restocked."""
    with transaction.atomic():
        order = _locked(order.pk)
        if order.status != S.PAID_OUT_OF_STOCK:
            raise CheckoutError(f"Order {order.display_number} is not waiting for stock.")
        _stock_take([(l.variant_id, l.quantity, l.product_name) for l in order.lines.exclude(variant=None)])
        order.stock_held = True
        order.needs_review = False
        order.save(update_fields=["stock_held", "needs_review", "updated"])
        order_transition(order=order, to=S.PAID, actor=actor, note="Stock allocated after restocking.")
        return order


def order_cancel_by_staff(*, order: Order, reason: str = "", actor=None) -> Order:
    """Cancel: the units go back into stock and whatever was paid is refunded through Stripe.

    The refund comes first; if Stripe refuses it, nothing is cancelled.
    """
    order = Order.objects.get(pk=order.pk)
    if S.CANCELLED not in TRANSITIONS.get(order.status, set()) or order.status in (S.CANCELLED, S.EXPIRED):
        raise CheckoutError(f"Order {order.display_number} cannot be cancelled once {S(order.status).label.lower()}.")
    if order.refundable > 0:
        order_refund(order=order, amount=order.refundable, reason=reason or "Order cancelled.", actor=actor,
                     notify=False)
    with transaction.atomic():
        order = _locked(order.pk)
        if order.status == S.CANCELLED:
            return order
        returned = stock_release(order=order)
        Payment.objects.filter(order=order, status=Payment.Status.OPEN).update(status=Payment.Status.EXPIRED)
        note = (reason or "Cancelled by staff.") + (" Stock returned." if returned else "")
        order_transition(order=order, to=S.CANCELLED, actor=actor, note=note)
        email_queue(order=order, kind=OutboxEmail.Kind.CANCELLED)
        return order


def order_refund(*, order: Order, amount: Decimal, reason: str, actor=None, notify: bool = True,
                 source: str = Refund.Source.STAFF) -> Refund:
    """Give back `amount` of what was paid. Partial refunds add up; never more than was paid.

    The order row stays locked while Stripe is asked, so two refunds at once can
    never exceed the payment; the idempotency key makes a double-click one refund.
    """
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise CheckoutError("Enter an amount above zero.")
    with transaction.atomic():
        order = _locked(order.pk)
        payment = order.payments.filter(status=Payment.Status.SUCCEEDED).first()
        if payment is None or order.payment_state == Order.PaymentState.UNPAID:
            raise CheckoutError(f"Order {order.display_number} has no payment to refund.")
        if amount > order.refundable:
            raise CheckoutError(
                f"At most {order.refundable} {order.currency.upper()} can still be refunded on order "
                f"{order.display_number} ({order.amount_paid} paid, {order.amount_refunded} refunded)."
            )
        if payment.provider == Payment.Provider.STRIPE:
            try:
                refund_id, _ = stripe_gateway.refund_create(
                    payment_intent=payment.payment_intent, amount=amount, currency=order.currency,
                    idempotency_key=f"refund-{order.number}-{order.amount_refunded}-{amount}",
                    metadata={"order_number": order.number},
                )
            except GatewayError as error:
                raise CheckoutError(f"Stripe did not refund: {error}") from error
        else:
            refund_id = f"demo_re_{order.number}_{order.refunds.count() + 1}"
        refund, created = Refund.objects.get_or_create(
            provider_refund_id=refund_id,
            defaults={"order": order, "payment": payment, "amount": amount, "reason": reason.strip(),
                      "source": source, "created_by": actor if getattr(actor, "pk", None) else None},
        )
        if created:
            _refunds_recount(order=order, actor=actor, note=f"Refunded {amount} {order.currency.upper()}. {reason}".strip(),
                             notify=notify)
        return refund


def _refunds_recount(*, order: Order, actor=None, note: str, notify: bool) -> None:
    total = sum((r.amount for r in order.refunds.all()), Decimal("0.00"))
    order.amount_refunded = min(total, order.amount_paid)
    order.payment_state = (
        Order.PaymentState.REFUNDED if order.amount_refunded >= order.amount_paid
        else Order.PaymentState.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["amount_refunded", "payment_state", "updated"])
    order_note_add(order=order, note=note, actor=actor, kind=OrderEvent.Kind.REFUND)
    if notify:
        email_queue(order=order, kind=OutboxEmail.Kind.REFUNDED)


def refunds_sync_from_charge(*, charge: dict) -> str:
    """`charge.refunded`: a refund made in Stripe's dashboard shows up here, once.

    Known refund ids are skipped; what Stripe says was refunded beyond the
    refunds we know is recorded as one refund keyed by the charge's running
    total, so the same event twice changes nothing.
    """
    payment_intent = charge.get("payment_intent") or ""
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id", "")
    payment = Payment.objects.filter(payment_intent=payment_intent, status=Payment.Status.SUCCEEDED).first() \
        if payment_intent else None
    if payment is None:
        return "unknown payment"
    currency = (charge.get("currency") or payment.currency).lower()
    with transaction.atomic():
        order = _locked(payment.order_id)
        before = order.refunds.count()
        for item in (charge.get("refunds") or {}).get("data") or []:
            if item.get("status") in (None, "succeeded", "pending"):
                Refund.objects.get_or_create(
                    provider_refund_id=item["id"],
                    defaults={"order": order, "payment": payment, "source": Refund.Source.STRIPE,
                              "amount": stripe_gateway.from_minor_units(item["amount"], currency),
                              "reason": "Refunded in Stripe's dashboard."},
                )
        stripe_total = stripe_gateway.from_minor_units(charge.get("amount_refunded") or 0, currency)
        known = sum((r.amount for r in order.refunds.all()), Decimal("0.00"))
        if stripe_total > known:
            Refund.objects.get_or_create(
                provider_refund_id=f"{charge.get('id')}:{charge.get('amount_refunded')}",
                defaults={"order": order, "payment": payment, "source": Refund.Source.STRIPE,
                          "amount": stripe_total - known, "reason": "Refunded in Stripe's dashboard."},
            )
        if order.refunds.count() == before:
            return f"{order.number}: no new refund"
        _refunds_recount(order=order, note="Refund made in Stripe's dashboard recorded.", notify=True)
        return f"{order.number}: refunded {order.amount_refunded}"


def orders_release_expired_holds(*, grace_minutes: int = 5) -> int:
    """Periodic: pending orders whose Checkout Session should have expired.

    Stripe is asked first, so a payment that did arrive is fulfilled, never
    lost; only a session that really expired releases its stock.
    """
    cutoff = timezone.now() - timedelta(minutes=grace_minutes)
    handled = 0
    stale = Order.objects.filter(status=S.PENDING_PAYMENT, hold_expires_at__lt=cutoff).order_by("hold_expires_at")
    for order in stale[:200]:
        payments = list(order.payments.filter(status=Payment.Status.OPEN))
        if not payments:
            order_cancel(order=order, actor_label="hold sweeper", note="No payment was started; hold released.")
            handled += 1
            continue
        for payment in payments:
            if payment.provider == Payment.Provider.DEMO:
                session = CheckoutSession(payment.session_id, "", "expired", "unpaid", order.total,
                                          order.currency, "", order.number)
            else:
                try:
                    session = stripe_gateway.checkout_session_expire(payment.session_id)
                except GatewayError:
                    logger.warning("Sweeper could not reach Stripe for %s; will try again", order.number)
                    continue
            if session.payment_status == "paid":
                order_payment_succeeded(session=session, actor_label="hold sweeper")
            elif session.status == "complete":
                order_payment_processing(session=session, actor_label="hold sweeper")
            else:
                order_session_expired(session=session, actor_label="hold sweeper")
            handled += 1
    return handled


# --- Customer emails: the outbox -------------------------------------------

OUTBOX_MAX_ATTEMPTS = 8


def email_queue(*, order: Order, kind: str) -> OutboxEmail | None:
    """Write a customer email into the outbox, inside the caller's transaction.

    It is sent after the commit; if the queue is down the row waits and the
    periodic sweep sends it. A receipt is written once per order.
    """
    from checkout.emails import render_customer_email

    if kind == OutboxEmail.Kind.RECEIPT and OutboxEmail.objects.filter(order=order, kind=kind).exists():
        return None
    subject, text, html = render_customer_email(order=order, kind=kind)
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                order=order, kind=kind, to=order.email, subject=subject, body_text=text, body_html=html
            )
    except IntegrityError:  # a concurrent writer queued the receipt first
        return None
    _email_enqueue_after_commit(email.pk)
    return email


def _email_enqueue_after_commit(email_id: int) -> None:
    from checkout.tasks import send_email

    transaction.on_commit(lambda: send_email(email_id), robust=True)


def email_send(*, email_id: int) -> bool:
    """Send one outbox row, at most once per claim. True if this call sent it.

    The row is claimed with a conditional update (queued → sending): a second
    worker, or the sweep, finds nothing to claim. An SMTP error puts the row back
    to queued with the error and raises, so the task retries with backoff; after
    OUTBOX_MAX_ATTEMPTS it is marked failed for staff.
    """
    from django.core.mail import EmailMultiAlternatives

    claimed = OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.QUEUED).update(
        status=OutboxEmail.Status.SENDING, attempts=F("attempts") + 1, updated=timezone.now()
    )
    if not claimed:
        return False
    email = OutboxEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
    )
    message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as error:
        status = OutboxEmail.Status.FAILED if email.attempts >= OUTBOX_MAX_ATTEMPTS else OutboxEmail.Status.QUEUED
        OutboxEmail.objects.filter(pk=email_id).update(status=status, last_error=f"{type(error).__name__}: {error}"[:2000])
        logger.warning("Email %s (%s to %s) failed, attempt %d: %s", email_id, email.kind, email.to, email.attempts, error)
        raise
    now = timezone.now()
    OutboxEmail.objects.filter(pk=email_id).update(status=OutboxEmail.Status.SENT, sent_at=now, last_error="")
    if email.order_id:
        if email.kind == OutboxEmail.Kind.RECEIPT:
            Order.objects.filter(pk=email.order_id, receipt_sent_at__isnull=True).update(receipt_sent_at=now)
        OrderEvent.objects.create(
            order_id=email.order_id, kind=OrderEvent.Kind.EMAIL, to_status=email.order.status,
            from_status=email.order.status, note=f"{email.get_kind_display()} email sent to {email.to}.",
        )
    logger.info("Email %s (%s) sent to %s", email_id, email.kind, email.to)
    return True


def email_resend(*, email: OutboxEmail, actor=None) -> None:
    """Staff ask for an email to go out again (a failed one, or a receipt the customer lost)."""
    with transaction.atomic():
        updated = OutboxEmail.objects.filter(pk=email.pk).exclude(status=OutboxEmail.Status.SENDING).update(
            status=OutboxEmail.Status.QUEUED, last_error=""
        )
        if not updated:
            raise CheckoutError("That email is being sent right now.")
        if email.order_id:
            order_note_add(order=email.order, note=f"{email.get_kind_display()} email queued again.", actor=actor,
                           kind=OrderEvent.Kind.EMAIL)
        _email_enqueue_after_commit(email.pk)


def receipt_resend(*, order: Order, actor=None) -> None:
    email = OutboxEmail.objects.filter(order=order, kind=OutboxEmail.Kind.RECEIPT).first()
    if email is None:
        if order.payment_state == Order.PaymentState.UNPAID:
            raise CheckoutError(f"Order {order.display_number} is not paid: there is no receipt yet.")
        with transaction.atomic():
            email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
        return
    email_resend(email=email, actor=actor)


def outbox_sweep(*, queued_for_seconds: int = 60, stuck_for_minutes: int = 15) -> int:
    """Periodic: send rows left queued (the queue was down), and surface stuck ones.

    A row still "sending" long after its claim may or may not have gone out (the
    worker died mid-send); it is marked failed for staff rather than sent again,
    so no customer gets a duplicate without a person deciding so.
    """
    now = timezone.now()
    OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, updated__lt=now - timedelta(minutes=stuck_for_minutes)
    ).update(status=OutboxEmail.Status.FAILED, last_error="Interrupted while sending; check and resend if needed.")
    sent = 0
    waiting = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.QUEUED, updated__lt=now - timedelta(seconds=queued_for_seconds)
    ).order_by("created").values_list("pk", flat=True)[:500]
    for email_id in list(waiting):
        try:
            sent += email_send(email_id=email_id)
        except Exception:
            continue  # recorded on the row; the next sweep tries again
    return sent


def housekeeping(*, webhook_days: int = 90, cart_days: int = 180) -> dict[str, int]:
    """Delete what no one needs any more: the webhook ledger past Stripe's retry
    window (kept 90 days for support), and carts untouched for half a year."""
    now = timezone.now()
    webhooks, _ = WebhookEvent.objects.filter(received__lt=now - timedelta(days=webhook_days)).delete()
    carts, _ = Cart.objects.filter(updated__lt=now - timedelta(days=cart_days)).delete()
    return {"webhook_events": webhooks, "carts": carts}
