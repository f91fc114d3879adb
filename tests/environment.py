"""Loaded as a pytest plugin (`-p tests.environment`) before Django reads its settings.

The suite runs on the embedded defaults unless the caller says otherwise:
SQLite (or PostgreSQL when DATABASE_URL points there), an in-process huey,
and demo payments off because tests talk to the fake Stripe server instead.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")  # plain static storage; pytest-django then forces DEBUG=False
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API with live_server
os.environ.setdefault("SHOP_BASE_URL", "http://testserver")
# Tests never read a developer's .env or Redis unless asked to.
os.environ.setdefault("REDIS_URL", "")
for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE",
             "SENTRY_DSN", "SHOP_HEALTH_TOKEN", "AWS_STORAGE_BUCKET_NAME"):
    os.environ.setdefault(name, "")

# The SQLite test database is a file under var/ (see django_db_modify_db_settings in tests/conftest.py).
os.makedirs(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var"), exist_ok=True)
