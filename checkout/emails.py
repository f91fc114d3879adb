"""Customer emails, each rendered as HTML and plain text in the shop's look."""

from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from checkout.models import Order, OutboxEmail
from core.http import absolute_url

K = OutboxEmail.Kind

SUBJECTS = {
    K.RECEIPT: "Receipt for order {number}",
    K.PAYMENT_FAILED: "Your payment for order {number} did not go through",
    K.SHIPPED: "Order {number} is on its way",
    K.DELIVERED: "Order {number} was delivered",
    K.CANCELLED: "Order {number} was cancelled",
    K.REFUNDED: "Refund for order {number}",
    K.OUT_OF_STOCK: "Order {number}: we are waiting for stock",
}


def email_context(order: Order) -> dict:
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "shop_name": settings.SHOP_NAME,
        "order_url": absolute_url(order.get_absolute_url()),
        "track_url": absolute_url(reverse("checkout:track")),
        "shop_url": absolute_url("/"),
        "signup_url": None if order.user_id else absolute_url(
            f"{reverse('account_signup')}?{urlencode({'email': order.email})}"
        ),
    }


def render_customer_email(*, order: Order, kind: str) -> tuple[str, str, str]:
    """(subject, text, html) for one kind of customer email about `order`."""
    context = email_context(order) | {"kind": kind}
    subject = f"{settings.SHOP_NAME}: " + SUBJECTS[kind].format(number=order.display_number)
    text = render_to_string(f"emails/{kind}.txt", context)
    html = render_to_string(f"emails/{kind}.html", context)
    return subject, text, html
