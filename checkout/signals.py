"""Checkout's answers to the storefront's hooks (storefront.hooks). Every receiver names its sender."""

from django.dispatch import receiver

from checkout.selectors import user_bought_product
from storefront.hooks import review_eligibility
from storefront.models import Product


@receiver(review_eligibility, sender=Product)
def buyers_may_review(sender, user, product_id: int, **kwargs) -> bool:
    return user_bought_product(user=user, product_id=product_id)
