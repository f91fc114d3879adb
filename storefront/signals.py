"""Cache invalidation, and the allauth sign-in hook that saves a guest's wishlist tap."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from shop.pagecache import bump_catalog_version
from storefront.models import (
    Category, OptionType, OptionValue, Product, ProductImage, Review, StockMovement, Variant,
)
from storefront.selectors import CATEGORY_MENU_KEY, CATEGORY_TREE_KEY
from storefront.services import wishlist_add_pending


@receiver([post_save, post_delete], sender=Category)
def forget_category_tree(**kwargs) -> None:
    try:
        cache.delete_many([CATEGORY_MENU_KEY, CATEGORY_TREE_KEY])
    except Exception:  # the cache fails open; the tree expires within the hour anyway
        pass


# Anything an anonymous catalog page shows. A staff restock saves a StockMovement; checkout's
# own stock UPDATE sends no signal, so cached pages expire after SHOP_PAGE_CACHE_SECONDS too.
CATALOG_MODELS = (Category, Product, Variant, ProductImage, Review, OptionType, OptionValue, StockMovement)


@receiver([post_save, post_delete])
def forget_cached_pages(sender, **kwargs) -> None:
    if sender in CATALOG_MODELS:
        bump_catalog_version()


@receiver(m2m_changed, sender=Variant.option_values.through)
def forget_cached_pages_on_options(**kwargs) -> None:
    if kwargs["action"] in ("post_add", "post_remove", "post_clear"):
        bump_catalog_version()


@receiver(user_logged_in)
def save_wishlist_tap(sender, request, user, **kwargs) -> None:
    product = wishlist_add_pending(session=request.session, user=user)
    if product is not None:
        messages.success(request, f"Saved {product.name} to your wishlist.", extra_tags="wishlist")
