import hmac

from django.db.models import Prefetch, Q
from django.http import Http404

from checkout.models import Order, OrderEvent, OrderLine, normalize_order_number

# Paid, in any stage of fulfilment, and not refunded in full: the orders that count as "bought".
BOUGHT_STATUSES = (Order.Status.PAID, Order.Status.PROCESSING, Order.Status.SHIPPED, Order.Status.DELIVERED)
BOUGHT_PAYMENT_STATES = (Order.PaymentState.PAID, Order.PaymentState.PARTIALLY_REFUNDED)


def order_for_page(*, number: str, token: str) -> Order:
    """The order behind a secret link; 404 unless the token matches (compared in constant time)."""
    order = (
        Order.objects.prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created", "id")),
        )
        .filter(number=normalize_order_number(number))
        .first()
    )
    if order is None or not hmac.compare_digest(order.access_token.encode(), (token or "").encode()):
        raise Http404("No such order.")
    return order


def checkout_token_pending(*, token: str) -> bool:
    """Whether this checkout form already placed an order that still waits for payment: then
    posting the same form again retries that order (same token); otherwise a retry is a new attempt."""
    return Order.objects.filter(checkout_token=token, status=Order.Status.PENDING_PAYMENT).exists()


def orders_pending_of_cart(*, number: str | None, user) -> list[Order]:
    """The pending orders a cart placed: the one this browser placed last (`number`, from the session) and a
    signed-in shopper's (their cart follows them between browsers), lines prefetched."""
    signed_in = user is not None and user.is_authenticated
    if not number and not signed_in:
        return []
    query = (Q(number=number) if number else Q()) | (Q(user=user) if signed_in else Q())
    return list(Order.objects.filter(query, status=Order.Status.PENDING_PAYMENT).prefetch_related("lines")
                .order_by("created"))


def products_bought(*, user) -> set[int]:
    """The products of every paid order of this user (`user_bought_product` for all products at once)."""
    if not user.is_authenticated:
        return set()
    return set(OrderLine.objects.filter(
        order__user=user, order__status__in=BOUGHT_STATUSES, order__payment_state__in=BOUGHT_PAYMENT_STATES,
    ).values_list("variant__product_id", flat=True).distinct())


def user_bought_product(*, user, product_id: int) -> bool:
    """A paid order of this user has a line for one of the product's variants."""
    if not user.is_authenticated:
        return False
    return OrderLine.objects.filter(
        order__user=user, variant__product_id=product_id,
        order__status__in=BOUGHT_STATUSES, order__payment_state__in=BOUGHT_PAYMENT_STATES,
    ).exists()
