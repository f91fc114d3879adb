"""core.http.rate_limited on the Redis production uses: counted in one round trip, with the same answers."""

import secrets

import pytest
import redis
from django.core.cache import caches

from core.http import rate_limited


@pytest.fixture
def redis_rate_limits(settings, redis_base_url):
    """The "ratelimit" alias on a real Redis (a plain RedisCache, as in production), under a prefix of its own."""
    url, prefix = f"{redis_base_url}/13", f"test-ratelimit-{secrets.token_hex(6)}"
    settings.CACHES = settings.CACHES | {"ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}}
    server = redis.Redis.from_url(url)
    yield server, prefix
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def test_the_hit_past_the_limit_is_refused_and_the_count_expires_with_its_window(redis_rate_limits):
    server, prefix = redis_rate_limits
    answers = [rate_limited("cart:ip:192.0.2.1", limit=3, window=30) for _ in range(5)]
    assert answers == [False, False, False, True, True]
    key = f"{prefix}:1:ratelimit:cart:ip:192.0.2.1"
    assert 0 < server.ttl(key) <= 30  # the window is set once, by the first hit
    assert caches["ratelimit"].get("ratelimit:cart:ip:192.0.2.1") == 5  # stored as Django stores an int


def test_each_client_has_its_own_count(redis_rate_limits):
    for _ in range(3):
        rate_limited("cart:ip:192.0.2.1", limit=2, window=30)
    assert rate_limited("cart:ip:192.0.2.1", limit=2, window=30) is True
    assert rate_limited("cart:ip:192.0.2.2", limit=2, window=30) is False


def test_a_count_that_expired_starts_again_at_one(redis_rate_limits):
    server, prefix = redis_rate_limits
    for _ in range(3):
        rate_limited("order:ip:192.0.2.1", limit=2, window=30)
    server.delete(f"{prefix}:1:ratelimit:order:ip:192.0.2.1")  # what the window's end does
    assert rate_limited("order:ip:192.0.2.1", limit=2, window=30) is False


def test_the_counting_client_is_made_once_and_reused(redis_rate_limits):
    from core.http import _redis_client

    cache = caches["ratelimit"]
    assert _redis_client(cache) is _redis_client(cache)  # Django's own get_client makes a new one per call
    assert [rate_limited("cart:ip:192.0.2.9", limit=1, window=30) for _ in range(2)] == [False, True]
