from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from checkout.cart import cart_for_request
from storefront.catalog import category_menu
from storefront.pages import page_links

# The links every page's header and footer show, which never change while the process runs: reversed once per
# script prefix and URL conf (as `{% url %}` would reverse them on every page).
BASE_URLS = {
    "home": "storefront:home",
    "search": "storefront:search",
    "suggest": "storefront:suggest",
    "orders": "accounts:orders",
    "profile": "accounts:profile",
    "track": "checkout:track",
    "login": "account_login",
    "wishlist": "storefront:wishlist",
    "cart": "checkout:cart",
}
_base_urls: dict[tuple, dict[str, str]] = {}


def base_urls() -> dict[str, str]:
    where = (get_script_prefix(), get_urlconf())
    urls = _base_urls.get(where)
    if urls is None:
        urls = _base_urls[where] = {name: reverse(view) for name, view in BASE_URLS.items()}
    return urls


def shop(request: HttpRequest) -> dict:
    """The shop's name, the header's and footer's links, categories and policy pages and the cart badge count.
    The categories and pages are read (see storefront/process_copy.py) only by a template that shows them: a
    partial htmx swaps in (add to cart, the cart's lines) does not."""
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "base_urls": base_urls(),
        "menu_categories": SimpleLazyObject(category_menu),
        "policy_pages": SimpleLazyObject(page_links),
        "cart_count": cart_for_request(request).count(),
    }
