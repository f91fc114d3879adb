"""Mixed-load reliability run: the whole stack under a realistic mix, then the books are checked.

    .venv/bin/python tests/perf/reliability_load.py [--seconds 300] [--users 12] [--workers 3]

All on 127.0.0.1, bounded in time and count:

1. A fresh PostgreSQL database `shop_reliability` is created, migrated and seeded
   (`seed_demo`, 48 products; a few variants get low stock so shoppers fight over them).
2. gunicorn serves the shop with production settings (DEBUG off, Redis cache, rate limits
   and task queue, sessions in PostgreSQL, whitenoise); a real huey consumer (`manage.py
   run_huey`) sends the emails through the outbox to a folder; the fake Stripe server (tests/fake_stripe.py)
   answers the real SDK and delivers signed webhooks back to gunicorn.
3. `--users` virtual shoppers browse (home, category, product, search), add to cart with
   htmx, open the cart and, one visit in four, check out and pay on the fake hosted page
   (whose "Pay" sends checkout.session.completed to the shop before redirecting to the
   success page). Every response is checked: any 5xx, or a status the flow does not
   expect, is an error. Each visit comes from its own client address (X-Forwarded-For behind
   SHOP_TRUST_X_FORWARDED_FOR, as on Heroku), so the per-client limits apply as in production
   (a hoarder's fourth order in a minute is refused).
   Hostile visitors are mixed in: one shopper in four hoards (places its cart's order
   several times over with fresh forms, each as a different order), and one page view in
   five carries junk query parameters (`?utm_source=…`, `?x=<random>`).
4. Afterwards: zero errors; zero oversell (for every variant, stock left plus units held
   by orders equals the stock at the start, and no stock is negative); every paid order
   has exactly one receipt in the outbox, and every receipt was sent once; no cart holds
   stock twice (at most one pending hold per visit); the page cache holds no more entries
   than there are distinct pages without the junk.

Prints a table and writes tests/perf/results/reliability-<timestamp>.json (git-ignored).
Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.fake_stripe import FakeStripe  # noqa: E402

PY = sys.executable
RESULTS = Path(__file__).resolve().parent / "results"
DB_NAME = "shop_reliability"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/13"
PORT = 8711


def env_for(stripe: FakeStripe, mail_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SHOP_", "STRIPE_", "EMAIL_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "reliability-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",  # plain HTTP on loopback
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"filemail://{mail_dir}",
        "SHOP_ALLOW_LOCAL_EMAIL": "true",
        "SHOP_BASE_URL": f"http://127.0.0.1:{PORT}",
        "SHOP_TRACKING_RATE_LIMIT": "1000",
        "SHOP_TRUST_X_FORWARDED_FOR": "true",  # each virtual shopper sends its own client address
        "STRIPE_SECRET_KEY": stripe.api_key,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_reliability",
        "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "STRIPE_API_BASE": stripe.base_url,
        "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "reliability-media"),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "reliability-static"),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict, *args: str, check=True) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def shell(env: dict, code: str) -> str:
    result = subprocess.run([PY, "-c", "import django; django.setup()\n" + code], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"shell failed:\n{result.stderr}")
    return result.stdout


def prepare(env: dict) -> dict:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"],
                   check=True, capture_output=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"],
                   check=True, capture_output=True)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "--quiet")
    # A few contested variants: little stock, so shoppers race for the last units.
    return json.loads(shell(env, """
import json
from storefront.models import Variant
contested = list(Variant.objects.filter(active=True, stock__gt=0, product__active=True).order_by("id")[:6])
for v in contested:
    Variant.objects.filter(pk=v.pk).update(stock=3)
stock = dict(Variant.objects.values_list("id", "stock"))
print(json.dumps({"stock": stock, "contested": [v.pk for v in contested]}))
"""))


def catalog(env: dict) -> dict:
    return json.loads(shell(env, """
import json
from storefront.models import Category, Product, Variant
print(json.dumps({
    "categories": [c.get_absolute_url() for c in Category.objects.all()],
    "products": [p.get_absolute_url() for p in Product.objects.filter(active=True)],
    "variants": list(Variant.objects.filter(active=True, product__active=True).values_list("id", flat=True)),
    "words": sorted({w.lower() for n in Product.objects.values_list("name", flat=True) for w in n.split() if len(w) > 3})[:60],
}))
"""))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.pages: set[str] = set()  # the distinct pages asked for, without their junk parameters
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.outcomes: dict[str, int] = defaultdict(int)

    def record(self, page: str, seconds: float) -> None:
        with self.lock:
            self.latency[page].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def outcome(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] += 1


def shopper(base: str, cat: dict, contested: list[int], stats: Stats, stop_at: float, seed: int) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    hoarder = seed % 4 == 0
    visit = 0

    def junk(url: str) -> str:
        with stats.lock:
            stats.pages.add(url)
        if rng.random() >= 0.2:
            return url
        stats.outcome("junk query")
        extra = rng.choice([f"utm_source=mail{rng.randrange(10**6)}", f"x={rng.randrange(10**9)}", "fbclid=abc"])
        return url + ("&" if "?" in url else "?") + extra

    def get(page: str, url: str, expect=(200,), allow_redirects=True):
        started = time.perf_counter()
        try:
            r = session.get(url if url.startswith("http") else base + url, timeout=30,
                            allow_redirects=allow_redirects)
        except requests.RequestException as exc:
            stats.error(f"{page}: {exc}")
            return None
        stats.record(page, time.perf_counter() - started)
        if r.status_code not in expect:
            stats.error(f"{page} {url}: HTTP {r.status_code}")
        return r

    def post(page: str, url: str, data: dict, expect=(200, 302, 303), headers=None, allow_redirects=False):
        started = time.perf_counter()
        try:
            r = session.post(url if url.startswith("http") else base + url, data=data, timeout=30,
                             headers=headers or {}, allow_redirects=allow_redirects)
        except requests.RequestException as exc:
            stats.error(f"{page}: {exc}")
            return None
        stats.record(page, time.perf_counter() - started)
        if r.status_code not in expect:
            stats.error(f"{page} {url}: HTTP {r.status_code}")
        return r

    while time.monotonic() < stop_at:
        visit += 1
        # Each visit is another shopper at their own address: these virtual shoppers have no think time,
        # so one address would be over a human's cart-change limit within seconds.
        session.headers["X-Forwarded-For"] = f"10.{seed % 250}.{visit // 250 % 250}.{visit % 250 + 1}"
        get("home", junk("/"))
        get("category", junk(rng.choice(cat["categories"])))
        get("product", junk(rng.choice(cat["products"])))
        get("search", junk(f"/search/?q={rng.choice(cat['words'])}"))
        variant = rng.choice(contested) if rng.random() < 0.3 else rng.choice(cat["variants"])
        token = session.cookies.get("csrftoken", "")
        r = post("add_to_cart", "/cart/add/", {"variant": variant, "quantity": "1"},
                 headers={"HX-Request": "true", "X-CSRFToken": token}, expect=(200,))
        if r is not None and "Added" in r.text:
            stats.outcome("added")
        get("cart", "/cart/")
        if rng.random() < 0.25:
            page = get("checkout_form", "/checkout/", expect=(200, 302), allow_redirects=False)
            if page is None or page.status_code != 200:
                stats.outcome("cart needed attention")
                session.cookies.clear()
                continue
            def place(page, n: int):
                form_token = re.search(r'name="checkout_token" value="([0-9a-f]+)"', page.text).group(1)
                csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
                # The shipping method the page offers for the US (the demo's zones); the first if none is chosen.
                method = re.search(r'name="shipping_method" value="(\d+)"', page.text)
                return post("checkout", "/checkout/", {
                    "csrfmiddlewaretoken": csrf, "checkout_token": form_token,
                    "shipping_method": method.group(1) if method else "",
                    "email": f"load{seed}v{visit}h{n}@example.com",  # one visit = one cart; h: the hoarder's nth
                    "full_name": "Load Tester", "address_line1": "1 Loop Road", "address_line2": "",
                    "city": "Localhost", "postal_code": "12345", "country": "US", "state": "US-NY", "phone": "",
                }, expect=(200, 302, 303, 429))

            r = place(page, 0)
            if hoarder:  # the same cart placed again and again, each time as a different order
                for n in range(1, 4):
                    if r is None or r.status_code != 303:
                        break
                    again = get("checkout_form", "/checkout/", expect=(200, 302), allow_redirects=False)
                    if again is None or again.status_code != 200:
                        break
                    r = place(again, n)
                    if r is not None:
                        stats.outcome("hoard: limited (429)" if r.status_code == 429 else "hoard: placed again")
            if r is None:
                continue
            if r.status_code == 429:
                session.cookies.clear()
                continue
            if r.status_code == 302:  # a line sold out between the form and the click: back to the cart
                stats.outcome("cart needed attention")
                session.cookies.clear()
                continue
            if r.status_code == 200:
                stats.outcome("refused: sold out" if "sold out" in r.text or "left" in r.text else "refused")
                session.cookies.clear()
                continue
            pay_url = r.headers["Location"]
            started = time.perf_counter()
            try:
                paid = session.post(pay_url + "/pay", timeout=30, allow_redirects=True)
            except requests.RequestException as exc:
                stats.error(f"pay: {exc}")
                continue
            stats.record("pay_and_success_page", time.perf_counter() - started)
            if paid.status_code != 200 or "Thank you" not in paid.text:
                stats.error(f"success page: HTTP {paid.status_code}")
            else:
                stats.outcome("paid")
            session.cookies.clear()  # the next visit is a new shopper


def verify(env: dict, start_stock: dict) -> dict:
    return json.loads(shell(env, """
import json
from django.db.models import Count, Q, Sum
from checkout.models import Order, OrderLine, OutboxEmail
from storefront.models import Variant
# Units out of stock because of this run's orders (the demo catalog's own old orders are not counted:
# their units were never part of the starting stock).
held = dict(OrderLine.objects.filter(order__stock_held=True, order__email__startswith="load")
            .values("variant_id").annotate(q=Sum("quantity")).values_list("variant_id", "q"))
now = dict(Variant.objects.values_list("id", "stock"))
load = Order.objects.filter(email__startswith="load", email__endswith="@example.com")  # this run's shoppers
paid = load.exclude(payment_state="unpaid")
receipts = dict(OutboxEmail.objects.filter(kind="receipt").values("order_id").annotate(n=Count("id"))
                .values_list("order_id", "n"))
print(json.dumps({
    "now": now, "held": held,
    "paid_orders": paid.count(),
    "paid_without_one_receipt": [o.number for o in paid if receipts.get(o.pk) != 1],
    "receipts_not_sent": OutboxEmail.objects.filter(kind="receipt", order__in=load).exclude(status="sent").count(),
    "receipts_attempts_over_1": OutboxEmail.objects.filter(kind="receipt", order__in=load, attempts__gt=1).count(),
    "orders": load.count(),
    "orders_without_lines": Order.objects.filter(lines__isnull=True).count(),
    "statuses": dict(load.values("status").annotate(n=Count("id")).values_list("status", "n")),
    # One hold per cart: the pending orders still holding stock, per visit (one visit = one cart).
    "visits_holding_twice": [visit for visit, n in __import__("collections").Counter(
        e.split("h")[0] for e in load.filter(status="pending_payment", stock_held=True).values_list("email", flat=True)
    ).items() if n > 1],
    "replaced": load.filter(events__note__startswith="Replaced by a new order").count(),
}))
"""))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    mail_dir = ROOT / "var" / "reliability-mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    for old in mail_dir.glob("*"):
        old.unlink()
    stripe = FakeStripe().start()
    stripe.webhook_url = f"http://127.0.0.1:{PORT}/stripe/webhook/"
    env = env_for(stripe, mail_dir)
    print("Preparing database, static files and catalog…", flush=True)
    state = prepare(env)
    start_stock = {int(k): v for k, v in state["stock"].items()}
    cat = catalog(env)
    web = subprocess.Popen([PY, "-m", "gunicorn", "shop.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers",
                            str(args.workers), "--timeout", "30"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    worker = subprocess.Popen([PY, "manage.py", "run_huey", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/health/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        stats = Stats()
        stop_at = time.monotonic() + args.seconds
        print(f"Running {args.users} shoppers for {args.seconds} s against {base}…", flush=True)
        threads = [threading.Thread(target=shopper, args=(base, cat, state["contested"], stats, stop_at, i))
                   for i in range(args.users)]
        started = time.monotonic()
        [t.start() for t in threads]
        [t.join() for t in threads]
        elapsed = time.monotonic() - started
        # Let the worker drain the outbox.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            left = int(shell(env, "from checkout.models import OutboxEmail\n"
                                  "print(OutboxEmail.objects.exclude(status='sent').count())").strip())
            if left == 0:
                break
            time.sleep(1)
        books = verify(env, start_stock)
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        books["page_cache_entries"] = sum(1 for _ in store.scan_iter("*pagecache:dpage:*", count=1000))
        books["redis_used_memory_mb"] = round(store.info("memory")["used_memory"] / 2**20, 1)
    finally:
        web.terminate()
        worker.terminate()
        web.wait(20)
        worker.wait(20)
        stripe.stop()

    now = {int(k): v for k, v in books["now"].items()}
    held = {int(k): v for k, v in books["held"].items()}
    oversold = [vid for vid, before in start_stock.items() if now.get(vid, 0) + held.get(vid, 0) != before]
    negative = [vid for vid, s in now.items() if s < 0]
    rows = []
    for page, values in sorted(stats.latency.items()):
        rows.append({"page": page, "requests": len(values), "p50_ms": round(statistics.median(values) * 1000, 1),
                     "p99_ms": round(percentile(values, 0.99) * 1000, 1),
                     "max_ms": round(max(values) * 1000, 1)})
    total = sum(r["requests"] for r in rows)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": f"{platform.node()} {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "seconds": round(elapsed, 1), "users": args.users, "gunicorn_workers": args.workers,
        "requests": total, "rps": round(total / elapsed, 1), "errors": len(stats.errors),
        "error_samples": stats.errors[:20], "outcomes": dict(stats.outcomes), "pages": rows,
        "oversold_variants": oversold, "negative_stock": negative, "books": {k: v for k, v in books.items()
                                                                              if k not in ("now", "held")},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"reliability-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\n{total} requests in {elapsed:.0f} s ({report['rps']} req/s), {len(stats.errors)} errors")
    print(f"{'page':24} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for r in rows:
        print(f"{r['page']:24} {r['requests']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} {r['max_ms']:>8}")
    print("outcomes:", dict(stats.outcomes))
    print("orders:", books["statuses"], "paid:", books["paid_orders"])
    print("oversold variants:", oversold, "negative stock:", negative)
    print("paid orders without exactly one receipt:", books["paid_without_one_receipt"],
          "receipts not sent:", books["receipts_not_sent"], "orders without lines:", books["orders_without_lines"])
    print("results:", out)
    print("carts holding stock twice:", books["visits_holding_twice"], "orders replaced:", books["replaced"])
    print("page-cache entries:", books["page_cache_entries"], "for", len(stats.pages), "distinct pages;",
          "Redis used memory:", books["redis_used_memory_mb"], "MB")
    ok = (not stats.errors and not oversold and not negative and not books["paid_without_one_receipt"]
          and not books["receipts_not_sent"] and not books["orders_without_lines"]
          and not books["visits_holding_twice"] and books["page_cache_entries"] <= len(stats.pages))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
