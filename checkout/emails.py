"""Customer emails, each in an HTML and a plain-text version."""

from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from checkout.models import Order


def absolute(path: str) -> str:
    return urljoin(settings.SHOP_BASE_URL.rstrip("/") + "/", path.lstrip("/"))


def receipt_message(order: Order) -> EmailMultiAlternatives:
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "shop_name": settings.SHOP_NAME,
        "order_url": absolute(order.get_absolute_url()),
        "track_url": absolute(reverse("checkout:track")),
        "signup_url": None if order.user_id else absolute(
            f"{reverse('account_signup')}?{urlencode({'email': order.email})}"
        ),
    }
    subject = f"{settings.SHOP_NAME}: receipt for order {order.display_number}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/receipt.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(render_to_string("emails/receipt.html", context), "text/html")
    return message
