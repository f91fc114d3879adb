"""A full-page cache for the catalog pages of guests, served from Redis.

Who gets a cached page: a GET or HEAD, for a view marked `@shared_page`
(core/pagecache.py: the storefront's home, category, product, search and
suggestions), from a guest: no session cookie,
or a session that is not signed in and holds no flash message, and no messages
cookie. For a guest, the only personal things on these pages are the CSRF token
and the cart badge's count; both are rendered as placeholders into the stored
page and filled in for each visitor (the count from their session cart: the
session row, one primary-key query, as sessions live in the database only).
Everything else (cart, checkout, orders, accounts, admin, webhook, every POST,
every signed-in shopper, anyone with a message to see) goes through Django
untouched.

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
placeholder (see `placeholders`, a context processor listed after Django's
own), and the placeholder is replaced with this visitor's masked token, from
`get_token`, on every response: on the miss that renders the page and on each
hit. Django's own CSRF middleware code reads and sets the csrftoken cookie, so a
hit behaves as a rendered page does: the cookie is kept when present and set
when missing, and forms on a cached page post without JavaScript.

The cache is the default alias (core/cache.py), which fails open: with Redis
down every lookup misses and every store is dropped, so pages are simply
rendered as without this module.
"""

from __future__ import annotations

import hashlib
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve

from checkout.cart import SessionCart
from core.pagecache import SHARED_PAGE_ATTRIBUTE, VERSION_KEY, ttl

# htmx request headers a view may read (django-htmx's request.htmx): each one is part of the key.
HTMX_HEADERS = (
    "HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_BOOSTED",
    "HTTP_HX_TRIGGER", "HTTP_HX_TRIGGER_NAME", "HTTP_HX_TARGET",
)
# A response that varies on anything else is not stored: the key would not capture it.
# (Cookie: the only cookie-dependent part of a stored page is the CSRF token, replaced per visitor.)
KNOWN_VARY = frozenset({"cookie", "hx-request", "accept-encoding"})
# Letters only: they pass through HTML and JSON escaping unchanged.
PLACEHOLDER = "PAGECACHECSRFTOKENPLACEHOLDER".ljust(64, "X")  # as long as a real token
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()
CART_COUNT_PLACEHOLDER = "PAGECACHECARTCOUNTPLACEHOLDER"
_CART_COUNT_BYTES = CART_COUNT_PLACEHOLDER.encode()
MESSAGES_SESSION_KEY = "_messages"  # django.contrib.messages' session storage
_CANDIDATE = "_page_cache_candidate"
_COMMA = re.compile(r"\s*,\s*")


def placeholders(request: HttpRequest) -> dict:
    """Context processor: placeholders instead of the visitor's CSRF token and cart count
    while a page that may be cached is rendered (listed after Django's csrf processor and
    the shop's own, so it wins)."""
    if getattr(request, _CANDIDATE, False):
        return {"csrf_token": PLACEHOLDER, "cart_count": CART_COUNT_PLACEHOLDER}
    return {}


def _guest_cart_count(request: HttpRequest) -> int | None:
    """The cart count of a guest who may be served a shared page, or None when the page
    is personal: a signed-in shopper or a flash message waiting to be shown. Read from
    SESSION_ENGINE's store, the database: never a cache, whose stale copy would show an old
    cart count or an old sign-in."""
    if request.method not in ("GET", "HEAD"):
        return None
    if request.COOKIES.get(getattr(settings, "MESSAGES_COOKIE_NAME", "messages")):  # empty = deleted
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return 0
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if AUTH_SESSION_KEY in session or MESSAGES_SESSION_KEY in session:
        return None
    return SessionCart(session).count()


def _cacheable_view(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, SHARED_PAGE_ATTRIBUTE, False)


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
    """Serve and store guests' catalog pages (see the module docstring). Placed right
    after the security, CSP and static-file middleware, before sessions."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own code for reading and setting the csrftoken cookie on a hit.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = ttl()
        if not seconds or not _cacheable_view(request):
            return self.get_response(request)
        cart_count = _guest_cart_count(request)
        if cart_count is None:
            return self.get_response(request)

        key = _key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        entry = found.get(key)
        if entry is not None and entry["version"] == version:
            return self._serve(request, entry, cart_count)

        setattr(request, _CANDIDATE, True)
        response = self.get_response(request)
        if response.streaming:
            return response
        if hasattr(request, "session"):  # the count as the view left it, from the session already loaded
            cart_count = SessionCart(request.session).count()
        if not _storable(request, response):
            # Whatever happened, a page rendered with placeholders still gets the real values.
            return self._personalised(request, response, cart_count or 0)
        cache.set(key, {
            "version": version,
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() != "content-length"],
            "content": response.content,
        }, timeout=seconds)
        response["X-Page-Cache"] = "miss"
        return self._personalised(request, response, cart_count or 0)

    def _serve(self, request: HttpRequest, entry: dict, cart_count: int) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        # The cookie as CsrfViewMiddleware would read it for a rendered page.
        self.csrf.process_request(request)
        return self._personalised(request, response, cart_count)

    def _personalised(self, request: HttpRequest, response: HttpResponse, cart_count: int) -> HttpResponse:
        if _CART_COUNT_BYTES in response.content:
            response.content = response.content.replace(_CART_COUNT_BYTES, str(cart_count).encode())
        if _PLACEHOLDER_BYTES in response.content:
            response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
            # Sets the csrftoken cookie when the visitor has none (and adds Vary: Cookie).
            self.csrf.process_response(request, response)
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
        return response
