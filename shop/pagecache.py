"""A full-page cache for the catalog pages of guests, served from Redis.

Who gets a cached page: a GET or HEAD, for a view marked `@shared_page`
(core/pagecache.py: the storefront's home, category, product, search and
suggestions), from anyone with no flash message waiting. Each page is stored
twice: once as guests see it, served before the session is read
(`PageCacheMiddleware`), and once as signed-in shoppers see it, served once the
session has said who they are (`MemberPageCacheMiddleware`, after Django's
authentication). The personal things on these pages are the CSRF token, the cart
badge's count and, for signed-in shoppers, their wishlist hearts, their call to
review and their email address in the back-in-stock form: the token, the count
and the address are rendered as placeholders, the hearts and the review call as
slots (core/slots.py), and all are filled in for each visitor (a guest's cart
count from a signed note, or else their session row: sessions live in the
database only; a signed-in shopper's session row always, and their user row only
when what was last checked of it may have changed: see "A signed-in shopper's
sign-in" below). Everything else (cart, checkout, orders, accounts, admin, webhook, every POST, anyone with a
message to see) goes through Django untouched.

The key: a page is stored under its view's canonical query string, not the URL as
typed, and its audience (guests or signed-in shoppers). Each `@shared_page` view
declares the query parameters it reads (`core.pagecache.shared_page(query=...)`);
before the view runs, this middleware rewrites the request's query string to what
that function returns (known names only, cleaned values, defaults left out), for
every visitor, signed in or not. So `/?utm_source=mail&x=1` and
`/c/mugs/?sort=bogus&page=abc` are the pages `/` and `/c/mugs/`, served from one
entry, and the view cannot render anything from a parameter it did not declare:
the page under a key is the page of that key's query string. The parameters are
dropped rather than redirected away: a redirect would cost every visitor from a
marketing email a round trip and would hide the utm_ parameters from analytics
that read the address bar; crawlers are told the canonical address by the page's
<link rel="canonical">. Of the htmx headers, the key holds the two the views read,
as django-htmx reads them ("true" or not): HX-Request and
HX-History-Restore-Request; a view that reads another header must mark the
responses that depend on it private.

What is stored: the status, the headers and the body (a guest's page as its deflate
stream made ahead, so that a hit is gzipped without compressing the page again:
shop/compression.py; any other zlib-compressed: a quarter to a ninth of the HTML) of a 200 response that set no cookie and is not marked
private/no-store, if the cache's memory budget (`store_budget_take`,
SHOP_PAGE_CACHE_MAX_MB per SHOP_PAGE_CACHE_SECONDS) has room for it: a flood of
distinct valid URLs (random searches) can hold at most twice that budget.
Each entry carries the catalog version it was rendered under and the version of
each product it shows; `bump_catalog_version` (staff changing the catalog, a
variant selling out or coming back) makes every older entry a miss at once, and
`bump_product_versions` (every sale, released hold and restock, from
storefront/stock.py's `stock_changed`) the entries showing those products.
Entries also expire after SHOP_PAGE_CACHE_SECONDS (0 turns the cache off).

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
import time
import zlib
from collections.abc import Callable
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.crypto import constant_time_compare
from django.utils.html import escape

from checkout.cart import SessionCart, cart_for_request
from core.pagecache import (
    SHARED_PAGE_ATTRIBUTE,
    SIGN_IN_GENERATION_SECONDS,
    VERSION_KEY,
    personal_key,
    personal_review_key,
    product_version_key,
    products_shown,
    sign_in_keys,
    store_budget_take,
    ttl,
)
from core.slots import EMAIL_PLACEHOLDER, SHARING_ATTRIBUTE, Slot, fill, slots_of
from shop.compression import SIGN_IN_CHECKED, compress_from_parts, deflate_parts, stored_stream, view_match
from storefront.selectors import reviewable_product_ids, reviewed_product_ids, wishlist_ids

# The htmx request headers shared views read (core.htmx.is_fragment_request), as django-htmx
# reads them: "true" or not. They are part of the key; no other header is.
HTMX_FLAGS = ("HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST")
# Entries under this prefix hold a guest's page as deflated parts or another page zlib-compressed (entries of
# earlier forms, which processes of an earlier release may still read and write, are under "pagecache:page:"
# and "pagecache:zpage:").
PAGE_KEY = "pagecache:dpage:"
# A response that varies on anything else is not stored: the key would not capture it.
# (Cookie: the only cookie-dependent part of a stored page is the CSRF token, replaced per visitor.)
KNOWN_VARY = frozenset({"cookie", "hx-request", "accept-encoding"})
# Letters only: they pass through HTML and JSON escaping unchanged.
PLACEHOLDER = "PAGECACHECSRFTOKENPLACEHOLDER".ljust(64, "X")  # as long as a real token
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()
CART_COUNT_PLACEHOLDER = "PAGECACHECARTCOUNTPLACEHOLDER"
_CART_COUNT_BYTES = CART_COUNT_PLACEHOLDER.encode()
MESSAGES_SESSION_KEY = "_messages"  # django.contrib.messages' session storage
_CANDIDATE = SHARING_ATTRIBUTE
_EMAIL_BYTES = EMAIL_PLACEHOLDER.encode()
GUESTS, MEMBERS = "guests", "members"
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
    known = _guest_note_read(request, session_key)
    if known == PERSONAL:
        return None
    if known is not None:
        return known
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if AUTH_SESSION_KEY in session or MESSAGES_SESSION_KEY in session:
        return None
    return SessionCart(session).count()


# The guest note: a signed cookie saying "this session is a guest's with N items in the cart, and no
# message waiting", so a guest with a cart is served a cached page without reading their session — or
# saying "personal" (signed in, or a message waiting), so this middleware leaves the session to Django's
# and it is read once, not twice. It is bound to the session key (a hash of it) and rewritten whenever a
# request reads the session and the answer changed; a stale or forged note fails its signature or its
# binding, and the session is read instead. It can only ever send a visitor down the slower path wrongly:
# "personal" is re-checked by Django's authentication and the member cache, never trusted to sign anyone in.
GUEST_NOTE_COOKIE = "shop_guest"
_GUEST_NOTE_SALT = "shop.pagecache.guest-note"
PERSONAL = -1


def _session_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:20]


def _guest_note_read(request: HttpRequest, session_key: str) -> int | None:
    note = request.COOKIES.get(GUEST_NOTE_COOKIE)
    if not note:
        return None
    try:
        bound, count = signing.Signer(salt=_GUEST_NOTE_SALT).unsign(note).split(":")
        return (PERSONAL if count == "personal" else int(count)) if bound == _session_hash(session_key) else None
    except (signing.BadSignature, ValueError):
        return None


def guest_note_write(request: HttpRequest, response: HttpResponse) -> None:
    """After a request that read the session: set, renew or delete the guest note (see above)."""
    session = getattr(request, "session", None)
    if session is None or not session.accessed:
        return
    key = session.session_key
    note = request.COOKIES.get(GUEST_NOTE_COOKIE)
    if not key or response.status_code >= 500:
        if note:
            response.delete_cookie(GUEST_NOTE_COOKIE, samesite="Lax")
        return
    personal = AUTH_SESSION_KEY in session or MESSAGES_SESSION_KEY in session
    value = signing.Signer(salt=_GUEST_NOTE_SALT).sign(
        f"{_session_hash(key)}:{'personal' if personal else SessionCart(session).count()}")
    if value != note:
        response.set_cookie(GUEST_NOTE_COOKIE, value, max_age=settings.SESSION_COOKIE_AGE, httponly=True,
                            secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


def _declared_query(request: HttpRequest) -> Callable[[QueryDict], dict[str, str]] | None:
    """The `query` the request's view declared with `@shared_page`, or None for any other view."""
    match = view_match(request)
    return None if match is None else getattr(match.func, SHARED_PAGE_ATTRIBUTE, None)


def canonicalise(request: HttpRequest, query: Callable[[QueryDict], dict[str, str]]) -> None:
    """Leave `request` with only the query string its view reads, in canonical form."""
    if not request.META.get("QUERY_STRING"):
        return  # nothing to read: every parameter has its default, which `query` leaves out (tested)
    canonical = urlencode(query(request.GET))
    if canonical != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = canonical  # what get_full_path() and build_absolute_uri() read
        request.GET = QueryDict(canonical)


def _key(request: HttpRequest, audience: str) -> str:
    """The cache key of a canonicalised request's page, for guests or signed-in shoppers."""
    parts = [audience, request.build_absolute_uri()] + [str(request.META.get(h) == "true") for h in HTMX_FLAGS]
    return PAGE_KEY + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse, audience: str) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:  # a session, a message, a rotated CSRF cookie: something personal happened
        return False
    user = getattr(request, "user", None)
    if (audience == MEMBERS) != bool(user is not None and user.is_authenticated):  # signed in or out meanwhile
        return False
    cache_control = {d.strip().lower().split("=")[0] for d in _COMMA.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in _COMMA.split(response.get("Vary", "")) if v.strip()}
    return vary <= KNOWN_VARY


# Which products the entry under a key showed when this process last read or stored it: their versions are
# then read in the same round trip as the entry. Only a guess (the entry itself says what it shows, and a
# product it shows that the guess left out is read after it), kept to a bounded size.
_shown_guess: dict[str, tuple[int, ...]] = {}
_SHOWN_GUESS_MAX = 20_000


def _guess_shown(key: str, ids) -> None:
    if len(_shown_guess) >= _SHOWN_GUESS_MAX:
        _shown_guess.clear()
    _shown_guess[key] = tuple(ids)


def _lookup(key: str, *also: str) -> tuple[dict | None, dict]:
    """The entry under `key` if it is still current: made under the current catalog version, and no
    product it shows has changed since; and what else was asked for (`also`) in the same round trip
    (with the versions of the products the entry is guessed to show)."""
    guessed = [product_version_key(pk) for pk in _shown_guess.get(key, ())]
    found = cache.get_many([VERSION_KEY, key, *also, *guessed])
    entry = found.get(key)
    if entry is None or entry["version"] != found.get(VERSION_KEY):
        return None, found
    shown = entry["products"]
    if shown:
        _guess_shown(key, shown)
        keys, read = {pk: product_version_key(pk) for pk in shown}, set(guessed)
        unread = [k for k in keys.values() if k not in read]
        now = {k: v for k, v in found.items() if k in read} | (cache.get_many(unread) if unread else {})
        if any(now.get(keys[pk]) != version for pk, version in shown.items()):
            return None, found
    return entry, found


class _PageCache:
    audience = GUESTS

    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own code for reading and setting the csrftoken cookie on a hit.
        self.csrf = CsrfViewMiddleware(get_response)

    def _render_and_store(self, request: HttpRequest, key: str, version_of_catalog) -> HttpResponse:
        setattr(request, _CANDIDATE, True)
        started = time.time_ns()
        response = self.get_response(request)
        if response.streaming:
            return response
        storable = _storable(request, response, self.audience)
        body = _stored_body(response.content, slots_of(request)) if storable else None
        ids = sorted(products_shown(request)) if body is not None else []
        shown = cache.get_many([product_version_key(pk) for pk in ids]) if ids else {}
        # A product changed while this page was being rendered (e.g. the worker added a picture's
        # renditions): the page may show it as it was, so it is not stored under the new version.
        # (Versions are time.time_ns() of the change, see core.pagecache.bump_product_versions.)
        changed_meanwhile = any(isinstance(v, int) and v >= started for v in shown.values())
        if body is not None and not changed_meanwhile and store_budget_take(_size(body)):
            _guess_shown(key, ids)
            cache.set(key, {
                "version": version_of_catalog,
                "products": {pk: shown.get(product_version_key(pk)) for pk in ids},
                "slots": slots_of(request),
                "status": response.status_code,
                "headers": [(k, v) for k, v in response.items() if k.lower() != "content-length"],
            } | body, timeout=ttl())
            response["X-Page-Cache"] = "miss"
        # Whatever happened, a page rendered with placeholders still gets the real values (and is gzipped, if
        # at all, from the parts just made).
        return self._personalised(request, response, slots_of(request), (body or {}).get("deflated"))

    def _serve(self, request: HttpRequest, entry: dict) -> HttpResponse:
        response = HttpResponse(_body_of(entry), status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        # The cookie as CsrfViewMiddleware would read it for a rendered page.
        self.csrf.process_request(request)
        return self._personalised(request, response, entry["slots"], entry.get("deflated"))

    def _cart_count(self, request: HttpRequest) -> int:
        raise NotImplementedError

    def _personalised(self, request: HttpRequest, response: HttpResponse, slots: dict[str, Slot],
                      deflated: list[bytes | str] | None = None) -> HttpResponse:
        content, fills = response.content, {}
        if _CART_COUNT_BYTES in content:
            fills[CART_COUNT_PLACEHOLDER] = str(self._cart_count(request)).encode()
            content = content.replace(_CART_COUNT_BYTES, fills[CART_COUNT_PLACEHOLDER])
        if slots:
            content = fill(content, slots, _chooser(request))
        if _EMAIL_BYTES in content:
            content = content.replace(_EMAIL_BYTES, escape(_shopper_email(request)).encode())
        has_token = _PLACEHOLDER_BYTES in content
        if has_token:
            fills[_TOKEN] = get_token(request).encode()  # masked anew for every response
            content = content.replace(_PLACEHOLDER_BYTES, fills[_TOKEN])
        # Gzipped here, if at all: from the parts deflated when it was stored, or else at a fast level.
        compress_from_parts(request, response, deflated, fills, content)
        response["Content-Length"] = str(len(response.content))
        if has_token:  # sets the csrftoken cookie when the visitor has none (and adds Vary: Cookie)
            self.csrf.process_response(request, response)
        return response


_TOKEN = "token"  # the CSRF token's name in a page's deflated parts


def _stored_body(content: bytes, slots: dict[str, Slot]) -> dict:
    """How a page's body is stored: its deflate stream made ahead, with the places of the CSRF token and
    the cart count (shop/compression.py), when those are its only personal pieces (a guest's page), so
    that a hit is gzipped without compressing the page again; else zlib-compressed."""
    if not slots and _EMAIL_BYTES not in content:
        deflated = deflate_parts(content, _PLACEHOLDER_BYTES, {_CART_COUNT_BYTES: CART_COUNT_PLACEHOLDER}, _TOKEN)
        if deflated is not None:
            return {"deflated": deflated}
    return {"body": zlib.compress(content)}


def _size(body: dict) -> int:
    return len(body["body"]) if "body" in body else sum(len(part) for part in body["deflated"])


def _body_of(entry: dict) -> bytes:
    """A stored page's body, with its placeholders: the deflated parts are a deflate stream of it once each
    piece is its placeholder again (a token is as long as its placeholder, so every copy still fits)."""
    if "body" in entry:
        return zlib.decompress(entry["body"])
    pieces = {_TOKEN: _PLACEHOLDER_BYTES, CART_COUNT_PLACEHOLDER: _CART_COUNT_BYTES}
    return zlib.decompress(stored_stream(entry["deflated"], pieces), wbits=-15)


def _chooser(request: HttpRequest):
    """Which form of each slot this visitor sees (core/slots.py): their hearts (from their cached
    personal state) and their call to review (asked only when the page has one)."""

    def choose(item: Slot) -> str | None:
        if item.kind == "wish":
            return "saved" if item.key in _personal(request)["wish"] else None
        if item.kind == "review":
            return _reviews(request).get(item.key)
        return None

    return choose


class PageCacheMiddleware(_PageCache):
    """Serve and store guests' catalog pages (see the module docstring). Placed right
    after the security, CSP and static-file middleware, before sessions."""

    audience = GUESTS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._respond(request)
        guest_note_write(request, response)  # after storing: a stored page never carries the cookie
        return response

    def _respond(self, request: HttpRequest) -> HttpResponse:
        query = _declared_query(request)
        if query is None:
            return self.get_response(request)
        canonicalise(request, query)  # for everyone, so every visitor's page is the page of its key
        request._page_cache_shared = True
        if not ttl():
            return self.get_response(request)
        cart_count = _guest_cart_count(request)
        if cart_count is None:
            return self.get_response(request)
        request._page_cache_cart_count = cart_count
        key = _key(request, GUESTS)
        entry, found = _lookup(key)
        if entry is not None:
            return self._serve(request, entry)
        return self._render_and_store(request, key, found.get(VERSION_KEY))

    def _cart_count(self, request: HttpRequest) -> int:
        if hasattr(request, "session"):  # the count as the view left it, from the session already loaded
            return SessionCart(request.session).count()
        return request._page_cache_cart_count


class MemberPageCacheMiddleware(_PageCache):
    """Serve and store signed-in shoppers' catalog pages (see the module docstring). Placed after
    Django's authentication and messages middleware: who the shopper is comes from the session."""

    audience = MEMBERS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (not ttl() or request.method not in ("GET", "HEAD")
                or getattr(request, _CANDIDATE, False) or not getattr(request, "_page_cache_shared", False)):
            return self.get_response(request)
        session = request.session
        user_id = session.get(AUTH_SESSION_KEY)
        if user_id is None or MESSAGES_SESSION_KEY in session or request.COOKIES.get(
                getattr(settings, "MESSAGES_COOKIE_NAME", "messages")):
            return self.get_response(request)
        key, personal, reviews = _key(request, MEMBERS), personal_key(user_id), personal_review_key(user_id)
        checked, generation = sign_in_keys(user_id)
        entry, found = _lookup(key, personal, reviews, checked, generation)
        if not _sign_in_holds(request, found.get(checked), found.get(generation)):
            if not _sign_in_check(request, checked, generation, found.get(generation)):
                return self.get_response(request)  # not signed in after all (Django has signed them out)
        request._page_cache_personal = found.get(personal)
        request._page_cache_reviews = found.get(reviews)
        if entry is not None:
            return self._serve(request, entry)
        return self._render_and_store(request, key, found.get(VERSION_KEY))

    def _cart_count(self, request: HttpRequest) -> int:
        return _personal(request)["cart"]


# A signed-in shopper's sign-in, checked without reading their row. Django's authentication reads the user row
# on every request to check that the session still holds (the user exists and is active, and the session's
# hash of their password matches the row's). On a page-cache hit the page needs nothing else from that row, so
# the check is made from what was last checked of the row (`sign_in_keys`: its hash, its email address), read
# with the page. What was checked is stored only from Django's own check, and under the row's generation
# (core.pagecache.forget_sign_in: a new one on every save or delete of the row, now and after commit), read
# before the row was: so a change of password, a deactivation or a new address makes it stale at once, and a
# check made from the row as it was before a change cannot be stored as current. The session itself is still
# read from the database on every request, so a sign-out holds at once. (A bulk UPDATE of users would send no
# signal; nothing in the shop makes one, and what was checked lives SHOP_PAGE_CACHE_SECONDS at most.)
_CHECKED_ATTRIBUTE = SIGN_IN_CHECKED


def _sign_in_holds(request: HttpRequest, checked: dict | None, generation) -> bool:
    session = request.session
    if (checked is None or generation is None or checked["generation"] != generation
            or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS
            or not constant_time_compare(checked["hash"], session.get(HASH_SESSION_KEY) or "")):
        return False
    setattr(request, _CHECKED_ATTRIBUTE, checked)
    return True


def _sign_in_check(request: HttpRequest, checked_key: str, generation_key: str, generation) -> bool:
    """Django's own check (it reads the row, and signs the shopper out when it no longer holds); what it found is
    stored for the next hits, under the generation read before the row was."""
    fresh = "_cached_user" not in request.__dict__  # the row is read after the generation, not before
    if generation is None:
        generation = time.time_ns()
        fresh = fresh and cache.add(generation_key, generation, timeout=SIGN_IN_GENERATION_SECONDS)
    user = request.user
    if not user.is_authenticated:
        return False
    if fresh:
        cache.set(checked_key, {"generation": generation, "hash": user.get_session_auth_hash(), "email": user.email},
                  timeout=ttl())
    return True


def _shopper(request: HttpRequest):
    """The signed-in shopper as the hit needs them: `request.user`, or, when their sign-in was checked without
    reading their row, a user that is only their id (for queries that filter on it)."""
    if getattr(request, _CHECKED_ATTRIBUTE, None) is not None and "_cached_user" not in request.__dict__:
        model = get_user_model()
        return model(pk=model._meta.pk.to_python(request.session[AUTH_SESSION_KEY]))
    return request.user


def _shopper_email(request: HttpRequest) -> str:
    checked = getattr(request, _CHECKED_ATTRIBUTE, None)
    if checked is not None:
        return checked["email"]
    user = getattr(request, "user", None)
    return user.email if user is not None and user.is_authenticated else ""


def _reviews(request: HttpRequest) -> dict[str, str]:
    """{product id: "write" or "edit"} for every product the shopper may review (`user_can_review` for all of
    them at once), kept in the cache (read with the page) once a page with a call to review asked for it; dropped
    with their personal state whenever one of their orders or reviews changes (checkout/signals.py,
    storefront/signals.py, and a guest order claimed at sign-in: core.pagecache.forget_personal)."""
    state = getattr(request, "_page_cache_reviews", None)
    if state is None:
        user = _shopper(request)
        reviewed = reviewed_product_ids(user=user)
        state = {str(pk): "edit" if pk in reviewed else "write" for pk in reviewable_product_ids(user=user)}
        cache.set(personal_review_key(user.pk), state, timeout=ttl())
        request._page_cache_reviews = state
    return state


def _personal(request: HttpRequest) -> dict:
    """A signed-in shopper's cart count and wishlist, from the cache (read with the page) or the database;
    dropped from the cache whenever either changes (core.pagecache.forget_personal)."""
    state = getattr(request, "_page_cache_personal", None)
    if state is None:
        state = {"cart": cart_for_request(request).count(), "wish": {str(pk) for pk in wishlist_ids(request.user)}}
        cache.set(personal_key(request.user.pk), state, timeout=ttl())
        request._page_cache_personal = state
    return state
