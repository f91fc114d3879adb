"""Small request helpers shared by the apps."""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. X-Forwarded-For is trusted only behind a known proxy
    (SHOP_TRUST_X_FORWARDED_FOR); Heroku's router appends the real address last."""
    if settings.SHOP_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(key: str, *, limit: int, window: int = 60, refuse_when_unavailable: bool = True) -> bool:
    """Count one hit on `key`; True when it is over `limit` hits in `window` seconds.

    Counted in the shared "ratelimit" cache (Redis in production) so every
    gunicorn worker sees the same count. If it is down, this fails safe: refused —
    unless `refuse_when_unavailable` is False, for limits on the shop's own work (cart
    changes, orders placed) where refusing everyone would stop the shop selling.
    """
    full_key = f"ratelimit:{key}"
    cache = caches["ratelimit"]
    try:
        if isinstance(cache, RedisCache):
            return _redis_count(cache, full_key, window) > limit
        if cache.add(full_key, 1, timeout=window):
            return False
        return cache.incr(full_key) > limit
    except ValueError:  # the key expired between add and incr
        cache.set(full_key, 1, timeout=window)
        return False
    except Exception:
        logger.exception("Rate-limit cache unavailable; %s %s", "refusing" if refuse_when_unavailable else "allowing", key)
        return refuse_when_unavailable


def _redis_count(cache: RedisCache, key: str, window: int) -> int:
    """One hit on `key` counted in one round trip: the counter made with its expiry if it is new, then
    incremented (Django's add + incr take three: add, exists, incr). Stored as Django stores an int."""
    redis_key = cache.make_and_validate_key(key)
    pipe = _redis_client(cache).pipeline(transaction=False)
    pipe.set(redis_key, 0, ex=window, nx=True)
    pipe.incr(redis_key)
    return pipe.execute()[1]


def _redis_client(cache: RedisCache):
    """The cache's writing client, made once per connection pool and reused (clients are thread-safe): Django
    makes a new one for every call, which costs as much as the round trip itself (core.cache does the same
    for the default cache)."""
    pool = cache._cache._get_connection_pool(write=True)
    clients = cache._cache.__dict__.setdefault("_shop_clients", {})
    client = clients.get(id(pool))
    if client is None:
        client = clients[id(pool)] = cache._cache._client(connection_pool=pool)
    return client


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` field or parameter, if it stays on this site; otherwise `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: "/..." but not "//host" or "/\\host".
    if candidate.startswith("/") and not candidate.startswith(("//", "/\\")) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def rate_limit_store_available() -> bool:
    """Whether rate limits can be counted right now (if not, guarded actions are refused)."""
    try:
        caches["ratelimit"].get("ratelimit:ping")
        return True
    except Exception:
        logger.warning("Rate-limit cache unavailable")
        return False


def absolute_url(path: str) -> str:
    """`path` on this shop's public address (SHOP_BASE_URL), for emails, canonical links and feeds:
    places where there is no request to build it from."""
    return urljoin(settings.SHOP_BASE_URL.rstrip("/") + "/", path.lstrip("/"))
