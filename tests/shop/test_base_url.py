"""`make run PORT=8123` and `manage.py runserver 8123`: links in pages and emails say 8123, not 8000."""

import re
import subprocess
import sys
import urllib.request

import pytest

from checkout.emails import render_customer_email
from checkout.models import OutboxEmail
from core.devserver import runserver_url
from demo.users import admin_ensure
from tests import factories
from tests.support.processes import ROOT, child_env, free_port, stop
from tests.support.waiting import wait_until


def test_make_run_serves_and_links_on_the_port_it_is_given():
    dry_run = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
    commands = dry_run.stdout.splitlines()
    runserver = next(line for line in commands if "manage.py runserver" in line)
    seed = next(line for line in commands if "manage.py seed_demo" in line)
    assert runserver.endswith("runserver 127.0.0.1:8123")
    for line in (runserver, seed):
        assert "SHOP_BASE_URL=${SHOP_BASE_URL:-http://127.0.0.1:8123}" in line


@pytest.mark.django_db(transaction=True)
def test_runserver_on_another_port_puts_that_port_in_its_links():
    port = free_port()
    env = child_env(SHOP_BASE_URL="")  # unset, as in a fresh checkout
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", str(port), "--noreload"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def home() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                return response.read().decode()
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read()) from None
            return ""

    try:
        html = wait_until(home, timeout=60, interval=0.2)
    finally:
        output = stop(process)
    assert html, output
    assert f'<link rel="canonical" href="http://127.0.0.1:{port}/">' in html
    assert f'content="http://127.0.0.1:{port}/"' in html  # og:url
    assert "127.0.0.1:8000" not in html


@pytest.mark.django_db
def test_emails_and_the_demo_admin_link_use_the_address_a_run_sets(settings):
    settings.DEBUG = True  # as under `make run`: the demo admin exists only in debug
    settings.SHOP_BASE_URL = runserver_url(["manage.py", "runserver", "8123"])
    order = factories.paid_order(user=factories.user(email="ada@example.com"), variant=factories.variant())
    order.user = None
    order.user_id = None
    _subject, text, html = render_customer_email(order=order, kind=OutboxEmail.Kind.RECEIPT)
    links = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert links and all(link.startswith("http://127.0.0.1:8123/") for link in links), links
    assert "http://127.0.0.1:8123/accounts/signup/?email=ada%40example.com" in text
    assert "8000" not in html
    assert "Admin: http://127.0.0.1:8123/admin/" in admin_ensure()
