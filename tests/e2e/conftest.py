"""Browser tests: Playwright driving Chromium against pytest-django's live server."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _system_chromium() -> str | None:
    for candidate in (os.environ.get("SHOP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None  # Playwright's own download (`playwright install chromium`)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=_system_chromium(), args=CHROMIUM_FLAGS, headless=True)
        yield instance
        instance.close()


def _page(browser, *, javascript: bool):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, javascript=True)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _page(browser, javascript=False)
    yield page
    context.close()


@pytest.fixture
def shop(live_server, stripe_fake, settings):
    """The live shop wired to the fake Stripe, which delivers webhooks back to it."""
    stripe_fake.webhook_url = live_server.url + "/stripe/webhook/"
    settings.SHOP_BASE_URL = live_server.url
    return live_server
