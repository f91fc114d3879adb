"""A Redis cache that fails open: when Redis is down, pages still render.

Reads miss, writes are dropped, and a warning is logged. So only what can be
rebuilt from the database goes here (pages, the category tree, the catalog
version); a dropped write or delete must cost no more than a stale copy for its
timeout. State never does: sessions live in the database (shop/settings.py,
refused otherwise by shop.checks.session_store), and rate limits use the
"ratelimit" alias, a plain Redis cache whose errors make them fail safe.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 10:  # at most one line every ten seconds per process
        _last_warning = now
        logger.warning("Cache unavailable (%s: %s); serving without it", operation, error)


def _fail_open(name: str, default_factory):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), name)(*args, **kwargs)
        except RedisError as error:
            _warn(name, error)
            return default_factory(*args, **kwargs)

    method.__name__ = name
    return method


class ReusingRedisCacheClient(RedisCacheClient):
    """One redis.Redis client per connection pool, reused, instead of a new client on
    every cache call (Django's default; clients are thread-safe). The page cache and
    sessions make several cache calls per request, so this is measurable under load."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_shop_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient  # the client class Django's RedisCache builds

    get = _fail_open("get", lambda key, default=None, version=None: default)
    get_many = _fail_open("get_many", lambda keys, version=None: {})
    has_key = _fail_open("has_key", lambda key, version=None: False)
    set = _fail_open("set", lambda *a, **k: None)
    set_many = _fail_open("set_many", lambda data, *a, **k: list(data))
    add = _fail_open("add", lambda *a, **k: False)
    touch = _fail_open("touch", lambda *a, **k: False)
    delete = _fail_open("delete", lambda *a, **k: False)
    delete_many = _fail_open("delete_many", lambda *a, **k: None)
    clear = _fail_open("clear", lambda *a, **k: None)

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            self.add(key, value, timeout=timeout, version=version)
        return value

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _warn("incr", error)
            raise ValueError("Key not available while the cache is down") from error
