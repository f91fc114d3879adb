import json
import subprocess
import sys
import urllib.request
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from checkout import tasks as checkout_tasks
from checkout.models import OutboxEmail
from tests import factories
from tests.support.processes import ROOT, child_env, start_gunicorn, stop

pytestmark = pytest.mark.django_db


def test_health_answers_200_when_database_and_cache_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_health_answers_503_when_the_cache_is_down(client, settings):
    # A Redis cache at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert b"cache" in response.content


def test_health_answers_503_when_the_redis_of_rate_limits_and_tasks_is_down(client, settings):
    # The cache (REDIS_CACHE_URL) answers; REDIS_URL, holding rate limits and the task queue, does not.
    settings.CACHES = settings.CACHES | {
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.content == b"unavailable: rate limits and task queue\n"


def test_styled_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


# --- /health/detailed/: the operator's view ----------------------------------------------------------

DETAILED = "/health/detailed/"
HEALTH_TOKEN = "h3alth-t0ken-for-the-uptime-monitor-0123456789"


@pytest.fixture
def health_token(settings):
    settings.SHOP_HEALTH_TOKEN = HEALTH_TOKEN
    return HEALTH_TOKEN


def _staff(client):
    client.force_login(factories.user(is_staff=True))


def test_detailed_health_is_a_404_to_anyone_else(client, health_token):
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {health_token}"},
                    {"Authorization": health_token}):
        response = client.get(DETAILED, headers=headers)
        assert response.status_code == 404, headers
        assert "We couldn" in response.content.decode()  # the same page as an unknown address
    assert client.get(DETAILED, {"token": health_token}).status_code == 404  # the header only, never the URL
    client.force_login(factories.user())  # a signed-in shopper
    assert client.get(DETAILED).status_code == 404


def test_without_a_configured_token_no_token_opens_it(client, settings):
    settings.SHOP_HEALTH_TOKEN = ""
    assert client.get(DETAILED, headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get(DETAILED, headers={"Authorization": "Bearer"}).status_code == 404


def test_staff_see_the_detailed_page(client):
    _staff(client)
    response = client.get(DETAILED)
    assert response.status_code == 200
    page = response.content.decode()
    assert "System health" in page and "Everything the shop needs answers" in page
    for part in ("Database", "Redis", "Task queue", "Email outbox", "checkout.tasks.sweep_outbox",
                 "storefront.tasks.low_stock_digest"):
        assert part in page, part
    assert response["Cache-Control"].startswith("max-age=0")
    assert DETAILED in client.get("/admin/").content.decode()  # the dashboard links to it


def test_the_token_opens_it_as_json(client, health_token):
    response = client.get(DETAILED, headers={"Authorization": f"Bearer {health_token}", "Accept": "application/json"})
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["database"]["ok"] is True and report["database"]["latency_ms"] >= 0
    assert report["redis"] == {"ok": True, "configured": False}  # the tests run without REDIS_URL
    assert report["queue"]["immediate"] is True


def test_with_redis_down_it_answers_503_and_says_so(client, health_token, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get(DETAILED, headers={"Authorization": f"Bearer {health_token}", "Accept": "application/json"})
    assert response.status_code == 503
    report = response.json()
    assert report["ok"] is False and report["database"]["ok"] is True
    assert report["redis"]["ok"] is False and "ConnectionError" in report["redis"]["error"]
    assert report["queue"] == {"ok": False, "immediate": False, "error": "Redis is down"}
    _staff(client)
    assert "down: ConnectionError" in client.get(DETAILED).content.decode()


def test_it_shows_the_outbox_backlog_and_when_each_job_last_ran(client, health_token):
    def email(status, age_minutes):
        row = OutboxEmail.objects.create(kind=OutboxEmail.Kind.SHIPPED, to="ada@example.com", subject="s",
                                         body_text="t", body_html="h", status=status)
        OutboxEmail.objects.filter(pk=row.pk).update(created=timezone.now() - timedelta(minutes=age_minutes))

    email(OutboxEmail.Status.QUEUED, 90)
    email(OutboxEmail.Status.QUEUED, 5)
    email(OutboxEmail.Status.FAILED, 600)
    email(OutboxEmail.Status.SENT, 600)
    checkout_tasks.release_expired_holds()  # the worker's periodic job, run here at once

    report = client.get(DETAILED, headers={"Authorization": f"Bearer {health_token}",
                                           "Accept": "application/json"}).json()
    assert report["outbox"]["queued"] == 2 and report["outbox"]["failed"] == 1
    assert 90 * 60 <= report["outbox"]["oldest_queued_seconds"] < 91 * 60
    jobs = {job["name"]: job for job in report["jobs"]}
    ran = jobs["checkout.tasks.release_expired_holds"]
    assert ran["last_started"] and ran["last_finished"] and ran["last_error"] == ""
    assert jobs["checkout.tasks.housekeeping"]["last_started"] is None  # never ran, still listed

    _staff(client)
    page = client.get(DETAILED).content.decode().replace("\xa0", " ")
    assert "2 queued, the oldest waiting for 1 hour, 30 minutes; 1 failed" in page
    assert "never" in page


@pytest.mark.django_db(transaction=True)
def test_with_real_redis_it_counts_the_tasks_waiting_for_the_worker(redis_base_url):
    """gunicorn and a web process on a real Redis: two sends enqueued with no worker running."""
    url = f"{redis_base_url}/10"  # a database no other test file uses: suites on one machine share Redis
    redis.Redis.from_url(url).flushdb()
    env = child_env(REDIS_URL=url, SHOP_HEALTH_TOKEN=HEALTH_TOKEN)
    enqueue = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n"
                               "from checkout.services.outbox import send_email\n"
                               "send_email(1001); send_email(1002)\n"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert enqueue.returncode == 0, enqueue.stderr
    process, base = start_gunicorn(env, workers=1)
    try:
        request = urllib.request.Request(f"{base}{DETAILED}", headers={
            "Authorization": f"Bearer {HEALTH_TOKEN}", "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            report = json.loads(response.read())
    finally:
        stop(process)
        redis.Redis.from_url(url).flushdb()
    assert report["redis"]["ok"] is True and report["redis"]["configured"] is True
    assert report["queue"] == {"ok": True, "immediate": False, "pending": 2, "scheduled": 0}
