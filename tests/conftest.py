import os

import pytest

from tests.fake_stripe import FakeStripe
from tests.support.processes import redis_server


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """One test database per test process, so two runs on one machine never share one.

    SQLite: a file under var/, not shared-cache memory, so concurrent threads wait for the write lock
    as they would in production instead of failing at once. PostgreSQL: test_<name>_<pid> (after any
    xdist/tox suffix pytest-django has already applied).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        test["NAME"] = str(settings.BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
    else:
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


@pytest.fixture(scope="session")
def _stripe_server():
    server = FakeStripe()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_fake(_stripe_server, settings):
    """The fake Stripe server, reset, with the shop's settings pointing at it."""
    _stripe_server.reset()
    settings.STRIPE_SECRET_KEY = _stripe_server.api_key
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = _stripe_server.webhook_secret
    settings.STRIPE_API_BASE = _stripe_server.base_url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT = 5
    _stripe_server.webhook_url = None
    yield _stripe_server
    _stripe_server.reset()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for alias in ("default", "ratelimit"):
        caches[alias].clear()
    yield
    for alias in ("default", "ratelimit"):
        caches[alias].clear()


@pytest.fixture(scope="session")
def redis_base_url():
    """A real Redis for the tests that need one (the machine's, or one started for the run)."""
    yield from redis_server()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 API server, one for the run (tests/support/s3.py)."""
    from tests.support.s3 import moto_s3_server

    with moto_s3_server() as server:
        yield server


@pytest.fixture
def s3_media(s3_server, settings):
    """Media in a fresh bucket on the S3 server, as with AWS_STORAGE_BUCKET_NAME set; yields the bucket."""
    from tests.support.s3 import s3_storage

    bucket = s3_server.new_bucket()
    settings.STORAGES = settings.STORAGES | {"default": s3_storage(s3_server, bucket)}
    yield bucket
