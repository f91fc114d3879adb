"""How much Redis memory the page cache uses: per entry, and under a flood of junk query strings.

    .venv/bin/python tests/perf/pagecache_size.py [--junk 300] [--redis redis://127.0.0.1:6379/13]

Seeds the 48-product demo catalog into a SQLite file under var/ (kept between runs), points the
default cache at Redis under a key prefix of its own (nothing else in that database is read,
written or flushed), fetches each catalog page once as a guest without a session (a miss, which
stores the page) and prints, per page, the body the browser gets and what Redis holds for it
(the stored value's length, and `MEMORY USAGE` of its key: value, key and Redis's own
overhead, in the allocator's size classes). Then it asks for the home page
with `--junk` random `?x=` parameters and prints how many entries and bytes that added. Its keys
are deleted at the end. Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--junk", type=int, default=300)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    (ROOT / "var").mkdir(exist_ok=True)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'pagecache-size.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "pagecache-size-media"),
        "REDIS_URL": args.redis,
        "REDIS_CACHE_URL": args.redis,
        "SHOP_PAGE_CACHE_SECONDS": "60",
        "STRIPE_SECRET_KEY": "",
        "DJANGO_LOG_LEVEL": "WARNING",
    })
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from storefront.models import Category, Product

    prefix = f"pagecache-size-{secrets.token_hex(4)}"
    settings.CACHES["default"]["KEY_PREFIX"] = prefix  # before the cache is first used
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet=True)
    server = redis.Redis.from_url(args.redis)

    def keys() -> list[bytes]:
        """The cached pages and fragments (not the catalog version or the budget's count)."""
        return [k for k in server.scan_iter(match=f"{prefix}:*", count=1000)
                if b":pagecache:" in k and b":pagecache:version" not in k and b":pagecache:budget:" not in k]

    def used(names: list[bytes]) -> int:
        return sum(server.memory_usage(k) or 0 for k in names)

    def stored(names: list[bytes]) -> int:
        return sum(server.strlen(k) for k in names)

    category = Category.objects.filter(parent__isnull=False).first() or Category.objects.first()
    product = Product.objects.visible().order_by("id").first()
    pages = {
        "home": "/",
        "category": category.get_absolute_url(),
        "category, sorted and filtered": category.get_absolute_url() + "?sort=price&in_stock=1",
        "product": product.get_absolute_url(),
        "search": "/search/?q=mug",
        "suggestions (htmx)": "/search/suggest/?q=mug",
    }
    print(f"{'page':<32} {'body bytes':>10} {'value bytes':>11} {'MEMORY USAGE':>12}")
    for name, url in pages.items():
        before = set(keys())
        headers = {"HTTP_HX_REQUEST": "true"} if "htmx" in name else {}
        response = Client().get(url, **headers)
        added = [k for k in keys() if k not in before]
        print(f"{name:<32} {len(response.content):>10,} {stored(added):>11,} {used(added):>12,}"
              f"   {response.get('X-Page-Cache', '-')}")

    before = keys()
    before_bytes = used(before)
    for _ in range(args.junk):
        Client().get(f"/?x={secrets.token_hex(8)}")
    after = keys()
    print(f"\n{args.junk} junk URLs (/?x=<random>): {len(after) - len(before)} new entries, "
          f"{used(after) - before_bytes:+,} bytes in Redis")
    for k in server.scan_iter(match=f"{prefix}:*", count=1000):
        server.delete(k)


if __name__ == "__main__":
    main()
