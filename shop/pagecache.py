"""A full-page cache for anonymous catalog pages, served from Redis.

Who gets a cached page: a GET or HEAD from a visitor with no session cookie and
no messages cookie, so with nothing personal to show (no cart, not signed in, no
flash message), for one of the storefront's catalog views (home, category,
product, search, suggestions). Everything else (cart, checkout, orders,
accounts, admin, webhook, every POST, every visitor with a session) goes
through Django untouched.

What is stored: the status, the headers and the body of a 200 response that set
no cookie and is not marked private/no-store, keyed by the absolute URL with its
query string and the htmx request headers (a partial differs from the full page).
Each entry carries the catalog version it was rendered under; `bump_catalog_version`
(called by storefront/signals.py when staff change the catalog) makes every older
entry a miss at once. Entries also expire after SHOP_PAGE_CACHE_SECONDS (0 turns
the cache off), because checkout changes stock with a conditional UPDATE that
sends no signal: availability on a cached page may be that many seconds old,
while the cart and checkout always re-check stock.

The CSRF token: a page must never carry another visitor's token. While a page
that may be stored is rendered, the `csrf_token` context variable is a fixed
placeholder (see `csrf_placeholder`, a context processor listed after Django's
own), and the placeholder is replaced with this visitor's masked token, from
`get_token`, on every response: on the miss that renders the page and on each
hit. Django's own CSRF middleware code reads and sets the csrftoken cookie, so a
hit behaves as a rendered page does: the cookie is kept when present and set
when missing, and forms on a cached page post without JavaScript.

The cache is the default alias (shop/cache.py), which fails open: with Redis
down every lookup misses and every store is dropped, so pages are simply
rendered as without this module.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve

CACHEABLE_VIEWS = frozenset({
    "storefront:home",
    "storefront:category",
    "storefront:product",
    "storefront:search",
    "storefront:suggest",
})
# htmx request headers a view may read (django-htmx's request.htmx): each one is part of the key.
HTMX_HEADERS = (
    "HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_BOOSTED",
    "HTTP_HX_TRIGGER", "HTTP_HX_TRIGGER_NAME", "HTTP_HX_TARGET",
)
# A response that varies on anything else is not stored: the key would not capture it.
# (Cookie: the only cookie-dependent part of a stored page is the CSRF token, replaced per visitor.)
KNOWN_VARY = frozenset({"cookie", "hx-request", "accept-encoding"})
VERSION_KEY = "pagecache:version"
# Letters only: passes through HTML and JSON escaping unchanged, and is as long as a real token.
PLACEHOLDER = "PAGECACHECSRFTOKENPLACEHOLDER".ljust(64, "X")
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()
_CANDIDATE = "_page_cache_candidate"
_COMMA = re.compile(r"\s*,\s*")


def ttl() -> int:
    return max(int(getattr(settings, "SHOP_PAGE_CACHE_SECONDS", 0) or 0), 0)


def bump_catalog_version() -> None:
    """Make every cached page a miss, now and once the current transaction commits
    (so that a page rendered between the two does not keep the old data)."""
    _set_new_version()
    transaction.on_commit(_set_new_version)


def _set_new_version() -> None:
    # A new unique value rather than INCR: entries carry the version they were made
    # under, so a lost or evicted version key can never make an old entry match again.
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


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


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: the placeholder instead of the real token while a page that
    may be cached is rendered (listed after Django's csrf processor, so it wins)."""
    if getattr(request, _CANDIDATE, False):
        return {"csrf_token": PLACEHOLDER}
    return {}


def _anonymous_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGES_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _cacheable_view(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in CACHEABLE_VIEWS


def _key(request: HttpRequest) -> str:
    parts = [request.build_absolute_uri()] + [request.META.get(h, "") for h in HTMX_HEADERS]
    return "pagecache:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:  # a session, a message, a rotated CSRF cookie: something personal happened
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    cache_control = {d.strip().lower().split("=")[0] for d in _COMMA.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in _COMMA.split(response.get("Vary", "")) if v.strip()}
    return vary <= KNOWN_VARY


class PageCacheMiddleware:
    """Serve and store anonymous catalog pages (see the module docstring). Placed right
    after the security, CSP and static-file middleware, before sessions."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own code for reading and setting the csrftoken cookie on a hit.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = ttl()
        if not seconds or not _anonymous_request(request) or not _cacheable_view(request):
            return self.get_response(request)

        key = _key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        entry = found.get(key)
        if entry is not None and entry["version"] == version:
            return self._serve(request, entry)

        setattr(request, _CANDIDATE, True)
        response = self.get_response(request)
        if not _storable(request, response):
            # Whatever happened, a page rendered with the placeholder still gets a real token.
            return self._with_token(request, response) if not response.streaming else response
        cache.set(key, {
            "version": version,
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() != "content-length"],
            "content": response.content,
        }, timeout=seconds)
        response["X-Page-Cache"] = "miss"
        return self._with_token(request, response)

    def _serve(self, request: HttpRequest, entry: dict) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        # The cookie as CsrfViewMiddleware would read it for a rendered page.
        self.csrf.process_request(request)
        return self._with_token(request, response)

    def _with_token(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if _PLACEHOLDER_BYTES in response.content:
            response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
            # Sets the csrftoken cookie when the visitor has none (and adds Vary: Cookie).
            self.csrf.process_response(request, response)
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
        return response
