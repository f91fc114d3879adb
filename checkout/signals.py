"""Checkout's answers to the storefront's hooks (storefront.hooks), and the cache invalidation its own rules
need. Every receiver names its sender."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from checkout.models import Order, ShippingMethod, ShippingWeightBand, ShippingZone, TaxRate
from checkout.selectors import products_bought, user_bought_product
from checkout.services.outbox import email_queue_message
from core.pagecache import bump_pricing_version, forget_personal
from storefront.hooks import email_queue, review_eligibility, reviewable_products
from storefront.models import Product, StockAlert, Variant


@receiver(review_eligibility, sender=Product)
def buyers_may_review(sender, user, product_id: int, **kwargs) -> bool:
    return user_bought_product(user=user, product_id=product_id)


@receiver(reviewable_products, sender=Product)
def products_buyers_may_review(sender, user, **kwargs) -> set[int]:
    return products_bought(user=user)


@receiver(post_save, sender=Order)
def forget_buyer_state(sender, instance: Order, **kwargs) -> None:
    """An order of a shopper changed (paid, cancelled, refunded): what their cached pages say they may review
    is read afresh. (Guest orders claimed at sign-in: accounts.services.orders_claim.)"""
    if instance.user_id:
        forget_personal(instance.user_id)


# What a quote applies besides the catalog's prices: a cached cart (checkout/views/cart_cache.py) is priced
# afresh once one of these changes.
PRICING_MODELS = (ShippingZone, ShippingMethod, ShippingWeightBand, TaxRate)


def forget_cached_quotes(sender, **kwargs) -> None:
    bump_pricing_version()


for _model in PRICING_MODELS:
    post_save.connect(forget_cached_quotes, sender=_model, dispatch_uid=f"quotes-save-{_model.__name__}")
    post_delete.connect(forget_cached_quotes, sender=_model, dispatch_uid=f"quotes-delete-{_model.__name__}")


@receiver(email_queue, sender=StockAlert)
@receiver(email_queue, sender=Variant)
def storefront_email_to_outbox(sender, kind: str, to: str, subject: str, text: str, html: str,
                               headers: dict[str, str], **kwargs) -> int:
    # The storefront's stock emails go out like every other: an outbox row in the caller's transaction.
    return email_queue_message(kind=kind, to=to, subject=subject, text=text, html=html, headers=headers).pk
