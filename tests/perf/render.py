"""Server time of rendered catalog pages, in-process, on PostgreSQL with the 10,000-product catalog.

    .venv/bin/python tests/perf/render.py [--prepare] [--reseed] [--requests 40] [--warmup 5] [--runs 3]
        [--only "category,product"] [--db shop_listing_perf] [--page-cache 60]
        [--profile URL|add-to-cart [--signed-in]]

What it does:

1. With --prepare (or --reseed), creates, migrates and seeds the database `--db` with
   `seed_demo --products 10000` and VACUUM ANALYZE, with tests/perf/load.py's `prepare`;
   without it, only migrates (so a branch's new migrations run on the seeded rows). Either way
   it runs VACUUM ANALYZE (as autovacuum would after a migration's bulk update) and collects the
   static files (the pages link to their hashed names).
2. Loads Django in this process with load.py's production settings (DEBUG off, so templates
   are cached; Redis cache on `--redis-url`, sessions in the database) and the page cache off
   (SHOP_PAGE_CACHE_SECONDS=0): every page is rendered. With `--page-cache 60` it is on, and
   the catalog pages measured after the warm-up are page-cache hits.
3. Sends each page through the real middleware stack with Django's test Client (no network,
   no server), for a guest without a session and for a signed-in shopper with a cart and a
   wishlist, `--warmup` times unmeasured and then `--requests` times, and reports the median
   of each figure: total server time, time in SQL (connection.execute_wrapper: the driver's
   execute), time rendering templates less the SQL run inside them, the rest (middleware,
   views, forms), this process's CPU time (steadier than the wall clock on a shared machine),
   the query count, and the page's size as HTML and on the wire (Accept-Encoding: gzip).
   The cart path: the cart page with three lines (a guest's put in through the add-to-cart
   form first) and add-to-cart as htmx posts it, a new line each time (a guest with a cart).
   With `--page-cache 60` the cart page's lines come from the cart cache after the warm-up
   (checkout/views/cart_cache.py, which lives as long as cached pages); with 0 they are priced
   and rendered every time.

With --runs N the whole measurement is repeated N times; the table then shows the median of
the per-run medians, and the per-run figures are in the JSON file
(tests/perf/results/render-<timestamp>.json, git-ignored). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.perf.load import PY, RESULTS, prepare, server_env  # noqa: E402

DB_NAME = "shop_listing_perf"
# What a page is asked for with, as a browser asks (compressed if allowed); --plain: none, as tests/perf/load.py asks.
ACCEPT_ENCODING = "gzip, deflate, br"
SHOPPER_EMAIL = "render-bench@example.com"


def django_setup(db_name: str, redis_url: str, page_cache_seconds: int = 0) -> None:
    env = server_env(db_name) | {"REDIS_URL": redis_url, "SHOP_PAGE_CACHE_SECONDS": str(page_cache_seconds),
                                 "DJANGO_SECURE_COOKIES": "false"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # Statistics and the visibility map, as autovacuum keeps them after a migration's bulk update.
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db_name, "-qc", "VACUUM ANALYZE"], check=True)
    # Hashed static files as production serves them (the pages link to them).
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    import django

    django.setup()


class Meter:
    """Per request: SQL time and count (execute_wrapper) and template time (the outermost
    `render` of Django's template backend), the SQL run inside templates counted once, as SQL."""

    def __init__(self) -> None:
        self.reset()
        self._depth = 0

    def reset(self) -> None:
        self.sql = self.template = self.sql_in_template = 0.0
        self.queries = 0

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            self.queries += 1
            if self._depth:
                self.sql_in_template += spent

    @contextmanager
    def installed(self):
        from django.db import connection
        from django.template.backends.django import Template

        original = Template.render
        meter = self

        def render(template, context=None, request=None):
            meter._depth += 1
            started = time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                meter._depth -= 1
                if not meter._depth:
                    meter.template += time.perf_counter() - started

        Template.render = render
        try:
            with connection.execute_wrapper(self.execute):
                yield
        finally:
            Template.render = original


def pick_pages() -> dict[str, str]:
    from django.db.models import Count

    from storefront.models import Product

    def product(**filters) -> str:
        return Product.objects.filter(active=True, **filters).order_by("id").values_list("slug", flat=True).first()

    many_variants = (
        Product.objects.filter(active=True, rating_count__gte=4)
        .annotate(n=Count("variants")).filter(n__gte=4)
        .order_by("id").values_list("slug", flat=True).first()
    )
    return {
        # The floor: a one-screen view with no query and no template, behind the same middleware.
        "floor: /robots.txt": "/robots.txt",
        "category /c/kitchen/": "/c/kitchen/",
        "category ?sort=price": "/c/kitchen/?sort=price",
        "category ?sort=-price&in_stock=1": "/c/kitchen/?sort=-price&in_stock=1",
        "category ?sort=rating&rating=4": "/c/kitchen/?sort=rating&rating=4",
        "category ?min_price=10&max_price=40": "/c/home/?min_price=10&max_price=40",
        "category page 3": "/c/outdoors/?page=3",
        "search ?q=mug": "/search/?q=mug",
        "search ?q=linen&sort=price": "/search/?q=linen&sort=price",
        "search ?q=tshrit (typo)": "/search/?q=tshrit",
        "product (one variant)": f"/p/{product(rating_count__gte=3, variants__stock__gt=0)}/",
        "product (many variants)": f"/p/{many_variants}/",
        # The cart path: the visitor's cart holds CART_LINES lines (a guest gets them first).
        "cart (3 lines)": "/cart/",
        "add to cart (htmx)": "POST /cart/add/",
    }


def shopper_client():
    """A signed-in shopper with three products on the wishlist and two in the cart."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from storefront.models import Product, Variant, WishlistItem

    user, _ = get_user_model().objects.get_or_create(email=SHOPPER_EMAIL, defaults={"full_name": "Render Bench"})
    for p in Product.objects.filter(category__slug="kitchen").order_by("-created")[:3]:
        WishlistItem.objects.get_or_create(user=user, product=p)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for v in Variant.objects.filter(stock__gt=5, active=True).order_by("id")[:2]:
        client.post("/cart/add/", {"variant": v.pk, "quantity": 1})
    return client


CART_LINES = 3
FORM = "application/x-www-form-urlencoded"  # as htmx posts a form (the test Client's default is multipart)


def cart_variants(count: int, offset: int = 0) -> list[int]:
    """Variants with plenty of stock, in a fixed order: the carts' lines and what add-to-cart adds."""
    from storefront.models import Variant

    ids = Variant.objects.filter(stock__gt=50, active=True, product__active=True).order_by("id")
    return list(ids.values_list("id", flat=True)[offset:offset + count])


def with_cart(client, signed_in: bool):
    """The visitor's cart set to CART_LINES lines of one each (a guest's through the add-to-cart form)."""
    from checkout.models import Cart, CartLine

    lines = cart_variants(CART_LINES)
    if signed_in:
        cart, _ = Cart.objects.get_or_create(user_id=client.session["_auth_user_id"])
        CartLine.objects.filter(cart=cart).delete()
        CartLine.objects.bulk_create(CartLine(cart=cart, variant_id=v, quantity=1) for v in lines)
    else:
        for variant in lines:
            client.post("/cart/add/", {"variant": variant, "quantity": 1})
    return client


def measure(client, meter: Meter, url: str, requests: int, warmup: int) -> dict:
    samples = []
    method, _, path = url.rpartition(" ")
    adding = cart_variants(warmup + requests, offset=CART_LINES) if method == "POST" else []
    for i in range(warmup + requests):
        meter.reset()
        with meter.installed():
            started, cpu_started = time.perf_counter(), time.process_time()
            if adding:  # a new line each time (htmx), so no line reaches its cap
                response = client.post(path, f"variant={adding[i]}&quantity=1", content_type=FORM,
                                       HTTP_HX_REQUEST="true", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
            else:
                response = client.get(path, HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)
            total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        assert response.status_code == 200, (url, response.status_code)
        if i >= warmup:
            samples.append({
                "total": total, "sql": meter.sql, "template": meter.template - meter.sql_in_template,
                "queries": meter.queries, "cpu": cpu,
            })
    wire = response.content
    html = gzip.decompress(wire) if response.get("Content-Encoding") == "gzip" else wire
    result = {key: statistics.median(s[key] for s in samples) * (1 if key == "queries" else 1000)
              for key in ("total", "sql", "template", "queries", "cpu")}
    result["other"] = result["total"] - result["sql"] - result["template"]
    result["html_kb"] = len(html) / 1024
    result["wire_kb"] = len(wire) / 1024
    result["gzip_kb"] = len(gzip.compress(html, 6)) / 1024  # what compression would make of it
    return result


def one_run(pages: dict[str, str], requests: int, warmup: int) -> dict:
    from django.test import Client

    meter = Meter()
    visitors = {"guest": lambda: Client(HTTP_HOST="127.0.0.1"), "signed-in": shopper_client}
    results = {}
    for visitor, make in visitors.items():
        for name, url in pages.items():
            client = make()  # a guest without a session for every page, as the page cache would see one
            if "cart" in name:
                client = with_cart(client, signed_in=visitor == "signed-in")
            results[f"{name} | {visitor}"] = measure(client, meter, url, requests, warmup)
            r = results[f"{name} | {visitor}"]
            print(f"  {visitor:<9} {name:<38} {r['total']:6.1f} ms  sql {r['sql']:5.1f}  "
                  f"tpl {r['template']:5.1f}  other {r['other']:5.1f}  cpu {r['cpu']:5.1f}  q {r['queries']:.0f}  "
                  f"{r['html_kb']:.1f} KB html, {r['wire_kb']:.1f} KB wire", flush=True)
    return results


def profile(url: str, signed_in: bool, requests: int) -> None:
    """cProfile of `requests` renders of one page, after a warm-up: where the Python time goes.
    `/cart/` is profiled with the benchmark's three lines in the cart; `add-to-cart` profiles add-to-cart as
    htmx posts it (a visitor with a cart, a new line each time), as the benchmark measures it."""
    import cProfile
    import pstats

    from django.test import Client

    client = shopper_client() if signed_in else Client(HTTP_HOST="127.0.0.1")
    if url == "add-to-cart" or url.startswith("/cart/"):
        client = with_cart(client, signed_in=signed_in)
    if url == "add-to-cart":
        adding = iter(cart_variants(3 + requests, offset=CART_LINES))

        def request():
            response = client.post("/cart/add/", f"variant={next(adding)}&quantity=1", content_type=FORM,
                                   HTTP_HX_REQUEST="true")
            assert response.status_code == 200, response.status_code
    else:
        def request():
            client.get(url, HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)
    for _ in range(3):  # with --page-cache, the requests profiled are hits
        request()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        request()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", 45)))
    stats.sort_stats("tottime").print_stats(30)
    if os.environ.get("PROFILE_CALLERS"):  # e.g. PROFILE_CALLERS="__getattribute__": who calls it, and how often
        stats.print_callers(os.environ["PROFILE_CALLERS"])


def machine() -> str:
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or platform.machine()
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page and visitor")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole measurement; report medians")
    parser.add_argument("--prepare", action="store_true", help="create and seed the database if missing")
    parser.add_argument("--reseed", action="store_true", help="drop, re-create and seed the database")
    parser.add_argument("--db", default=DB_NAME)
    parser.add_argument("--redis-url", default=os.environ.get("PERF_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--only", default="", help="comma-separated words; pages whose name has one are run")
    parser.add_argument("--page-cache", type=int, default=0, metavar="SECONDS",
                        help="page cache on: catalog pages after the warm-up are hits (default 0: every page rendered)")
    parser.add_argument("--profile", default="", metavar="URL",
                        help="print a cProfile of this page (or add-to-cart) instead")
    parser.add_argument("--signed-in", action="store_true", help="with --profile: as the signed-in shopper")
    parser.add_argument("--plain", action="store_true",
                        help="GET pages without Accept-Encoding (as tests/perf/load.py does): nothing is gzipped")
    args = parser.parse_args()
    if args.plain:
        global ACCEPT_ENCODING
        ACCEPT_ENCODING = ""

    if args.prepare or args.reseed:
        prepare(args.reseed, args.db)
    django_setup(args.db, args.redis_url, args.page_cache)
    if args.profile:
        profile(args.profile, args.signed_in, args.requests)
        return
    pages = pick_pages()
    if args.only:
        words = [w.strip() for w in args.only.split(",") if w.strip()]
        pages = {k: v for k, v in pages.items() if any(w in k for w in words)}
    runs = []
    for n in range(args.runs):
        print(f"run {n + 1} of {args.runs}", flush=True)
        runs.append(one_run(pages, args.requests, args.warmup))

    rows = ["| page | visitor | total ms | SQL ms | templates ms | other ms | CPU ms | queries | HTML KB | wire KB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    summary = {}
    for key in runs[0]:
        med = {f: statistics.median(r[key][f] for r in runs) for f in runs[0][key]}
        summary[key] = med
        page, visitor = key.split(" | ")
        rows.append(f"| {page} | {visitor} | {med['total']:.1f} | {med['sql']:.1f} | {med['template']:.1f} | "
                    f"{med['other']:.1f} | {med['cpu']:.1f} | {med['queries']:.0f} | {med['html_kb']:.1f} | {med['wire_kb']:.1f} |")
    header = (f"Machine: {machine()}. In-process (Django test Client, the full middleware stack), PostgreSQL "
              f"database {args.db}, DEBUG off, SHOP_PAGE_CACHE_SECONDS={args.page_cache}; median of {args.requests} requests "
              f"after {args.warmup} warm-up, {'median of ' + str(args.runs) + ' runs' if args.runs > 1 else '1 run'}.")
    print("\n" + header + "\n\n" + "\n".join(rows))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"render-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": header, "pages": pages, "summary": summary, "runs": runs}, indent=2))
    print(f"\nSaved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
