"""The catalog version, and the mark a view wears to be served from the page cache.

Cached things (whole pages in shop/pagecache.py, fragments through
`cached_for_catalog`) carry the catalog version they were made under;
`bump_catalog_version` makes all of them misses at once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "pagecache:version"
SHARED_PAGE_ATTRIBUTE = "shared_page"
_SHOWN_ATTRIBUTE = "_page_products"


def ttl() -> int:
    """How long a cached page or fragment lives (SHOP_PAGE_CACHE_SECONDS; 0 turns caching off)."""
    return max(int(getattr(settings, "SHOP_PAGE_CACHE_SECONDS", 0) or 0), 0)


def shared_page(view: Callable) -> Callable:
    """Mark a view whose page is the same for every guest: the page cache may store it
    and serve it to guests (with their own CSRF token and cart count filled in)."""
    setattr(view, SHARED_PAGE_ATTRIBUTE, True)
    return view


def bump_catalog_version() -> None:
    """Make every cached page a miss, now and once the current transaction commits
    (so that a page rendered between the two does not keep the old data)."""
    _set_new_version()
    transaction.on_commit(_set_new_version)


def _set_new_version() -> None:
    # A new unique value rather than INCR: entries carry the version they were made
    # under, so a lost or evicted version key can never make an old entry match again.
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def product_version_key(product_id: int) -> str:
    return f"pagecache:product:{product_id}"


def bump_product_versions(product_ids) -> None:
    """Make every cached page that shows one of these products a miss (its product page, the lists
    its card is on), now and once the current transaction commits. Other pages stay cached."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    _set_product_versions(ids)
    transaction.on_commit(lambda: _set_product_versions(ids))


def _set_product_versions(ids: list[int]) -> None:
    version = time.time_ns()
    cache.set_many({product_version_key(pk): version for pk in ids}, timeout=None)


def personal_key(user_id: int) -> str:
    """Where the page cache keeps a signed-in shopper's cart count and wishlist between requests."""
    return f"pagecache:personal:{user_id}"


def forget_personal(user_id: int) -> None:
    """The shopper's cart or wishlist changed: their cached badge and hearts are read afresh, now and
    once the current transaction commits. (A cache: if Redis drops the delete, they are at most
    SHOP_PAGE_CACHE_SECONDS old, and the cart page itself always reads the database.)"""
    key = personal_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def page_shows(request, product_ids) -> None:
    """Note that the page being rendered for `request` shows these products: a cached copy is
    a miss once one of them changes (see bump_product_versions)."""
    request.__dict__.setdefault(_SHOWN_ATTRIBUTE, set()).update(product_ids)


def products_shown(request) -> set[int]:
    return getattr(request, _SHOWN_ATTRIBUTE, set())


def cached_for_catalog(name: str, build: Callable[[], str]) -> str:
    """A piece of text that depends only on the catalog (e.g. search suggestions), cached
    under the catalog version for SHOP_PAGE_CACHE_SECONDS; `build` makes it on a miss."""
    seconds = ttl()
    if not seconds:
        return build()
    key = "pagecache:part:" + hashlib.sha256(name.encode()).hexdigest()
    found = cache.get_many([VERSION_KEY, key])
    version, entry = found.get(VERSION_KEY), found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    text = build()
    cache.set(key, (version, text), timeout=seconds)
    return text
