"""Cache invalidation only: the header's category menu is cached."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from storefront.models import Category
from storefront.selectors import CATEGORY_MENU_KEY


@receiver([post_save, post_delete], sender=Category)
def forget_category_menu(**kwargs) -> None:
    cache.delete(CATEGORY_MENU_KEY)
