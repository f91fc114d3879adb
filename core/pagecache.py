"""The catalog version, the mark a view wears to be served from the page cache, and the
page cache's memory budget.

Cached things (whole pages in shop/pagecache.py, fragments through
`cached_for_catalog`) carry the catalog version they were made under;
`bump_catalog_version` makes all of them misses at once. Every new cached thing
takes its size from `store_budget_take` first, so a flood of distinct URLs can
hold only so much of Redis's memory.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import QueryDict

VERSION_KEY = "pagecache:version"
SHARED_PAGE_ATTRIBUTE = "shared_page"
_SHOWN_ATTRIBUTE = "_page_products"
BUDGET_KEY = "pagecache:budget:"
# Roughly what Redis and the cache's pickling add to each entry beyond the bytes counted.
ENTRY_OVERHEAD = 512

QueryOf = Callable[[QueryDict], dict[str, str]]


def ttl() -> int:
    """How long a cached page or fragment lives (SHOP_PAGE_CACHE_SECONDS; 0 turns caching off)."""
    return max(int(getattr(settings, "SHOP_PAGE_CACHE_SECONDS", 0) or 0), 0)


def shared_page(*, query: QueryOf) -> Callable[[Callable], Callable]:
    """Mark a view whose page is the same for every guest: the page cache may store it
    and serve it to guests (with their own CSRF token and cart count filled in).

    `query` declares what the view reads from the query string: given the request's
    parameters, it returns the ones the view reads, cleaned, with defaults left out
    (`/?utm_source=mail` and `?sort=bogus` are the plain page). The page cache keys the
    page on its result, and the view is called with nothing else (shop/pagecache.py), so
    a parameter a view reads but `query` does not return never reaches the view: it
    cannot be forgotten quietly. A page the view should not share (a typed price range,
    an unknown variant) it marks `Cache-Control: private`.
    """

    def mark(view: Callable) -> Callable:
        setattr(view, SHARED_PAGE_ATTRIBUTE, query)
        return view

    return mark


def no_query(params: QueryDict) -> dict[str, str]:
    """The `query` of a page that reads nothing from its query string."""
    return {}


def store_budget_take(size: int) -> bool:
    """Whether `size` more bytes may be cached now, taking them if so.

    New entries may add up to SHOP_PAGE_CACHE_MAX_MB in each SHOP_PAGE_CACHE_SECONDS window
    (0: no limit); as entries live one window, the cache holds at most twice that. Counted
    in the cache itself, so every worker shares one count. When the cache is down the
    answer is no (nothing could be stored anyway).
    """
    budget = int(float(getattr(settings, "SHOP_PAGE_CACHE_MAX_MB", 0) or 0) * 1024 * 1024)
    seconds = ttl()
    if budget <= 0 or not seconds:
        return True
    size += ENTRY_OVERHEAD
    key = f"{BUDGET_KEY}{int(time.time() // seconds)}"
    if cache.add(key, size, timeout=2 * seconds):
        return size <= budget
    try:
        return cache.incr(key, size) <= budget
    except ValueError:  # the count expired between add and incr, or the cache is down
        return False


def bump_catalog_version() -> None:
    """Make every cached page a miss, now and once the current transaction commits
    (so that a page rendered between the two does not keep the old data)."""
    _now_and_after_commit(_set_new_version)


def _now_and_after_commit(write: Callable[[], None]) -> None:
    """`write` now and, inside a transaction, again once it commits (outside one, once is the same)."""
    write()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(write)


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
    _now_and_after_commit(lambda: _set_product_versions(ids))


def _set_product_versions(ids: list[int]) -> None:
    version = time.time_ns()
    cache.set_many({product_version_key(pk): version for pk in ids}, timeout=None)


PRICING_VERSION_KEY = "pagecache:pricing"


def bump_pricing_version() -> None:
    """The rules a quote applies besides the catalog's prices (shipping zones, methods and bands, tax rates)
    changed: every cached quote is a miss, now and once the current transaction commits. A new unique value,
    as for the catalog version."""
    _now_and_after_commit(lambda: cache.set(PRICING_VERSION_KEY, time.time_ns(), timeout=None))


def personal_key(user_id: int) -> str:
    """Where the page cache keeps a signed-in shopper's cart count and wishlist between requests."""
    return f"pagecache:personal:{user_id}"


def personal_review_key(user_id: int) -> str:
    """Where the page cache keeps which products a signed-in shopper may review, and which they have reviewed
    (apart from their cart and wishlist: it is read from the database only for pages with a call to review)."""
    return f"pagecache:personal-review:{user_id}"


def forget_personal(user_id: int) -> None:
    """The shopper's cart, wishlist, orders or reviews changed: their cached badge, hearts and calls to review
    are read afresh, now and once the current transaction commits. (A cache: if Redis drops the delete, they are
    at most SHOP_PAGE_CACHE_SECONDS old, and the cart page itself always reads the database.)"""
    keys = [personal_key(user_id), personal_review_key(user_id)]
    _now_and_after_commit(lambda: cache.delete_many(keys))


def page_shows(request, product_ids) -> None:
    """Note that the page being rendered for `request` shows these products: a cached copy is
    a miss once one of them changes (see bump_product_versions)."""
    request.__dict__.setdefault(_SHOWN_ATTRIBUTE, set()).update(product_ids)


def products_shown(request) -> set[int]:
    return getattr(request, _SHOWN_ATTRIBUTE, set())


def cached_for_catalog(name: str, build: Callable[[], str], *, seconds: int | None = None) -> str:
    """A piece of text that depends only on the catalog (e.g. search suggestions), cached
    under the catalog version for SHOP_PAGE_CACHE_SECONDS (or `seconds`); `build` makes it on a miss."""
    seconds = ttl() if seconds is None else seconds
    if not seconds:
        return build()
    key = "pagecache:part:" + hashlib.sha256(name.encode()).hexdigest()
    found = cache.get_many([VERSION_KEY, key])
    version, entry = found.get(VERSION_KEY), found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    text = build()
    if store_budget_take(len(text.encode())):
        cache.set(key, (version, text), timeout=seconds)
    return text


def sign_in_keys(user_id) -> tuple[str, str]:
    """Where the page cache keeps what it checked of a signed-in shopper's row (their sign-in, see
    shop/pagecache.py), and that row's generation: a new one whenever the row changes."""
    return f"pagecache:signin:{user_id}", f"pagecache:signin-gen:{user_id}"


def forget_sign_in(user_id) -> None:
    """The shopper's row changed or went (a new password, deactivated, a new email address): what the page
    cache checked of it no longer holds, now and once the current transaction commits. A new generation
    rather than a delete, so a check made from the row as it was cannot be stored over it."""
    generation = sign_in_keys(user_id)[1]
    _now_and_after_commit(lambda: cache.set(generation, time.time_ns(), timeout=SIGN_IN_GENERATION_SECONDS))


SIGN_IN_GENERATION_SECONDS = 24 * 3600  # once it is gone, every check made under it is stale anyway


def _user_row_changed(sender, instance, **kwargs) -> None:
    forget_sign_in(instance.pk)


# Every save or delete of a user row, wherever it happens (a view, the admin, a shell, a worker: every process
# imports this module at start-up, through storefront's signals); the model is named by the setting, not
# imported. A bulk UPDATE of users sends no signal; see shop/pagecache.py.
post_save.connect(_user_row_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="pagecache-user-saved")
post_delete.connect(_user_row_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="pagecache-user-deleted")
