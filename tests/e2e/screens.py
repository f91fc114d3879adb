"""Screenshots of the shop's main screens, written to docs/screens/ as PNGs.

    .venv/bin/python tests/e2e/screens.py              # a fresh demo shop of its own, then stopped
    .venv/bin/python tests/e2e/screens.py --url URL    # a shop already running, with the demo admin

Without --url it makes a throwaway demo shop: a new SQLite database and media folder in a temporary
directory, `migrate`, `seed_demo`, and `runserver` on a free port with DEBUG on (demo payments, the demo
admin admin@example.com / admin). Nothing of a developer's own database, .env or media is touched.
Chromium is /usr/bin/chromium when present (as in tests/e2e/conftest.py), else Playwright's own.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screens"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ADMIN = ("admin@example.com", "admin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_shop():
    """A demo shop of its own on a free port; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="shop-screens-") as tmp:
        env = os.environ | {
            "DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3", "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "REDIS_URL": "", "STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "", "STRIPE_WEBHOOK_SECRET": "",
            "EMAIL_URL": "consolemail://", "SENTRY_DSN": "",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "--verbosity", "0"], ["seed_demo", "--quiet"]):
            subprocess.run(manage + command, env=env, cwd=ROOT, check=True)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env["SHOP_BASE_URL"] = url
        server = subprocess.Popen(manage + ["runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:  # poll until the shop answers, with a deadline
                try:
                    urllib.request.urlopen(url + "/health/", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("The demo shop did not start.") from None
                    time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def _chromium() -> str | None:
    for candidate in (os.environ.get("SHOP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def _shot(page, name: str, *, full_page: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"  {path.relative_to(ROOT)}")


def _open_a_product(page, url: str) -> None:
    """The first product in stock of the first category."""
    page.goto(url + "/")
    category = page.get_by_role("navigation", name="Categories").get_by_role("link").first.get_attribute("href")
    page.goto(url + category + "?in_stock=1")
    page.locator("#product-list article h3 a").first.click()


def _open_a_product_with_swatches(page, url: str) -> None:
    """A product with colour swatches and its gallery, if the catalog has one; else the first in stock."""
    page.goto(url + "/")
    categories = page.get_by_role("navigation", name="Categories").get_by_role("link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    for category in categories:
        page.goto(url + category + "?in_stock=1")
        links = page.locator("#product-list article", has=page.get_by_role("link", name=re.compile("Choose options")))
        for href in links.locator("h3 a").evaluate_all("links => links.slice(0, 4).map(a => a.href)"):
            page.goto(href)
            if page.locator(".swatch").count() and page.locator("#gallery").count():
                return
    _open_a_product(page, url)


def _add_a_product(page, url: str) -> None:
    _open_a_product(page, url)
    add = page.locator("#add-to-cart")
    expect(add).to_be_enabled()
    add.click()


def take(url: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            desktop = browser.new_context(viewport=DESKTOP)
            page = desktop.new_page()
            page.goto(url + "/")
            _shot(page, "home")
            _open_a_product_with_swatches(page, url)
            _shot(page, "product")
            page.locator("#add-to-cart").click()
            expect(page.locator("#cart-badge")).to_have_text(re.compile(r"[1-9]"))
            _shot(page, "cart-notification")
            desktop.close()

            phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
            page = phone.new_page()
            page.goto(url + "/")
            page.get_by_role("navigation", name="Categories").get_by_role("link").first.click()
            _shot(page, "category-phone")
            page.get_by_role("link", name="Filter and sort").click()
            _shot(page, "category-phone-filters")
            _add_a_product(page, url)
            expect(page.locator("#cart-badge")).to_have_text(re.compile(r"[1-9]"))
            page.goto(url + "/checkout/")
            page.get_by_label("Email").fill("ada@example.com")
            page.get_by_label("Full name").fill("Ada Lovelace")
            page.get_by_label("Address", exact=True).fill("12 Analytical Row")
            page.get_by_label("City").fill("London")
            page.get_by_label("ZIP code").fill("N1 9GU")  # labelled for the starting country, the United States
            page.get_by_label("Country").select_option("GB")
            _shot(page, "checkout-phone", full_page=True)
            page.get_by_role("button", name="Continue to payment").click()
            page.get_by_role("button", name="Pay").click()
            expect(page.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
            _shot(page, "thank-you-phone", full_page=True)
            phone.close()

            staff = browser.new_context(viewport=DESKTOP)
            page = staff.new_page()
            page.goto(url + "/accounts/login/?next=/admin/checkout/order/")
            page.get_by_label("Email").fill(ADMIN[0])
            page.get_by_label("Password").fill(ADMIN[1])
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_url("**/admin/checkout/order/**")
            _shot(page, "admin-orders")
            staff.close()
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running shop (with the demo admin); default: start a demo shop of its own")
    args = parser.parse_args()
    print(f"Screenshots in {OUT.relative_to(ROOT)}/:")
    if args.url:
        take(args.url.rstrip("/"))
    else:
        with demo_shop() as url:
            take(url)


if __name__ == "__main__":
    main()
