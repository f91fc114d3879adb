"""Browser tests: Playwright driving Chromium against pytest-django's live server."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.a11y import Audit

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


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def a11y(browser, live_server):
    """axe-core on every page the test's browser loads (tests/e2e/a11y.py): any violation fails the test."""
    audit = Audit(browser=browser, origin=live_server.url)
    yield audit
    audit.assert_clean()


def _page(browser, a11y, *, javascript: bool, viewport=DESKTOP):
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
    context.set_default_timeout(15_000)
    a11y.watch(context, javascript=javascript)
    page = context.new_page()
    return context, page


def _close(context, page, a11y, *, javascript: bool):
    if javascript and not page.is_closed():
        a11y.check_live(page)
    context.close()


@pytest.fixture
def page(browser, a11y):
    context, page = _page(browser, a11y, javascript=True)
    yield page
    _close(context, page, a11y, javascript=True)


@pytest.fixture
def nojs_page(browser, a11y):
    context, page = _page(browser, a11y, javascript=False)
    yield page
    _close(context, page, a11y, javascript=False)


@pytest.fixture
def phone_page(browser, a11y):
    context, page = _page(browser, a11y, javascript=True, viewport=PHONE)
    yield page
    _close(context, page, a11y, javascript=True)


@pytest.fixture
def phone_nojs_page(browser, a11y):
    context, page = _page(browser, a11y, javascript=False, viewport=PHONE)
    yield page
    _close(context, page, a11y, javascript=False)


@pytest.fixture
def shop(live_server, stripe_fake, settings):
    """The live shop wired to the fake Stripe, which delivers webhooks back to it."""
    stripe_fake.webhook_url = live_server.url + "/stripe/webhook/"
    settings.SHOP_BASE_URL = live_server.url
    return live_server
