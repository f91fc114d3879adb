"""gzip on the wire for the catalog pages, and only for them: the one place that decides which
responses are compressed (docs/PERFORMANCE.md, "Compression and BREACH").

BREACH recovers a secret from a compressed HTTPS response when the same body also reflects
something the attacker chose (a query string, a search word) and the attacker can make the
victim's browser ask for it many times while watching the response sizes. So a response is
compressed only when it holds no stable secret:

- the catalog pages (views marked `@shared_page`: home, category, search, suggestions, and the
  product page of a guest). Their one secret is the CSRF token, which Django masks with a new
  random mask on every response: no two responses carry the same bytes for it. The session
  cookie is a header, which gzip does not touch;
- not a signed-in shopper's product page: its back-in-stock form is filled in with their email
  address, and the page reflects its query string (the `next` field of every form);
- nothing else: the cart, checkout, order pages (their links carry the order's access token),
  order tracking, accounts and sign-in (email addresses, one-time keys), stock-alert links
  (signed tokens), the admin and the webhook are sent as they are.

Placed at the top of MIDDLEWARE (after the request id), so it runs last on the way out: both page
caches below it store and fill in plain bodies, and only the finished response is compressed. Django's GZipMiddleware
also pads each compressed response with up to 100 random bytes, which blurs sizes further.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

from core.pagecache import SHARED_PAGE_ATTRIBUTE
from shop.pagecache import view_match


def _signed_in(request: HttpRequest) -> bool:
    # No `user`: the guests' page cache answered before the auth middleware ran, and it serves
    # guests only (a signed-in shopper's note says "personal"). Reading the session here would
    # cost the query that cache exists to save.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def compressible(request: HttpRequest) -> bool:
    """Whether the response to this request may be compressed (see the module docstring)."""
    if request.method not in ("GET", "HEAD"):
        return False
    match = getattr(request, "resolver_match", None) or view_match(request)
    if match is None or not getattr(match.func, SHARED_PAGE_ATTRIBUTE, False):
        return False
    if match.view_name == "storefront:product" and _signed_in(request):
        return False
    return True


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for the responses `compressible` allows."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not compressible(request):
            return response
        return super().process_response(request, response)
