"""The shop's one settings module.

Every difference between environments is an environment variable, read with
django-environ and listed with a comment in `.env.example`. When a variable is
absent the embedded default is used (SQLite, huey in-process, console email,
demo payments); with DJANGO_DEBUG off the system checks in `shop/checks.py`
refuse to start on those defaults.
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.csp import CSP

from core.devserver import runserver_url
from core.redis_options import redis_options, redis_pool

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` file is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# An empty key is refused by `shop.checks` when DEBUG is off. In debug a fixed,
# obviously insecure key keeps sessions alive across restarts of `make run`.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only-key-do-not-use-in-production"
if not SECRET_KEY:
    # Placeholder so that Django can load far enough to run the checks that refuse it.
    SECRET_KEY = "unset"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram search (the storefront uses it only on PostgreSQL)
    "django.contrib.sitemaps",
    "django_htmx",
    "allauth",
    "allauth.account",
    "huey.contrib.djhuey",
    "tailwind",
    "core",
    "shop",
    "storefront",
    "checkout",
    "accounts",
    "demo",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id, echoed in X-Request-ID (core/requestid.py).
    "core.requestid.RequestIdMiddleware",
    # gzip for catalog pages only (shop/compression.py: BREACH). Before both page caches, so it runs after
    # them on the way out: they store and fill in plain bodies; only the final body is compressed.
    "shop.compression.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 400 for a NUL anywhere in the request (core/middleware.py): PostgreSQL would answer it with a 500.
    "core.middleware.NullCharacterMiddleware",
    # Guests' catalog pages from Redis (shop/pagecache.py); before sessions, so a hit skips the rest.
    "shop.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed-in shoppers' catalog pages from Redis, their hearts, badge and token filled in (shop/pagecache.py).
    "shop.pagecache.MemberPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.shop",
                "shop.pagecache.placeholders",  # last: overrides csrf_token and cart_count (page cache)
            ],
            "builtins": ["core.templatetags.money", "core.templatetags.forms"],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the write lock instead of failing at once under concurrent checkouts.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue ---------------------------------------------------
# REDIS_URL holds what must never be evicted: rate-limit counters and the huey queue
# (give it maxmemory-policy noeviction). REDIS_CACHE_URL, optional, is a second Redis for
# caches only (pages, menus, fragments; allkeys-lru), so a flood of cached pages
# can never push out a counter or a task; unset, caches share REDIS_URL. Either way the
# page cache keeps to SHOP_PAGE_CACHE_MAX_MB. See docs/RELIABILITY.md, "Redis".
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="") or REDIS_URL

# Short socket timeouts: a Redis that hangs must not hang the shop. redis_options adds what a
# rediss:// URL (Heroku Redis, TLS with a self-signed certificate) needs; every Redis client uses it.
_REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False}
# Without Redis (development, tests): each process has its own in-memory caches.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
if REDIS_CACHE_URL:
    # Pages, menus, the catalog version and allauth's rate-limit counts: fails open
    # (see core/cache.py). Never sessions.
    CACHES["default"] = {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": REDIS_CACHE_URL,
        "KEY_PREFIX": "shop",
        "OPTIONS": redis_options(REDIS_CACHE_URL, **_REDIS_TIMEOUTS),
    }
if REDIS_URL:
    # Rate limits: errors surface, so limits fail safe (core/http.py, accounts/adapter.py).
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "shop-rl",
        "OPTIONS": redis_options(REDIS_URL, **_REDIS_TIMEOUTS),
    }

# huey: Redis when REDIS_URL is set (never REDIS_CACHE_URL, which may evict), otherwise
# tasks run in-process at once.
# `immediate` is always set explicitly (djhuey would otherwise follow DEBUG).
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=not REDIS_URL)
HUEY = {
    "name": "shop",
    "immediate": HUEY_IMMEDIATE,
    "utc": True,
    "results": False,
    # Timeouts: a Redis that hangs must not hang the request that enqueues (the email waits in the outbox,
    # swept later). The worker's blocking read waits at most `blocking` seconds (1), below these.
    "connection": {"connection_pool": redis_pool(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)}
    if REDIS_URL else {},
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if HUEY_IMMEDIATE:
    HUEY["immediate_use_memory"] = True
else:
    HUEY["huey_class"] = "huey.RedisHuey"

# --- Sessions ---------------------------------------------------------------
# Sessions (who is signed in, the guest cart) are state, not a cache: they live in
# the database only, read with one primary-key query per request. Not cached_db:
# a failed cache write is skipped (a save by Django itself, which logs it; a delete
# by the fail-open cache), so while Redis hangs a sign-out or a cart change reaches
# the database but not the cached copy, and the stale copy wins once Redis answers
# again (issue 11; tests/shop/test_sessions.py). Not the cache engine either: Redis
# here fails open, and a restart would empty every cart. Not signed cookies: a copy
# of the cookie would stay signed in after a sign-out.
# `shop.checks.session_store` refuses any other engine. shop/sessions.py is Django's database
# store, reading the row with one fixed statement instead of an ORM query built per request.
SESSION_ENGINE = "shop.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30

# --- Accounts (django-allauth, email only) ----------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CHANGE_EMAIL = True
# Sign-up, password reset and login never reveal whether an address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's rate limits (counted in the shared cache) stay at their defaults,
# which cover login failures, sign-up, password reset and confirmation mails.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

# --- Passwords and auth -----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("SHOP_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Product pictures and their renditions. Local files under MEDIA_ROOT (served at /media/) unless
# AWS_STORAGE_BUCKET_NAME is set: then an S3-API bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2…,
# via AWS_S3_ENDPOINT_URL), which every web and worker process shares. Objects are written once under
# names that are never reused for other content (file_overwrite=False), so they are sent with a year's
# immutable Cache-Control; URLs are plain (unsigned) links: pages are cached, a signature would expire.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "core.storage.BucketStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "file_overwrite": False,
            "querystring_auth": False,
            "default_acl": None,  # the bucket's policy (or R2's public domain) makes objects readable
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def _media_origins(options: dict) -> list[str]:
    """Where pages' <img> links to the bucket point (for the CSP's img-src): the custom domain, else
    the endpoint (path-style, or the bucket as its subdomain), else AWS's addresses for the bucket."""
    if options.get("custom_domain"):
        return [f"https://{options['custom_domain'].strip('/')}"]
    if options.get("endpoint_url"):
        endpoint = urlsplit(options["endpoint_url"])
        host = endpoint.netloc
        is_ip = host.split(":")[0].replace(".", "").isdigit()
        return [f"{endpoint.scheme}://{host}"] + ([] if is_ip else [f"{endpoint.scheme}://*.{host}"])
    bucket, region = options["bucket_name"], options.get("region_name")
    return [f"https://{bucket}.s3.amazonaws.com"] + ([f"https://{bucket}.s3.{region}.amazonaws.com"] if region else [])


MEDIA_ORIGINS = _media_origins(MEDIA_STORAGE["OPTIONS"]) if AWS_STORAGE_BUCKET_NAME else []

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        # Hashed, compressed files in production; plain files in debug and tests.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ------------------------------------------------------------------
# EMAIL_URL in django-environ's form: consolemail://, filemail:///path,
# smtp+tls://user:password@host:587, ... It becomes Django 6.1's MAILERS.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
_email = environ.Env.email_url_config(EMAIL_URL)
if EMAIL_URL.startswith("filemail://"):
    # filemail:///abs/path is absolute, filemail://var/mail relative to the project
    # (django-environ alone would drop the leading slash).
    _mail_dir = EMAIL_URL.removeprefix("filemail://").split("?")[0] or "var/mail"
    _email["EMAIL_FILE_PATH"] = str(BASE_DIR / _mail_dir)  # an absolute path stays absolute
_EMAIL_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
    "EMAIL_FILE_PATH": "file_path",
}
# The console and the files get our own backends, which print the text a person reads (whole links,
# not quoted-printable): core/mail.py.
_READABLE = {
    "django.core.mail.backends.console.EmailBackend": "core.mail.ConsoleEmailBackend",
    "django.core.mail.backends.filebased.EmailBackend": "core.mail.FileEmailBackend",
}
MAILERS = {
    "default": {
        "BACKEND": _READABLE.get(_email["EMAIL_BACKEND"], _email["EMAIL_BACKEND"]),
        "OPTIONS": {
            option: _email[key]
            for key, option in _EMAIL_OPTIONS.items()
            if _email.get(key) not in (None, "")
        },
    }
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"].setdefault("timeout", 20)
# The sender (DEFAULT_FROM_EMAIL) is set under "The shop", after SHOP_NAME.

# --- Security ---------------------------------------------------------------
# Heroku's router terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Cookies only over HTTPS in production (off only for a plain-HTTP load test on loopback).
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: htmx and every script come from our own static files
# (htmx's indicator styles are turned off in _base.html, so it injects nothing).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # style attributes in emails' previews and the admin
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],  # product pictures in a bucket are on its host
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Client IPs for rate limits: only trust X-Forwarded-For behind a known proxy
# (Heroku's router appends the real client address as the last entry).
SHOP_TRUST_X_FORWARDED_FOR = env.bool("SHOP_TRUST_X_FORWARDED_FOR", default=False)
# allauth's own rate limits read the same one trusted hop.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if SHOP_TRUST_X_FORWARDED_FOR else 0

# --- Stripe -----------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Seconds for one call to Stripe, and how often the SDK retries it; together
# well inside gunicorn's 30-second timeout.
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=8.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)

# --- The shop ---------------------------------------------------------------
SHOP_NAME = env.str("SHOP_NAME", default="Northwind Goods")
# The sender of every email, the outbox's and allauth's alike: "Shop Name <address>" unless the variable names one.
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default=f"{SHOP_NAME} <shop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# allauth's subjects read like the order emails': "Northwind Goods: Choose a new password".
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SHOP_NAME}: "
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="usd").lower()
# Absolute address used in emails (receipt links), canonical and Open Graph URLs, e.g. https://shop.example.com.
# Unset in development it is the address runserver serves on (`make run PORT=8123`, `manage.py runserver 8123`).
SHOP_BASE_URL = env.str("SHOP_BASE_URL", default="") or runserver_url(sys.argv) or "http://127.0.0.1:8000"
SHOP_MAX_LINE_QUANTITY = env.int("SHOP_MAX_LINE_QUANTITY", default=10)
# Tax (docs/MONEY.md): catalog prices include tax (VAT style) or tax is added at checkout (US style);
# whether shipping is taxed; the shop's home country, for estimates before the shopper gives an address.
SHOP_PRICES_INCLUDE_TAX = env.bool("SHOP_PRICES_INCLUDE_TAX", default=False)
SHOP_TAX_SHIPPING = env.bool("SHOP_TAX_SHIPPING", default=False)
SHOP_COUNTRY = env.str("SHOP_COUNTRY", default="US").upper()
# Minutes a pending order holds its stock (the Checkout Session's lifetime;
# Stripe accepts 30 minutes to 24 hours).
SHOP_HOLD_MINUTES = env.int("SHOP_HOLD_MINUTES", default=30)
SHOP_TRACKING_RATE_LIMIT = env.int("SHOP_TRACKING_RATE_LIMIT", default=5)
# Per client and minute: cart changes (add, change, remove, discount code) and orders placed.
# Counted in Redis; if it is down they are not counted (the one-hold-per-cart rule still holds).
SHOP_CART_RATE_LIMIT = env.int("SHOP_CART_RATE_LIMIT", default=20)
SHOP_ORDER_RATE_LIMIT = env.int("SHOP_ORDER_RATE_LIMIT", default=3)
# How long a webhook waits for a locked order row before answering 503 (Stripe retries).
SHOP_LOCK_TIMEOUT_MS = env.int("SHOP_LOCK_TIMEOUT_MS", default=3000)
# A payment that arrives after its stock sold out: refund it at once (true) or
# keep the order "paid, waiting for stock" for staff to decide (false).
SHOP_AUTO_REFUND_OUT_OF_STOCK = env.bool("SHOP_AUTO_REFUND_OUT_OF_STOCK", default=False)
# Seconds a guest's catalog page is served from the page cache (shop/pagecache.py);
# stock shown on it may be this old (cart and checkout re-check). 0 turns the cache off.
SHOP_PAGE_CACHE_SECONDS = env.int("SHOP_PAGE_CACHE_SECONDS", default=60)
# Megabytes of new page-cache entries per SHOP_PAGE_CACHE_SECONDS (the cache holds at most twice
# that); beyond it pages are rendered but not stored. 0: no limit.
SHOP_PAGE_CACHE_MAX_MB = env.float("SHOP_PAGE_CACHE_MAX_MB", default=8)
# Who gets staff mail (the daily low-stock digest); default: every active staff user.
SHOP_STAFF_EMAILS = env.list("SHOP_STAFF_EMAILS", default=[])

# --- Operator's health view -------------------------------------------------
# /health/detailed/ shows signed-in staff, or a request with `Authorization: Bearer <SHOP_HEALTH_TOKEN>`,
# the database, Redis, the queue, the outbox and the periodic jobs; anyone else gets a 404.
# Unset: staff only. A header, not ?token=, because routers and access logs record query strings.
SHOP_HEALTH_TOKEN = env.str("SHOP_HEALTH_TOKEN", default="")

# --- Error reports (Sentry) --------------------------------------------------
# Only when SENTRY_DSN is set; personal data is scrubbed before a report leaves (core/sentry.py).
# The release is SENTRY_RELEASE, else the commit Heroku deployed (core.sentry.sentry_release).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
    )

# --- Logging: everything to stdout, each line with its request id ------------
# `request_id=` is the request's X-Request-ID (Heroku's router prints the same id), or the originating
# request's for a task the worker runs, or "-" (core/requestid.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.requestid.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its own handler here, so run_huey adds none of its own (which printed each line twice).
        "huey": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}

# django-tailwind builds the committed CSS (`make css` = `manage.py tailwind install`, which runs npm install and
# `npm run build` in shop/static_src/); TAILWIND_CSS_PATH is where that build writes, under static/.
TAILWIND_APP_NAME = "shop"
TAILWIND_CSS_PATH = "css/shop.css"
