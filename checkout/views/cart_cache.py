"""The cart's lines and summary, priced and rendered once per what they depend on, and kept in the cache.

The cart page and every htmx answer that redraws it show a quote of the cart: its lines priced from the database,
then shipping and tax for the destination. Pricing three lines and rendering them cost most of the request. What
they show depends only on:

- the cart's quantities, the shopper's own hold (their pending orders, `OwnHold`) and the destination: the key;
- the catalog (prices, names, pictures, whether a variant or product is active): the catalog version, bumped by
  every staff change (storefront/signals.py);
- the stock of the lines' variants: the versions of their products, bumped by every sale, released hold and
  restock (storefront.stock's `stock_changed`);
- the shipping and tax rules: the pricing version, bumped by every change of a zone, method, band or rate
  (checkout/signals.py);
- the settings the quote reads, the template and the language: the key.

Each entry carries the versions it was made under, read *before* the quote was made: a change committed while it
was being made is a miss on the next request (every writer bumps its version before and again after it commits).
A cart with a discount code is priced afresh every time (a code may expire, or be used up by other shoppers), and
so is a cart with an error to show beside the code field. Entries live SHOP_PAGE_CACHE_SECONDS, as cached pages do:
if Redis dropped a version's bump, that is as old as a quote could be (0 turns this cache off).

The CSRF token is a placeholder with a random nonce per entry, filled in for each visitor.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from checkout.cart import cart_for_request
from checkout.pricing import Destination, Quote, own_hold, quote_figures
from checkout.views.shopper import cart_pending_orders, quote_for
from core.pagecache import PRICING_VERSION_KEY, VERSION_KEY, product_version_key, store_budget_take, ttl

_TEMPLATE = "checkout/cart.html"
_GRID = f"{_TEMPLATE}#cart-grid"
# Which product each variant belongs to, learnt from every quote this process makes, so the versions of a cart's
# products are read in the same round trip as its entry. A guess: each entry's own list of products decides.
_PRODUCT_OF: dict[int, int] = {}
_GUESS_LIMIT = 100_000


@dataclass(frozen=True)
class CartShown:
    """What the cart page shows of the cart: the number of items and the lines with their summary (the
    `cart-grid` partial, this visitor's CSRF token in it; "" when the cart is empty)."""

    count: int
    grid: SafeString


EMPTY = CartShown(0, mark_safe(""))


def cart_shown(request: HttpRequest, *, destination: Destination | None, summary: Quote | None = None,
               code_error: str = "") -> CartShown:
    """The cart's lines and summary for `destination`, from the cache when nothing they depend on has changed.
    `summary`: a quote the view already made (a cart with a discount code); it is rendered, not cached."""
    if summary is not None or code_error or not ttl():
        summary = summary or quote_for(request, destination=destination)
        return _shown(request, _render(summary, code_error)) if summary.lines else EMPTY
    quantities = cart_for_request(request).quantities()
    if not quantities:
        return EMPTY
    hold = own_hold(cart_pending_orders(request))
    key = _key(quantities, hold.units, hold.order_ids, destination)
    products = {_PRODUCT_OF.get(v) for v in quantities} - {None}  # .get: another thread may clear it meanwhile
    found = cache.get_many([key, VERSION_KEY, PRICING_VERSION_KEY, *map(product_version_key, products)])
    versions = (found.get(VERSION_KEY), found.get(PRICING_VERSION_KEY))
    entry = found.get(key)
    if entry is not None and entry[0] == versions and all(
            pk in products and found.get(product_version_key(pk)) == version for pk, version in entry[1].items()):
        return _shown(request, entry[2:])
    summary = quote_for(request, destination=destination)
    if not summary.lines:
        return EMPTY
    if len(_PRODUCT_OF) > _GUESS_LIMIT:
        _PRODUCT_OF.clear()
    _PRODUCT_OF.update((line.variant_id, line.variant.product_id) for line in summary.lines)
    made = _render(summary, "")
    shown = {line.variant.product_id for line in summary.lines}
    # Stored only when the versions of every product shown were read before the quote was made, and the quote
    # priced the quantities of the key (no line had left the catalog).
    if shown <= products and {line.variant_id for line in summary.lines} == set(quantities) and store_budget_take(
            len(made[2].encode())):
        cache.set(key, (versions, {pk: found.get(product_version_key(pk)) for pk in shown}, *made), timeout=ttl())
    return _shown(request, made)


def _render(summary: Quote, code_error: str) -> tuple[int, str, str]:
    """(count, nonce, the `cart-grid` partial with a placeholder for the CSRF token)."""
    nonce = secrets.token_hex(8)
    html = render_to_string(_GRID, {"summary": summary, "figures": quote_figures(summary), "code_error": code_error,
                                    "csrf_token": f"CART{nonce}CSRF"})
    return summary.count, nonce, html


def _shown(request: HttpRequest, made: tuple[int, str, str]) -> CartShown:
    count, nonce, html = made
    return CartShown(count, mark_safe(html.replace(f"CART{nonce}CSRF", get_token(request))))


def _key(quantities: dict[int, int], held: dict[int, int], own_orders, destination: Destination | None) -> str:
    parts = (_deploy_digest(), translation.get_language(), settings.SHOP_CURRENCY, settings.SHOP_PRICES_INCLUDE_TAX,
             settings.SHOP_COUNTRY, settings.SHOP_TAX_SHIPPING, settings.SHOP_MAX_LINE_QUANTITY,
             sorted(quantities.items()), sorted(held.items()), sorted(own_orders),
             destination and (destination.country, destination.state))
    return "pagecache:cart:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@functools.cache
def _deploy_digest() -> str:
    """What a deploy may change: the templates' source, where pictures are served from and the cart's URLs."""
    from django.core.files.storage import default_storage  # noqa: PLC0415

    sources = [get_template(name).template.source for name in (_TEMPLATE, "includes/figures.html")]
    parts = (sources, default_storage.url("x"), reverse("checkout:cart_update", args=[1]), reverse("checkout:checkout"))
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()
