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
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from checkout import stripe_gateway
from checkout.cart import AnyCart, DatabaseCart, SessionCart, line_limit
from checkout.models import Cart, CartLine, Order, OrderEvent, OrderLine, Payment, WebhookEvent
from checkout.stripe_gateway import CheckoutSession, GatewayError
from storefront.models import Variant

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

# Every legal change of an order's status. A payment that completes after its
# hold was released (expired or cancelled) is still accepted: a charged shopper
# always has an order (see `order_payment_succeeded`).
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.AWAITING_PAYMENT, S.PAID, S.CANCELLED, S.EXPIRED},
    S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED},
    S.PAID: set(),
    S.CANCELLED: {S.PAID},
    S.EXPIRED: {S.PAID},
}


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
    if to == S.PAID:
        order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at", "updated"])
    if actor is not None:
        actor_label = getattr(actor, "email", "") or str(actor)
    return OrderEvent.objects.create(
        order=order, from_status=current, to_status=to, actor=actor, actor_label=actor_label, note=note
    )


# --- Stock ------------------------------------------------------------------


def _stock_take(lines: list[tuple[int, int, str]]) -> None:
    """Conditionally take (variant id, quantity, name) out of stock, in id order.

    One UPDATE per line that only matches while enough stock is left: it can
    never take stock below zero, and a concurrent buyer waits on the row lock.
    Raises CheckoutError naming the first item that is short; the caller's
    transaction then undoes the lines already taken.
    """
    for variant_id, quantity, name in sorted(lines):
        # Single-table WHERE on purpose: PostgreSQL re-checks it after waiting for
        # the row lock. (A join would become a subquery that is not re-checked.)
        taken = Variant.objects.filter(pk=variant_id, stock__gte=quantity, active=True).update(
            stock=F("stock") - quantity
        )
        if not taken:
            left = Variant.objects.filter(pk=variant_id).values_list("stock", flat=True).first() or 0
            if left == 0:
                raise CheckoutError(f"Sorry, {name} just sold out. Remove it from your cart to continue.")
            raise CheckoutError(f"Sorry, only {left} of {name} left. Lower the quantity to continue.")


def stock_release(*, order: Order) -> bool:
    """Put a pending order's held units back, exactly once. True if this call released them."""
    with transaction.atomic():
        released = Order.objects.filter(pk=order.pk, stock_held=True).update(stock_held=False)
        if not released:
            return False
        for line in order.lines.exclude(variant=None).order_by("variant_id"):
            Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
        order.stock_held = False
        return True


# --- Placing an order -------------------------------------------------------


@dataclass(frozen=True)
class CheckoutDetails:
    email: str
    full_name: str
    address_line1: str
    city: str
    postal_code: str
    country: str
    address_line2: str = ""
    phone: str = ""


def order_place(*, cart: AnyCart, details: CheckoutDetails, checkout_token: str, user=None) -> Order:
    """Re-price the cart, hold its stock and create a pending order, all or nothing.

    The same `checkout_token` (one per checkout form shown) always yields the
    same order, so a double-click or a resubmitted form creates one order.
    """
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing:
        return existing
    try:
        return _order_place(cart=cart, details=details, checkout_token=checkout_token, user=user)
    except IntegrityError:
        # A concurrent submission with the same token won the race.
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing:
            return existing
        raise


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
        full_name=details.full_name.strip(),
        phone=details.phone.strip(),
        address_line1=details.address_line1.strip(),
        address_line2=details.address_line2.strip(),
        city=details.city.strip(),
        postal_code=details.postal_code.strip(),
        country=details.country.strip().upper(),
        currency=settings.SHOP_CURRENCY,
        subtotal=subtotal,
        total=subtotal,
        stock_held=True,
        hold_expires_at=timezone.now() + timedelta(minutes=settings.SHOP_HOLD_MINUTES),
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
            expires_at=int((timezone.now() + timedelta(minutes=settings.SHOP_HOLD_MINUTES)).timestamp()),
        )
    except GatewayError as error:
        order_cancel(order=order, actor_label="system", note=f"Stripe session failed: {error}")
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

    Idempotent: an order already paid is left alone and no second receipt is sent.
    An amount or currency that does not match the order never marks it paid.
    """
    payment = _payment_for_session(session.id)
    if payment is None:
        logger.error("Payment for unknown Checkout Session %s (order %s)", session.id, session.order_number)
        return None
    with transaction.atomic():
        order = _locked(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if order.status == S.PAID:
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
            OrderEvent.objects.create(
                order=order, from_status=order.status, to_status=order.status, actor_label=actor_label, note=reason
            )
            logger.error("Order %s: %s", order.number, reason)
            return order
        payment.status = Payment.Status.SUCCEEDED
        payment.save()
        note = f"Payment {payment.payment_intent or payment.session_id} received."
        if not order.stock_held:
            # The hold was released (expired or cancelled) before the money arrived.
            try:
                with transaction.atomic():
                    _stock_take([(l.variant_id, l.quantity, l.product_name) for l in order.lines.exclude(variant=None)])
                note += " Stock taken again after the hold had been released."
            except CheckoutError as short:
                order.needs_review = True
                order.review_reason = f"Paid after the hold was released and stock is short: {short.message}"
                order.save(update_fields=["needs_review", "review_reason", "updated"])
                note += " Stock is short: needs staff attention."
        order.stock_held = False  # the held units are now sold
        order.save(update_fields=["stock_held", "updated"])
        order_transition(order=order, to=S.PAID, actor_label=actor_label, note=note)
        from checkout.tasks import send_receipt

        if order.user_id:
            cart_discard_ordered(cart=DatabaseCart(order.user), order=order)
        # robust: a queue that is down must not turn a recorded payment into a 500.
        transaction.on_commit(lambda: send_receipt(order.pk), robust=True)
        logger.info("Order %s paid (%s)", order.number, actor_label)
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
        if order.status in (S.CANCELLED, S.EXPIRED):
            return order
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


def webhook_event_process(*, event: dict) -> str:
    """Record the event in the ledger and act on it, in one transaction.

    A repeated event id changes nothing. Any failure rolls the ledger row back
    with the rest, so the caller answers 5xx and Stripe delivers it again.
    """
    event_type = event["type"]
    with transaction.atomic():
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
        record.result = result[:200]
        record.save(update_fields=["result"])
        return result


# --- Receipts ---------------------------------------------------------------


def receipt_send(*, order_id: int) -> bool:
    """Send the receipt of a paid order once. True if this call sent it.

    The order row stays locked while the mail goes out, so two workers never
    both send it; an SMTP error rolls back and the task retries.
    """
    from checkout.emails import receipt_message

    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.receipt_sent_at or order.status != S.PAID:
            return False
        receipt_message(order).send()
        order.receipt_sent_at = timezone.now()
        order.save(update_fields=["receipt_sent_at", "updated"])
    logger.info("Receipt for order %s sent to %s", order.number, order.email)
    return True
