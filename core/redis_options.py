"""The options every Redis client of the shop is made with (the caches, huey, the health view).

Heroku Redis hands out `rediss://` URLs (TLS) whose server certificate is self-signed, so a client that
verifies it is refused ("certificate verify failed"). The connection is still encrypted; what is skipped
is proving the server's identity. A plain `redis://` URL is left as it is.
"""

from urllib.parse import urlsplit

import redis


def redis_options(url: str, **options) -> dict:
    """`options` for a client of `url`, plus `ssl_cert_reqs=None` when the URL is rediss:// (no certificate check)."""
    if urlsplit(url).scheme == "rediss":
        return options | {"ssl_cert_reqs": None}
    return options


def redis_pool(url: str, **options) -> redis.ConnectionPool:
    """A connection pool for `url` made with `redis_options`: huey ignores options given beside a URL,
    so it is handed a pool instead."""
    return redis.ConnectionPool.from_url(url, **redis_options(url, **options))
