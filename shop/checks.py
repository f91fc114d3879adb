"""Production refuses the embedded defaults.

With DJANGO_DEBUG off, each missing or unsafe setting is a system check error
with a message that says which environment variable to set. `manage.py migrate`
(the Procfile's release phase) and `shop.wsgi` (gunicorn) both run these checks,
so a misconfigured deploy stops before it serves a request.
"""

from django.conf import settings
from django.core import checks

from core.money import KNOWN as KNOWN_CURRENCIES

TAG = "shop_config"


def _error(msg: str, hint: str, id: str) -> checks.Error:
    return checks.Error(msg, hint=hint, id=f"shop.{id}")


@checks.register(TAG, deploy=False)
def production_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from shop import settings as configured  # the values as read from the environment

    if configured.DEBUG:
        return []
    errors = []
    if not configured.env.str("DJANGO_SECRET_KEY", default=""):
        errors.append(_error(
            "DJANGO_SECRET_KEY is not set.",
            "Set DJANGO_SECRET_KEY to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
            "E001",
        ))
    if not settings.ALLOWED_HOSTS:
        errors.append(_error(
            "DJANGO_ALLOWED_HOSTS is not set.",
            "Set DJANGO_ALLOWED_HOSTS to the shop's host names, comma-separated.",
            "E002",
        ))
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
        if not getattr(settings, name):
            errors.append(_error(
                f"{name} is not set; payments cannot be taken.",
                f"Set {name} from the Stripe dashboard (Developers → API keys / Webhooks). "
                "Demo payments exist only with DJANGO_DEBUG on.",
                "E003",
            ))
    if not settings.REDIS_URL or configured.HUEY_IMMEDIATE:
        errors.append(_error(
            "REDIS_URL is not set; the task queue and the shared cache need Redis.",
            "Set REDIS_URL (Heroku's Redis add-on sets it) and run the `worker` process.",
            "E004",
        ))
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(_error(
            "DATABASE_URL points at SQLite.",
            "Set DATABASE_URL to PostgreSQL (Heroku's Postgres add-on sets it).",
            "E005",
        ))
    backend = settings.MAILERS["default"]["BACKEND"]
    if backend.endswith(("console.EmailBackend", "filebased.EmailBackend", "locmem.EmailBackend",
                         "ConsoleEmailBackend", "FileEmailBackend")):
        if not configured.env.bool("SHOP_ALLOW_LOCAL_EMAIL", default=False):
            errors.append(_error(
                "EMAIL_URL sends no real email; customers would get no receipts.",
                "Set EMAIL_URL to your SMTP server, e.g. smtp+tls://user:password@smtp.example.com:587.",
                "E006",
            ))
    return errors


@checks.register(TAG, deploy=False)
def currency_setting(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Always (debug or not): a currency the shop cannot count in would mis-price every order."""
    if settings.SHOP_CURRENCY in KNOWN_CURRENCIES:
        return []
    return [_error(
        f"SHOP_CURRENCY={settings.SHOP_CURRENCY!r} is not a currency this shop knows.",
        "Set SHOP_CURRENCY to an ISO 4217 code Stripe settles in, e.g. usd, eur, gbp or jpy.",
        "E007",
    )]


# The session stores that never skip a failed write: Django's database store, and ours, which is the same store
# reading the row with a fixed statement (see SESSION_ENGINE in shop/settings.py).
SAFE_SESSION_ENGINE = "shop.sessions"
SAFE_SESSION_ENGINES = (SAFE_SESSION_ENGINE, "django.contrib.sessions.backends.db")


@checks.register(TAG, deploy=False)
def session_store(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Always (debug or not): a session store that can skip a write can undo a sign-out or lose a cart.

    cached_db logs and skips a failed cache write itself (Django 5.1+), so while Redis hangs the
    database changes and the cached copy does not, and the stale copy wins once Redis answers again;
    the cache engine on the fail-open alias drops the write outright, and on any alias loses every
    cart when Redis restarts or evicts; a signed cookie cannot be taken back at sign-out.
    """
    if settings.SESSION_ENGINE in SAFE_SESSION_ENGINES:
        return []
    return [_error(
        f"SESSION_ENGINE={settings.SESSION_ENGINE!r} can skip a session write: a sign-out could be undone "
        "or a cart change lost when the cache fails.",
        f"Keep sessions in the database: SESSION_ENGINE = {SAFE_SESSION_ENGINE!r}.",
        "E008",
    )]


@checks.register(TAG, deploy=False)
def media_storage(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With DJANGO_DEBUG off and a bucket set: both halves of a key, and a custom domain that is a bare host.
    (Pictures on the server's own disk stay allowed: fine for one server that keeps its disk; README, Media.)"""
    from shop import settings as configured

    if configured.DEBUG or not configured.AWS_STORAGE_BUCKET_NAME:
        return []
    errors = []
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if not configured.env.str(name, default=""):
            errors.append(_error(
                f"AWS_STORAGE_BUCKET_NAME is set but {name} is not; pictures could not be uploaded.",
                f"Set {name} to a key allowed to read, write and delete objects in the bucket "
                "(for Cloudflare R2: an R2 API token's access key id and secret).",
                "E020",
            ))
    domain = configured.env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    if "://" in domain or "/" in domain.rstrip("/"):
        errors.append(_error(
            f"AWS_S3_CUSTOM_DOMAIN={domain!r} is not a bare host name.",
            "Give the host name only, e.g. media.example.com or pub-1234.r2.dev (no https://, no path).",
            "E021",
        ))
    return errors
