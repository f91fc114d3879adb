"""Load test: the shop under gunicorn on PostgreSQL with the 10,000-product catalog.

    .venv/bin/python tests/perf/load.py [--requests 2000] [--seconds 20] [--concurrency 16] [--reseed]
        [--page-cache-seconds 60] [--only "category;product, signed in"] [--accept-encoding ""]

What it does, all on 127.0.0.1:

1. Creates the database `shop_perf` (PostgreSQL at 127.0.0.1:5432, user postgres) if it
   is missing, migrates it and seeds `seed_demo --products 10000` (kept between runs;
   --reseed starts again). Pictures go to var/perf-media, static files to var/perf-static.
2. Serves the shop with gunicorn (production settings: DEBUG off, Redis cache, sessions
   in PostgreSQL, whitenoise) and, on a second port, the "floor": a one-line Django view
   (tests/perf/floor_wsgi.py) with the very same settings and middleware.
3. From this process (a separate process from gunicorn's), drives each page with
   `--concurrency` connections until `--requests` responses or `--seconds` have passed,
   after a short warm-up, and reports requests/s, p50 and p99 latency, each as a ratio
   to the floor measured in the same run, beside that page: floor and page alternately in
   `--slices` slices (default 3), each ratio the median of the slices' (runs before 2026-12-03
   21:40 measured the floor once just before each page; --no-floor-beside: to the one floor
   measured first, as runs before 2026-12-03 19:20 did). Catalog pages are driven three times: by guests
   without a session, by guests who first put a product in their cart ("with a cart"), and
   by signed-in shoppers ("signed in": each connection is one of 64 shoppers with a saved
   wishlist and a cart, signed in through a real session row).
   Cart changes and orders are limited per client address (SHOP_CART_RATE_LIMIT); every
   connection here comes from 127.0.0.1, so the limits are raised for the run.
   Every request says `Accept-Encoding: gzip, deflate, br`, as every browser does, so pages come
   compressed where the shop compresses them (shop/compression.py); `--accept-encoding ""` asks
   without it, as runs before 2026-12-03 18:40 did (their tables say so). The "KB" column is the
   mean size of a response's body as sent.

Results: a table on stdout and tests/perf/results/load-<timestamp>.json (git-ignored).
Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
RESULTS = Path(__file__).resolve().parent / "results"
DB_NAME = "shop_perf"
SHOP_PORT, FLOOR_PORT = 8701, 8702


def server_env(db_name: str = DB_NAME) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "perf-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        "REDIS_URL": os.environ.get("PERF_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "EMAIL_URL": "consolemail://",
        "SHOP_ALLOW_LOCAL_EMAIL": "true",
        "STRIPE_SECRET_KEY": "sk_test_perf", "STRIPE_PUBLISHABLE_KEY": "pk_test_perf",
        "STRIPE_WEBHOOK_SECRET": "whsec_perf",
        "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "perf-media"),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "perf-static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "SHOP_CART_RATE_LIMIT": "1000000", "SHOP_ORDER_RATE_LIMIT": "1000000",  # one client address here
        "PYTHONPATH": str(ROOT),
    })
    return env


def run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def prepare(reseed: bool, db_name: str = DB_NAME) -> None:
    """Create (or with `reseed`, re-create) `db_name`, migrate it, seed 10,000 products, VACUUM ANALYZE.
    tests/perf/render.py prepares its own database with this too."""
    env = server_env(db_name)
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname='{db_name}'"],
        capture_output=True, text=True,
    ).stdout.strip() == "1"
    if exists and reseed:
        run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", db_name])
        exists = False
    if not exists:
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db_name])
    run([PY, "manage.py", "migrate", "--noinput"], env)
    started = time.monotonic()
    out = run([PY, "manage.py", "seed_demo", "--products", "10000"], env)
    print(out.strip().splitlines()[0], f"[{time.monotonic() - started:.1f}s]")
    # Statistics for the planner, as autovacuum would gather them soon after a bulk load.
    run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db_name, "-qc", "VACUUM ANALYZE"])


def collect_static() -> None:
    """Static files as production serves them, and a cold cache, as after a deploy."""
    env = server_env()
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    redis = env["REDIS_URL"].rsplit("/", 1)
    run(["redis-cli", "-n", redis[1], "FLUSHDB"])


def gunicorn(app: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
           "--keep-alive", "5", "--log-level", "warning", "--timeout", "30"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(), start_new_session=True)
    for _ in range(100):
        try:
            asyncio.run(fetch_once(port, "/health/" if app.startswith("shop") else "/floor/"))
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"gunicorn {app} did not start")


async def fetch_once(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data.split(b" ", 2)[1])


# --------------------------------------------------------------------------
# A small keep-alive HTTP/1.1 client
# --------------------------------------------------------------------------


ACCEPT_ENCODING = "gzip, deflate, br"  # what Chromium and Firefox send; --accept-encoding changes it


@dataclass
class Connection:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes = b"", decode: bool = False) -> tuple[int, bytes]:
        """(status, body as sent); with `decode`, a gzipped body is decompressed (to read a token from it)."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
            if ACCEPT_ENCODING:
                lines.append(f"Accept-Encoding: {ACCEPT_ENCODING}")
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            for k, v in (headers or {}).items():
                lines.append(f"{k}: {v}")
            if body:
                lines.append(f"Content-Length: {len(body)}")
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            try:
                await self.writer.drain()
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
                continue
            status = int(head.split(b" ", 2)[1])
            length, close, gzipped = 0, False, False
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                name, value = name.strip().lower(), value.strip()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.lower() == "close":
                    close = True
                elif name == "content-encoding" and value.lower() == "gzip":
                    gzipped = True
                elif name == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            payload = await self.reader.readexactly(length) if length else b""
            if close:
                self.close()
            return status, gzip.decompress(payload) if decode and gzipped else payload
        raise ConnectionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Scenario:
    name: str
    port: int
    paths: list[str]
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    add_to_cart: list[int] = field(default_factory=list)
    with_cart: int = 0  # a variant id: each connection first puts it in its cart (a session), then browses
    sessions: list[str] = field(default_factory=list)  # signed-in session keys, one per connection


def _sliced(slices: list[tuple[dict, dict]]) -> dict:
    """A page measured in alternating slices with the floor: the page's requests and errors summed, its rate and
    latencies the median of its slices', the floor's likewise, and each ratio the median of the slices' ratios
    (a slice's ratio compares the page with the floor of the same few seconds)."""
    def median(values):
        return round(statistics.median(values), 1)

    pages, floors = [p for _, p in slices], [f for f, _ in slices]
    summary = {"requests": sum(p["requests"] for p in pages), "errors": sum(p["errors"] for p in pages),
               "seconds": round(sum(p["seconds"] for p in pages), 2), "kb": pages[0]["kb"]}
    summary |= {key: median(p[key] for p in pages) for key in ("rps", "p50_ms", "p99_ms")}
    summary["floor"] = {key: median(f[key] for f in floors) for key in ("rps", "p50_ms", "p99_ms")}
    summary["ratios"] = {key: statistics.median(p[key] / f[key] for f, p in slices)
                         for key in ("rps", "p50_ms", "p99_ms")}
    summary["slices"] = [{"floor_rps": f["rps"], "rps": p["rps"]} for f, p in slices]
    return summary


async def drive(s: Scenario, concurrency: int, max_requests: int, max_seconds: float, warmup: float) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = 0
    received = 0
    stop_at = 0.0

    async def user(index: int, measuring: list[bool]):
        nonlocal errors, counter, received
        conn = Connection(s.port)
        if s.sessions:  # a signed-in shopper
            conn.cookies["sessionid"] = s.sessions[index % len(s.sessions)]
        token = ""
        if s.add_to_cart or s.with_cart:  # a shopper with a session and a CSRF token, as a browser has
            _, page = await conn.request("GET", "/" if s.with_cart else s.paths[0], decode=True)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        if s.with_cart and "sessionid" not in conn.cookies:
            status, _ = await conn.request("POST", "/cart/add/", {
                "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token,
                "Referer": "http://127.0.0.1/",
            }, f"variant={s.with_cart}&quantity=1&csrfmiddlewaretoken={token}".encode())
            if "sessionid" not in conn.cookies:
                raise SystemExit(f"add to cart for {s.name!r} set no session cookie (status {status})")
        i = index
        while True:
            if measuring[0] and (counter >= max_requests or time.perf_counter() >= stop_at):
                break
            if not measuring[0] and time.perf_counter() >= stop_at:
                break
            i += 1
            t0 = time.perf_counter()
            if s.add_to_cart:
                variant = s.add_to_cart[i % len(s.add_to_cart)]
                body = f"variant={variant}&quantity=1&csrfmiddlewaretoken={token}".encode()
                status, payload = await conn.request("POST", "/cart/add/", {
                    "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                    "X-CSRFToken": token, "Referer": "http://127.0.0.1/",
                }, body)
                if i % 8 == 0 and not s.sessions:  # keep the cart below the per-line cap: a new session now and then
                    conn.cookies.pop("sessionid", None)
            else:
                status, payload = await conn.request(s.method, s.paths[i % len(s.paths)], s.headers)
            elapsed = time.perf_counter() - t0
            if measuring[0]:
                counter += 1
                received += len(payload)
                latencies.append(elapsed)
                if status != 200:
                    errors += 1
        conn.close()

    measuring = [False]
    stop_at = time.perf_counter() + warmup
    await asyncio.gather(*(user(n, measuring) for n in range(concurrency)))
    measuring[0] = True
    started = time.perf_counter()
    stop_at = started + max_seconds
    await asyncio.gather(*(user(n * 7, measuring) for n in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"requests": len(latencies), "errors": errors, "seconds": round(wall, 2),
            "rps": round(len(latencies) / wall, 1), "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "kb": round(received / max(len(latencies), 1) / 1024, 1)}


def pick_urls() -> dict:
    """Real slugs and variant ids from the perf database."""
    env = server_env()
    code = """
import json, django
django.setup()
from storefront.models import Product, Variant, Category
products = list(Product.objects.filter(rating_count__gt=0).order_by('id').values_list('slug', flat=True)[:50])
variants = list(Variant.objects.filter(stock__gt=20, product__active=True).order_by('id').values_list('id', flat=True)[:50])
cats = list(Category.objects.values_list('slug', flat=True))
# 64 signed-in shoppers, each with a real session row, a wishlist of 3 products and 1 item in the cart.
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from checkout.models import Cart, CartLine
from storefront.models import WishlistItem
User = get_user_model()
sessions = []
ids = list(Product.objects.filter(active=True).order_by('id').values_list('id', flat=True)[:300])
for n in range(64):
    user, _ = User.objects.get_or_create(email=f'perf{n}@example.com')
    for pid in ids[n % 100::100][:3]:
        WishlistItem.objects.get_or_create(user=user, product_id=pid)
    cart, _ = Cart.objects.get_or_create(user=user)
    CartLine.objects.filter(cart=cart).delete()  # earlier runs' add-to-cart grew it: every run starts with one line
    CartLine.objects.create(cart=cart, variant_id=variants[n % len(variants)], quantity=1)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps({'products': products, 'variants': variants, 'categories': cats, 'sessions': sessions}))
"""
    out = run([PY, "-c", code], env | {"DJANGO_SETTINGS_MODULE": "shop.settings"})
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    global ACCEPT_ENCODING
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="responses measured per page (at most)")
    parser.add_argument("--seconds", type=float, default=20, help="time limit per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per page, not measured")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reseed", action="store_true", help="drop and re-create the perf database")
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument("--page-cache-seconds", type=int, default=60,
                        help="SHOP_PAGE_CACHE_SECONDS for the shop (0 turns the page cache off)")
    parser.add_argument("--only", default="", help="scenario names to run, separated by semicolons (the floor always runs)")
    parser.add_argument("--floor-beside", action=argparse.BooleanOptionalAction, default=True,
                        help="measure the floor again beside every page and take that page's ratios to it "
                             "(default; --no-floor-beside: every ratio to the one floor measured first)")
    parser.add_argument("--slices", type=int, default=3,
                        help="with the floor beside: measure floor and page alternately this many times, each for "
                             "a share of --requests and --seconds, and report the median of the slices")
    parser.add_argument("--accept-encoding", default=ACCEPT_ENCODING,
                        help=f"the Accept-Encoding every request sends (default {ACCEPT_ENCODING!r}, as browsers; '' for none)")
    args = parser.parse_args()
    ACCEPT_ENCODING = args.accept_encoding

    if not args.skip_prepare:
        prepare(args.reseed)
    collect_static()
    os.environ["SHOP_PAGE_CACHE_SECONDS"] = str(args.page_cache_seconds)  # read by server_env()
    data = pick_urls()
    shop = gunicorn("shop.wsgi:application", SHOP_PORT, args.workers, args.threads)
    floor = gunicorn("tests.perf.floor_wsgi:application", FLOOR_PORT, args.workers, args.threads)
    categories = [f"/c/{c}/" for c in data["categories"]] + [f"/c/{c}/?sort=price&in_stock=1" for c in data["categories"][:4]]
    products = [f"/p/{slug}/" for slug in data["products"]]
    words = ["mug", "linen", "tee", "candle", "notebook", "lantern", "coffee", "wool", "tshrit", "bottle"]
    scenarios = [
        Scenario("floor (one-line view)", FLOOR_PORT, ["/floor/"]),
        # Visitors without a session (no cart, not signed in): what the page cache serves.
        Scenario("home", SHOP_PORT, ["/"]),
        Scenario("category", SHOP_PORT, categories),
        Scenario("search", SHOP_PORT, [f"/search/?q={w}" for w in words]),
        Scenario("product", SHOP_PORT, products),
        Scenario("suggestions", SHOP_PORT, [f"/search/suggest/?q={w[:3]}" for w in words], headers={"HX-Request": "true"}),
        Scenario("add to cart", SHOP_PORT, [f"/p/{data['products'][0]}/"], method="POST", add_to_cart=data["variants"]),
        # Shoppers with a cart in their session: always rendered.
        Scenario("home, with a cart", SHOP_PORT, ["/"], with_cart=data["variants"][0]),
        Scenario("category, with a cart", SHOP_PORT, categories, with_cart=data["variants"][0]),
        Scenario("search, with a cart", SHOP_PORT, [f"/search/?q={w}" for w in words], with_cart=data["variants"][0]),
        Scenario("product, with a cart", SHOP_PORT, products, with_cart=data["variants"][0]),
        Scenario("suggestions, with a cart", SHOP_PORT, [f"/search/suggest/?q={w[:3]}" for w in words],
                 headers={"HX-Request": "true"}, with_cart=data["variants"][0]),
        Scenario("cart, with a cart", SHOP_PORT, ["/cart/"], with_cart=data["variants"][0]),
        Scenario("add to cart, with a cart", SHOP_PORT, [f"/p/{data['products'][0]}/"], method="POST",
                 add_to_cart=data["variants"], with_cart=data["variants"][0]),
        # Signed-in shoppers.
        Scenario("home, signed in", SHOP_PORT, ["/"], sessions=data["sessions"]),
        Scenario("category, signed in", SHOP_PORT, categories, sessions=data["sessions"]),
        Scenario("search, signed in", SHOP_PORT, [f"/search/?q={w}" for w in words], sessions=data["sessions"]),
        Scenario("product, signed in", SHOP_PORT, products, sessions=data["sessions"]),
        Scenario("cart, signed in", SHOP_PORT, ["/cart/"], sessions=data["sessions"]),
        Scenario("add to cart, signed in", SHOP_PORT, [f"/p/{data['products'][0]}/"], method="POST",
                 add_to_cart=data["variants"], sessions=data["sessions"]),
    ]
    if args.only:
        wanted = {n.strip() for n in args.only.split(";")}
        scenarios = [s for s in scenarios if s.port == FLOOR_PORT or s.name in wanted]
    results = {}
    floor_scenario = scenarios[0]
    try:
        for s in scenarios:
            if s is floor_scenario or not args.floor_beside:
                results[s.name] = asyncio.run(drive(s, args.concurrency, args.requests, args.seconds, args.warmup))
            else:
                # The floor again, beside this page, in `--slices` alternating slices (floor, page, floor, page …):
                # on a shared machine the speed drifts within a run, even within a minute, and a ratio to a floor
                # measured earlier would carry that drift. The page's ratio is the median of its slices' ratios.
                slices = []
                for k in range(args.slices):
                    share = (max(1, args.requests // args.slices), args.seconds / args.slices,
                             args.warmup if k == 0 else min(args.warmup, 0.5))
                    beside = asyncio.run(drive(floor_scenario, args.concurrency, *share))
                    slices.append((beside, asyncio.run(drive(s, args.concurrency, *share))))
                results[s.name] = _sliced(slices)
            print(f"  {s.name:<22} {results[s.name]}", flush=True)
    finally:
        for proc in (shop, floor):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)

    floor_r = results["floor (one-line view)"]
    rows = ["| page | requests | errors | req/s | p50 ms | p99 ms | KB | req/s ÷ floor | p50 ÷ floor | p99 ÷ floor |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in results.items():
        f = r.get("floor", floor_r)  # the floor measured beside this page (or the run's first)
        ratios = r.get("ratios", {"rps": r["rps"] / f["rps"], "p50_ms": r["p50_ms"] / f["p50_ms"],
                                  "p99_ms": r["p99_ms"] / f["p99_ms"]})
        rows.append(f"| {name} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | "
                    f"{r['kb']} | {ratios['rps']:.2f} | {ratios['p50_ms']:.1f} | {ratios['p99_ms']:.1f} |")
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        machine = f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    except (OSError, StopIteration):
        pass
    header = (f"Machine: {machine}. gunicorn gthread {args.workers} workers × {args.threads} threads, "
              f"{args.concurrency} connections, ≤{args.requests} requests or {args.seconds:.0f} s per page "
              f"after {args.warmup:.0f} s warm-up; client in a separate process on 127.0.0.1; "
              f"SHOP_PAGE_CACHE_SECONDS={args.page_cache_seconds}; Accept-Encoding: {ACCEPT_ENCODING or '(none)'}; "
              "ratios to " + (f"the floor measured beside each page, in {args.slices} alternating slices "
                              "(each figure the median of the slices')" if args.floor_beside else "the first floor")
              + ".")
    print("\n" + header + "\n\n" + "\n".join(rows))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": header, "results": results}, indent=2))
    print(f"\nSaved {out.relative_to(ROOT)}")
    failed = [n for n, r in results.items() if r["errors"]]
    if failed:
        sys.exit(f"errors on: {', '.join(failed)}")


if __name__ == "__main__":
    main()
