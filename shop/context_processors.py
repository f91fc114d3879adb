from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from checkout.cart import cart_for_request
from storefront.catalog import category_menu
from storefront.pages import page_links


def shop(request: HttpRequest) -> dict:
    """The shop's name, the header's categories, the footer's policy pages and the cart badge count. The
    categories and pages are read (from the cache) only by a template that shows them: a partial htmx swaps in
    (add to cart, the cart's lines) does not."""
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "menu_categories": SimpleLazyObject(category_menu),
        "policy_pages": SimpleLazyObject(page_links),
        "cart_count": cart_for_request(request).count(),
    }
