"""What every page's header and footer show: the categories and the policy pages, kept in each process while a
version in the cache says they are current (storefront/process_copy.py), and the fixed links reversed once.

A change shows on the very next request, in this process and in any other: "another process" is this process with
the copy it held before the change put back, which only the version can tell is stale."""

import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse, set_script_prefix

from shop.context_processors import BASE_URLS, base_urls
from storefront import catalog, pages, process_copy
from storefront.models import Category, Page
from tests import factories

pytestmark = pytest.mark.django_db


def _menu(client) -> list[str]:
    html = client.get("/cart/").content.decode()
    nav = re.search(r'<nav aria-label="Categories".*?</nav>', html, re.S).group(0)
    return re.findall(r'class="nav-link whitespace-nowrap">([^<]*)</a>', nav)


def _footer(client) -> list[str]:
    html = client.get("/cart/").content.decode()
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    return re.findall(r'<a href="/pages/[^"]+" class="hover:underline">([^<]*)</a>', footer)


def test_a_category_renamed_added_or_removed_shows_in_the_header_on_the_next_request_in_every_process(client):
    kitchen = factories.category(name="Kitchen", slug="kitchen")
    assert _menu(client) == ["Kitchen"]
    other_process = catalog._tree._kept
    assert other_process is not None

    kitchen.name = "Cookware"
    kitchen.save()
    catalog._tree._kept = other_process
    assert _menu(client) == ["Cookware"]

    other_process = catalog._tree._kept
    factories.category(name="Garden", slug="garden")
    catalog._tree._kept = other_process
    assert _menu(client) == ["Cookware", "Garden"]

    other_process = catalog._tree._kept
    kitchen.delete()
    catalog._tree._kept = other_process
    assert _menu(client) == ["Garden"]


def test_the_tree_is_kept_in_the_process_and_read_from_the_cache_only_when_its_version_changes(client):
    factories.category(name="Kitchen", slug="kitchen")
    _menu(client)
    kept = catalog._tree._kept
    cache.delete(catalog._tree.key)  # while the copy is current only the version is read
    assert _menu(client) == ["Kitchen"] and catalog._tree._kept is kept

    factories.category(name="Garden", slug="garden")
    _menu(client)  # rebuilt once, and kept in the cache for the other processes
    catalog._tree.forget_this_process()  # a new process
    Category.objects.filter(slug="garden").update(name="Not told")  # no signal: the cached tree is used
    assert _menu(client) == ["Garden", "Kitchen"]


def test_a_lost_version_never_makes_an_old_copy_current(client):
    factories.category(name="Kitchen", slug="kitchen")
    _menu(client)
    Category.objects.filter(slug="kitchen").update(name="Cookware")  # no signal, as if its version were lost
    cache.delete(catalog._tree.version_key)
    assert _menu(client) == ["Cookware"]


def test_a_copy_is_rebuilt_an_hour_after_it_was_built_whatever_its_version(client, monkeypatch):
    # (A change rolled back after its own process read it sets no new version: it lasts the hour at most.)
    factories.category(name="Kitchen", slug="kitchen")
    _menu(client)
    Category.objects.filter(slug="kitchen").update(name="Cookware")  # no signal
    assert _menu(client) == ["Kitchen"]
    entry = cache.get(catalog._tree.key)
    later = time.time() + process_copy.CACHE_SECONDS
    monkeypatch.setattr(process_copy.time, "time", lambda: later)
    assert _menu(client) == ["Cookware"]  # this process's copy
    cache.set(catalog._tree.key, entry, timeout=None)  # the one in the cache (had it outlived its timeout)
    catalog._tree.forget_this_process()
    assert _menu(client) == ["Cookware"]


def test_a_change_inside_a_transaction_sets_a_new_version_again_once_it_commits(django_capture_on_commit_callbacks):
    kitchen = factories.category(name="Kitchen", slug="kitchen")
    catalog.category_tree()
    before = cache.get(catalog._tree.version_key)
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            kitchen.name = "Cookware"
            kitchen.save()
            during = cache.get(catalog._tree.version_key)
            catalog.category_tree()  # a copy built before the commit (here it sees the change; elsewhere not)
    after = cache.get(catalog._tree.version_key)
    assert len({before, during, after}) == 3
    assert catalog._tree._kept[0] != after


def test_a_policy_page_added_retitled_or_removed_shows_in_the_footer_on_the_next_request_in_every_process(client):
    returns = Page.objects.create(slug="returns", title="Returns", body="x", position=1)
    assert _footer(client) == ["Returns"]

    other_process = pages._links._kept
    Page.objects.create(slug="shipping", title="Shipping", body="x", position=2)
    pages._links._kept = other_process
    assert _footer(client) == ["Returns", "Shipping"]

    other_process = pages._links._kept
    returns.title = "Free returns"
    returns.save()
    pages._links._kept = other_process
    assert _footer(client) == ["Free returns", "Shipping"]

    other_process = pages._links._kept
    returns.delete()
    pages._links._kept = other_process
    assert _footer(client) == ["Shipping"]


def test_with_the_cache_down_the_header_and_footer_come_from_the_database(client, monkeypatch):
    factories.category(name="Kitchen", slug="kitchen")
    Page.objects.create(slug="returns", title="Returns", body="x")
    _menu(client)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(cache, name, down)
    Category.objects.filter(slug="kitchen").update(name="Cookware")  # nothing could tell the copy is stale
    Page.objects.filter(slug="returns").update(title="Free returns")
    assert _menu(client) == ["Cookware"] and _footer(client) == ["Free returns"]


def test_the_header_and_footer_links_are_reversed_once_per_script_prefix():
    assert base_urls() == {name: reverse(view) for name, view in BASE_URLS.items()}
    assert base_urls() is base_urls()
    set_script_prefix("/shop/")
    try:
        assert base_urls()["cart"] == "/shop/cart/"
    finally:
        set_script_prefix("/")
    assert base_urls()["cart"] == "/cart/"
