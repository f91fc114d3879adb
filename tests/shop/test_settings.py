"""Production refuses to start on the embedded defaults; development runs on them."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:pass@smtp.example.com:587",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STRIPE_", "SHOP_", "DATABASE_", "REDIS_", "EMAIL_", "HUEY_"))}
    clean["PYTHONDONTWRITEBYTECODE"] = "1"
    # An empty .env-proof environment: every variable explicitly set or absent.
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_its_settings():
    result = run(["manage.py", "check"], {"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    out = result.stderr + result.stdout
    assert "Traceback" not in out
    for needle in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY",
                   "STRIPE_WEBHOOK_SECRET", "REDIS_URL", "DATABASE_URL", "EMAIL_URL"):
        assert needle in out, needle


def test_production_with_every_setting_passes_the_checks():
    result = run(["manage.py", "check"], PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "shop.E0" not in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "REDIS_URL"])
def test_each_missing_production_setting_is_named(missing):
    result = run(["manage.py", "check"], {k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr + result.stdout


def _redis_locations(env: dict[str, str]) -> dict:
    code = """
import django, json, os
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')
django.setup()
from django.conf import settings as s
pool = s.HUEY['connection'].get('connection_pool')  # huey is handed a pool (core/redis_options.py)
kw = pool.connection_kwargs if pool else None
huey = f"redis://{kw['host']}:{kw['port']}/{kw['db']}" if kw else None
print(json.dumps({alias: [c['BACKEND'].rsplit('.', 1)[1], c['LOCATION']] for alias, c in s.CACHES.items()}
                 | {'huey': [s.HUEY['huey_class' if 'huey_class' in s.HUEY else 'immediate'], huey]}))
"""
    result = run(["-c", code], {"DJANGO_DEBUG": "true"} | env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_caches_use_redis_cache_url_and_rate_limits_and_the_queue_never_do():
    queue, pages = "redis://queue.example:6379/0", "redis://pages.example:6379/0"
    assert _redis_locations({"REDIS_URL": queue, "REDIS_CACHE_URL": pages}) == {
        "default": ["FailOpenRedisCache", pages],
        "ratelimit": ["RedisCache", queue],
        "huey": ["huey.RedisHuey", queue],
    }
    # Without REDIS_CACHE_URL the caches share REDIS_URL.
    assert _redis_locations({"REDIS_URL": queue}) == {
        "default": ["FailOpenRedisCache", queue],
        "ratelimit": ["RedisCache", queue],
        "huey": ["huey.RedisHuey", queue],
    }
    # Without Redis: in-process caches and tasks run at once (development, tests).
    assert _redis_locations({}) == {
        "default": ["LocMemCache", "default"],
        "ratelimit": ["LocMemCache", "ratelimit"],
        "huey": [True, None],
    }


def test_production_with_a_second_redis_for_caches_passes_the_checks():
    result = run(["manage.py", "check"], PRODUCTION | {"REDIS_CACHE_URL": "redis://127.0.0.1:6380/0"})
    assert result.returncode == 0, result.stderr


def test_gunicorn_entry_point_refuses_a_misconfigured_deploy():
    code = "import shop.wsgi"
    result = run(["-c", code], {"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "refuses to start" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_development_runs_on_the_embedded_defaults():
    result = run(["manage.py", "check"], {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_filemail_url_becomes_a_file_mailer(tmp_path):
    code = "from django.conf import settings; print(settings.MAILERS)"
    result = run(["-c", f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','shop.settings'); django.setup(); {code}"],
                 {"DJANGO_DEBUG": "true", "EMAIL_URL": f"filemail://{tmp_path}"})
    assert "core.mail.FileEmailBackend" in result.stdout, result.stderr
    assert str(tmp_path) in result.stdout


def test_smtp_email_always_has_a_timeout():
    """A silent SMTP server cannot hang a worker: the SMTP mailer gives up after 20 s (the outbox then
    retries; tests/checkout/test_outbox.py drives a slow real server past a shorter timeout)."""
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','shop.settings'); django.setup();"
            "from django.conf import settings; print(settings.MAILERS['default']['OPTIONS'].get('timeout'))")
    result = run(["-c", code], PRODUCTION)
    assert result.stdout.strip() == "20", result.stderr


def test_every_environment_variable_is_listed_in_env_example():
    settings_source = (ROOT / "shop" / "settings.py").read_text() + (ROOT / "shop" / "checks.py").read_text()
    used = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used, "no variables found"
    assert used <= listed, used - listed


def test_procfile_has_release_web_and_worker():
    procfile = (ROOT / "Procfile").read_text()
    assert re.search(r"^release: python manage.py migrate", procfile, re.M)
    assert re.search(r"^web: gunicorn shop.wsgi", procfile, re.M)
    assert re.search(r"^worker: python manage.py run_huey", procfile, re.M)


def test_collectstatic_builds_hashed_compressed_files_for_whitenoise(tmp_path):
    env = PRODUCTION | {"DJANGO_STATIC_ROOT": str(tmp_path)}
    result = run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "css/shop.css" in manifest and "django_htmx" in manifest
    hashed = list((tmp_path / "css").glob("shop.*.css"))
    assert hashed, "no hashed CSS"
    assert list((tmp_path / "css").glob("shop.*.css.gz")), "no compressed CSS"


def test_check_deploy_with_production_settings_prints_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_sets_strict_security_headers():
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','shop.settings'); django.setup();"
            "from django.conf import settings as s;"
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
            " s.SECURE_PROXY_SSL_HEADER, s.SECURE_CSP['script-src'])")
    result = run(["-c", code], PRODUCTION)
    assert result.stdout.split()[:4] == ["True", "True", "True", "31536000"], result.stderr
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout and "unsafe-inline" not in result.stdout.split("]")[-2]
