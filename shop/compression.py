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
caches below it fill in plain bodies, and only the finished response is compressed. Django's GZipMiddleware
also pads each compressed response with up to 100 random bytes, which blurs sizes further.

One exception to "compressed last": a guest's page from the page cache. Its constant parts were deflated
once, when it was stored (`deflate_parts`), and each hit adds its own CSRF token and cart count as they
are (`gzip_parts`, called by the page cache under the same rule, `compressible`), so the page is not
compressed again on every hit. The masked token is still new on every response, and it is never
compressed at all: it is sent in the stream as it is, and only its own copies on the page refer to it.
A signed-in shopper's page from the page cache (its hearts vary in length, so it is not deflated ahead) is
compressed there too, under the same rule, at level 1 (`gzip_fast`): on a hit, Django's level 6 cost more
than everything else but the session read.
"""

from __future__ import annotations

import gzip
import re
import secrets
import struct
import zlib

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.cache import patch_vary_headers

from core.pagecache import SHARED_PAGE_ATTRIBUTE

_MATCH_ATTRIBUTE = "_page_cache_match"


def view_match(request: HttpRequest) -> ResolverMatch | None:
    """The request's URL resolved (None for a 404), once per request: the page cache and this middleware
    both ask, and on a page-cache hit Django never resolves it."""
    if _MATCH_ATTRIBUTE not in request.__dict__:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        setattr(request, _MATCH_ATTRIBUTE, match)
    return getattr(request, _MATCH_ATTRIBUTE)


# Set by the signed-in shoppers' page cache when it found the shopper signed in without reading their row.
SIGN_IN_CHECKED = "_page_cache_signed_in"


def _signed_in(request: HttpRequest) -> bool:
    # No `user`: the guests' page cache answered before the auth middleware ran, and it serves
    # guests only (a signed-in shopper's note says "personal"). Reading the session here would
    # cost the query that cache exists to save; so would reading the user row after the other one.
    if getattr(request, SIGN_IN_CHECKED, None) is not None:
        return True
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


def compress_from_parts(request: HttpRequest, response: HttpResponse, parts: list[bytes | str] | None,
                        fills: dict[str, bytes], text: bytes) -> None:
    """Set `response`'s body to `text`, gzipped when this response may be compressed and the visitor accepts
    gzip: what CompressionMiddleware would send, without compressing the whole page again when `parts` (its
    `deflate_parts`, filled in with `fills`) are given, else compressed at once at a fast level (`gzip_fast`)."""
    response.content = text
    if not compressible(request) or len(text) < 200 or response.has_header("Content-Encoding"):
        return
    patch_vary_headers(response, ("Accept-Encoding",))
    if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return
    compressed = gzip_parts(parts, fills, text) if parts is not None else gzip_fast(text)
    if len(compressed) >= len(text):
        return
    response.content = compressed
    response.headers["Content-Length"] = str(len(compressed))
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag
    response.headers["Content-Encoding"] = "gzip"


# --------------------------------------------------------------------------
# A cached page's gzip, made once: its constant parts deflated when the page is stored, the
# visitor's own pieces (the CSRF token, the cart count) added to each response as they are.
# --------------------------------------------------------------------------
#
# A gzip member is a header, a raw deflate stream and the CRC-32 and length of the text. A deflate
# stream is a series of blocks; a stored block is its bytes as they are, and after a sync flush the
# stream ends on a byte boundary, so separately made pieces concatenate. Each constant part of a page is
# deflated with the page before it (up to the visitor's first variable-length piece) as its dictionary,
# the token's place in it filled with NUL bytes: the text holds no NUL (else the page is not made this
# way), so no back-reference can reach into a token, and a token has the same length for every visitor
# (64), so every distance is the same as in the page each visitor gets. The first token is sent as a
# stored block, and every later one as a copy of the one before (a "match": all of a response's tokens
# are one masked token): the token is never compressed with anything else on the page.

_GZIP_HEADER = bytes([0x1F, 0x8B, 8, gzip.FNAME, 0, 0, 0, 0, 0, 255])  # as Django's compress_string writes it
_WINDOW = 32 * 1024
_LEVEL = 6  # Django's
_FAST_LEVEL = 1
# Deflate's distance codes 0-29: (first distance, extra bits).
_DISTANCES = [(1, 0), (2, 0), (3, 0), (4, 0)] + [
    (1 + (2 << (code // 2 - 1)) + (code % 2) * (1 << (code // 2 - 1)), code // 2 - 1) for code in range(4, 30)]


class _Bits:
    """Bits packed as deflate packs them: fields from the least significant bit, Huffman codes from the most."""

    def __init__(self) -> None:
        self.value = self.count = 0

    def field(self, value: int, bits: int) -> None:
        self.value |= value << self.count
        self.count += bits

    def code(self, code: int, bits: int) -> None:
        self.field(int(f"{code:0{bits}b}"[::-1], 2), bits)

    def to_bytes(self) -> bytes:
        return self.value.to_bytes((self.count + 7) // 8, "little")


def _copy_block(length: int, distance: int) -> bytes:
    """A deflate block (fixed codes) copying `length` (59-66) bytes from `distance` back, then an empty
    stored block, so that the stream is on a byte boundary again."""
    bits = _Bits()
    bits.field(0, 1)  # not the last block
    bits.field(1, 2)  # fixed Huffman codes
    bits.code(276 - 256, 7)  # length symbol 276: 59-66, 3 extra bits
    bits.field(length - 59, 3)
    code = max(c for c, (first, _) in enumerate(_DISTANCES) if first <= distance)
    first, extra = _DISTANCES[code]
    bits.code(code, 5)
    bits.field(distance - first, extra)
    bits.code(0, 7)  # end of block
    bits.field(0, 3)  # an empty stored block: its header, then its length and the length's complement
    return bits.to_bytes() + b"\x00\x00\xff\xff"


def _stored_block(data: bytes) -> bytes:
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


def deflate_parts(body: bytes, token: bytes, others: dict[bytes, str], token_name: str) -> list[bytes | str] | None:
    """`body`'s raw deflate stream, made ahead: constant bytes, and the names of the pieces each response
    fills in: `token_name` for the placeholder `token` (replaced by something of the same length), and
    `others`' names for theirs (any length). None when the page cannot be made this way (it holds a NUL
    byte, or the token's length is not 59-66)."""
    if b"\x00" in body or not 59 <= len(token) <= 66:
        return None
    names = {token: token_name} | others
    pieces = re.split(b"(" + b"|".join(re.escape(p) for p in names) + b")", body)
    parts: list[bytes | str] = []
    window, since_token = b"", None  # what precedes, as the compressor may refer to it; bytes since a token
    for index in range(0, len(pieces), 2):
        text, last = pieces[index], index == len(pieces) - 1
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, **({"zdict": window[-_WINDOW:]} if window else {}))
        parts.append(compressor.compress(text) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
        if last:
            break
        window += text
        placeholder = pieces[index + 1]
        if placeholder != token:  # any length: nothing after it may refer to anything before it
            parts.append(names[placeholder])
            window, since_token = b"", None
            continue
        distance = None if since_token is None else since_token + len(text) + len(token)
        if distance is not None and distance <= _WINDOW:
            parts.append(_copy_block(len(token), distance))
        else:
            parts.append(token_name)
        window += b"\x00" * len(token)
        since_token = 0
    # Adjacent constant bytes joined: fewer pieces to store and to join per response.
    joined: list[bytes | str] = []
    for part in parts:
        if isinstance(part, bytes) and joined and isinstance(joined[-1], bytes):
            joined[-1] += part
        else:
            joined.append(part)
    return joined


def stored_stream(parts: list[bytes | str], fills: dict[str, bytes]) -> bytes:
    """The raw deflate stream of `deflate_parts`' parts, each named piece sent as it is (a stored block)."""
    return b"".join(part if isinstance(part, bytes) else _stored_block(fills[part]) for part in parts)


def gzip_parts(parts: list[bytes | str], fills: dict[str, bytes], text: bytes) -> bytes:
    """The gzip member of `text`, from `deflate_parts`' parts and this response's pieces (`fills`, by name),
    with Django's random padding in the header (GZipMiddleware.max_random_bytes)."""
    return _gzip_member(stored_stream(parts, fills), text)


def gzip_fast(text: bytes) -> bytes:
    """The gzip member of `text` deflated at level 1, with Django's random padding: for a cached page whose
    personal pieces vary in length (a signed-in shopper's hearts), so it cannot be deflated ahead and is
    compressed on every hit. Level 1 takes about a quarter of the time of Django's level 6 on a 60 KB
    category page (0.1 against 0.4 ms) for about a fifth more bytes (7.6 against 6.4 KB)."""
    compressor = zlib.compressobj(_FAST_LEVEL, zlib.DEFLATED, -15)
    return _gzip_member(compressor.compress(text) + compressor.flush(), text)


def _gzip_member(stream: bytes, text: bytes) -> bytes:
    padding = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes) + b"\x00"
    return _GZIP_HEADER + padding + stream + struct.pack("<LL", zlib.crc32(text), len(text) & 0xFFFFFFFF)
