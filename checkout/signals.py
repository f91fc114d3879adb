"""Checkout's answers to the storefront's hooks (storefront.hooks). Every receiver names its sender."""

from django.dispatch import receiver

from checkout.selectors import user_bought_product
from checkout.services.outbox import email_queue_message
from storefront.hooks import email_queue, review_eligibility
from storefront.models import Product, StockAlert, Variant


@receiver(review_eligibility, sender=Product)
def buyers_may_review(sender, user, product_id: int, **kwargs) -> bool:
    return user_bought_product(user=user, product_id=product_id)


@receiver(email_queue, sender=StockAlert)
@receiver(email_queue, sender=Variant)
def storefront_email_to_outbox(sender, kind: str, to: str, subject: str, text: str, html: str,
                               headers: dict[str, str], **kwargs) -> int:
    # The storefront's stock emails go out like every other: an outbox row in the caller's transaction.
    return email_queue_message(kind=kind, to=to, subject=subject, text=text, html=html, headers=headers).pk
