"""Cache invalidation, and the allauth sign-in hook that saves a guest's wishlist tap."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from storefront.models import Category
from storefront.selectors import CATEGORY_MENU_KEY, CATEGORY_TREE_KEY
from storefront.services import wishlist_add_pending


@receiver([post_save, post_delete], sender=Category)
def forget_category_tree(**kwargs) -> None:
    try:
        cache.delete_many([CATEGORY_MENU_KEY, CATEGORY_TREE_KEY])
    except Exception:  # the cache fails open; the tree expires within the hour anyway
        pass


@receiver(user_logged_in)
def save_wishlist_tap(sender, request, user, **kwargs) -> None:
    product = wishlist_add_pending(session=request.session, user=user)
    if product is not None:
        messages.success(request, f"Saved {product.name} to your wishlist.", extra_tags="wishlist")
