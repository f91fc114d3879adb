"""Helpers for htmx in browser tests: an action stays on the page it started from; htmx has settled."""

from playwright.sync_api import expect


def mark_document(page):
    """Mark the current document, once htmx has wired it up, so `same_document` can tell an in-place swap from a
    full page load. After a click that navigates, Playwright's next step can run while the new page is still
    loading: an element may be visible before htmx has processed it, and a click then falls back to the plain
    form post (the no-JavaScript path), which is correct behaviour but not what the test means to exercise."""
    page.wait_for_load_state("load")  # htmx processes the document on DOMContentLoaded, before "load"
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load on this page"
    page.evaluate("window.__sameDocument = true")


def same_document(page):
    return page.evaluate("window.__sameDocument") is True


def settled(page):
    """Wait until htmx has finished every request, swap and settle on the page. Swapped-in content is wired up
    (its hx- attributes processed) only when it settles, a few ms after it appears: a control touched in between
    takes the plain path or, for a change event, nothing at all. Call it after an expect() that shows the swap
    has happened, before touching the new controls."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
