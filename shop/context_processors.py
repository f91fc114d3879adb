from django.conf import settings
from django.http import HttpRequest

from checkout.cart import cart_for_request
from storefront.catalog import category_menu
from storefront.pages import page_links


def shop(request: HttpRequest) -> dict:
    """The shop's name, the header's categories, the footer's policy pages and the cart badge count."""
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "menu_categories": category_menu(),
        "policy_pages": page_links(),
        "cart_count": cart_for_request(request).count(),
    }
