"""Side effects of catalog changes: cache invalidation, back-in-stock emails, a deleted picture's files, and the
allauth sign-in hook that saves a guest's wishlist tap. Every receiver names its sender."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.pagecache import bump_catalog_version, bump_product_versions, forget_personal
from storefront.catalog import category_tree_forget
from storefront.images import image_files_forget
from storefront.pages import page_links_forget
from storefront.models import (
    Category,
    OptionType,
    OptionValue,
    Page,
    Product,
    ProductImage,
    Review,
    StockMovement,
    Variant,
)
from storefront.stock import stock_changed
from storefront.tasks import send_back_in_stock
from storefront.wishlist import wishlist_add_pending


@receiver([post_save, post_delete], sender=Category)
def forget_category_tree(sender, **kwargs) -> None:
    category_tree_forget()


@receiver([post_save, post_delete], sender=Page)
def forget_page_links(sender, **kwargs) -> None:
    # Every page's footer links to the policy pages, and cached catalog pages carry their footer:
    # a new title or a new page shows on the next request. The page itself is never cached.
    page_links_forget()
    bump_catalog_version()


# Anything a guest's catalog page shows. Checkout's sales reach the cache through
# `stock_changed` below (only when a variant sells out or comes back).
CATALOG_MODELS = (Category, Product, Variant, ProductImage, Review, OptionType, OptionValue, StockMovement)


def forget_cached_pages(sender, **kwargs) -> None:
    bump_catalog_version()


for _model in CATALOG_MODELS:
    post_save.connect(forget_cached_pages, sender=_model, dispatch_uid=f"pagecache-save-{_model.__name__}")
    post_delete.connect(forget_cached_pages, sender=_model, dispatch_uid=f"pagecache-delete-{_model.__name__}")


@receiver([post_save, post_delete], sender=Review)
def forget_reviewer_state(sender, instance, **kwargs) -> None:
    """The reviewer's "Write a review" turns to "Edit your review" (or back) on their cached pages."""
    if instance.user_id:
        forget_personal(instance.user_id)


@receiver(post_delete, sender=ProductImage)
def forget_image_files(sender, instance, **kwargs) -> None:
    # Any way a picture goes (the admin, its product deleted): its stored objects go after commit.
    image_files_forget(image=instance)


@receiver(m2m_changed, sender=Variant.option_values.through)
def forget_cached_pages_on_options(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump_catalog_version()


@receiver(stock_changed, sender=Variant)
def stock_changed_effects(sender, variant_ids, availability_changed, restocked, **kwargs) -> None:
    # Every sale, released hold and restock: the pages showing these products re-render at once. A variant
    # that sold out or came back also changes which products the "in stock" lists hold and their counts,
    # on pages that may not show it: those are all pages, as for a staff edit.
    bump_product_versions(Variant.objects.filter(pk__in=variant_ids).values_list("product_id", flat=True))
    if availability_changed:
        bump_catalog_version()
    for variant_id in restocked:
        send_back_in_stock(variant_id)


@receiver(user_logged_in, sender=get_user_model())
def save_wishlist_tap(sender, request, user, **kwargs) -> None:
    product = wishlist_add_pending(session=request.session, user=user)
    if product is not None:
        messages.success(request, f"Saved {product.name} to your wishlist.", extra_tags="wishlist")
