"""A full-page cache for the catalog pages of guests, served from Redis.

Who gets a cached page: a GET or HEAD, for a view marked `@shared_page`
(core/pagecache.py: the storefront's home, category, product, search and
suggestions), from a guest: no session cookie,
or a session that is not signed in and holds no flash message, and no messages
cookie. For a guest, the only personal things on these pages are the CSRF token
and the cart badge's count; both are rendered as placeholders into the stored
page and filled in for each visitor (the count from their session cart).
Everything else (cart, checkout, orders, accounts, admin, webhook, every POST,
every signed-in shopper, anyone with a message to see) goes through Django
untouched.

The key: a page is stored under its view's canonical query string, not the URL as
typed. Each `@shared_page` view declares the query parameters it reads
(`core.pagecache.shared_page(query=...)`); before the view runs, this middleware
rewrites the request's query string to what that function returns (known names
only, cleaned values, defaults left out), for every visitor, signed in or not. So
`/?utm_source=mail&x=1` and `/c/mugs/?sort=bogus&page=abc` are the pages `/` and
`/c/mugs/`, served from one entry, and the view cannot render anything from a
parameter it did not declare: the page under a key is the page of that key's
query string. The parameters are dropped rather than redirected away: a redirect
would cost every visitor from a marketing email a round trip and would hide the
utm_ parameters from analytics that read the address bar; crawlers are told the
canonical address by the page's <link rel="canonical">. Of the htmx headers, the
key holds the two the views read, as django-htmx reads them ("true" or not):
HX-Request and HX-History-Restore-Request; a view that reads another header
must mark the responses that depend on it private.

What is stored: the status, the headers and the body (zlib-compressed: a quarter
to a ninth of the HTML) of a 200 response that set no cookie and is not marked
private/no-store, if the cache's memory budget (`store_budget_take`,
SHOP_PAGE_CACHE_MAX_MB per SHOP_PAGE_CACHE_SECONDS) has room for it: a flood of
distinct valid URLs (random searches) can hold at most twice that budget.
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
import zlib
from collections.abc import Callable
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve

from checkout.cart import SessionCart
from core.pagecache import SHARED_PAGE_ATTRIBUTE, VERSION_KEY, store_budget_take, ttl

# The htmx request headers shared views read (core.htmx.is_fragment_request), as django-htmx
# reads them: "true" or not. They are part of the key; no other header is.
HTMX_FLAGS = ("HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST")
# Entries under this prefix hold compressed bodies (the uncompressed ones were under "pagecache:page:").
PAGE_KEY = "pagecache:zpage:"
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
    is personal: a signed-in shopper or a flash message waiting to be shown."""
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


def _declared_query(request: HttpRequest) -> Callable[[QueryDict], dict[str, str]] | None:
    """The `query` the request's view declared with `@shared_page`, or None for any other view."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, SHARED_PAGE_ATTRIBUTE, None)


def canonicalise(request: HttpRequest, query: Callable[[QueryDict], dict[str, str]]) -> None:
    """Leave `request` with only the query string its view reads, in canonical form."""
    canonical = urlencode(query(request.GET))
    if canonical != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = canonical  # what get_full_path() and build_absolute_uri() read
        request.GET = QueryDict(canonical)


def page_key(request: HttpRequest) -> str:
    """The cache key of a canonicalised request's page."""
    parts = [request.build_absolute_uri()] + [str(request.META.get(h) == "true") for h in HTMX_FLAGS]
    return PAGE_KEY + hashlib.sha256("\n".join(parts).encode()).hexdigest()


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
        query = _declared_query(request)
        if query is None:
            return self.get_response(request)
        canonicalise(request, query)  # for everyone, so every visitor's page is the page of its key
        seconds = ttl()
        if not seconds:
            return self.get_response(request)
        cart_count = _guest_cart_count(request)
        if cart_count is None:
            return self.get_response(request)

        key = page_key(request)
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
        if _storable(request, response):
            body = zlib.compress(response.content)
            if store_budget_take(len(body)):
                cache.set(key, {
                    "version": version,
                    "status": response.status_code,
                    "headers": [(k, v) for k, v in response.items() if k.lower() != "content-length"],
                    "body": body,
                }, timeout=seconds)
                response["X-Page-Cache"] = "miss"
        # Whatever happened, a page rendered with placeholders gets the real values.
        return self._personalised(request, response, cart_count or 0)

    def _serve(self, request: HttpRequest, entry: dict, cart_count: int) -> HttpResponse:
        response = HttpResponse(zlib.decompress(entry["body"]), status=entry["status"])
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
