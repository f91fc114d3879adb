"""Heroku Redis's rediss:// URLs (TLS, self-signed certificate) work for every Redis client of the shop:
the cache (pages and sessions), the rate-limit cache, huey, and the health view's own connection."""

import shutil
import subprocess
import sys

import pytest
import redis

from tests.support.processes import ROOT, child_env, free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db

SHOW_CLIENTS = """
import django; django.setup()
from django.conf import settings
from huey.contrib.djhuey import HUEY
pool = HUEY.storage.pool
print(settings.CACHES["default"]["OPTIONS"].get("ssl_cert_reqs", "verify"),
      settings.CACHES["ratelimit"]["OPTIONS"].get("ssl_cert_reqs", "verify"),
      pool.connection_kwargs.get("ssl_cert_reqs", "verify"), pool.connection_class.__name__)
"""


def _in_shop(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=child_env(**env), capture_output=True,
                          text=True, timeout=60)


def test_a_rediss_url_turns_off_certificate_checks_for_every_client():
    result = _in_shop(SHOW_CLIENTS, REDIS_URL="rediss://:secret@ec2-1-2-3-4.compute-1.amazonaws.com:6380")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "None", "None", "SSLConnection"]


def test_a_plain_redis_url_is_left_alone():
    result = _in_shop(SHOW_CLIENTS, REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["verify", "verify", "verify", "Connection"]


@pytest.fixture
def tls_redis(tmp_path):
    """A real redis-server speaking only TLS with a self-signed certificate, as Heroku Redis does."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("This test needs `redis-server` (Debian's is built with TLS).")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=redis.example.internal"], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1", "--tls-cert-file", str(cert),
         "--tls-key-file", str(key), "--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"rediss://127.0.0.1:{port}/0"

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"redis-server would not start with TLS:\n{process.stdout.read()}")
        try:
            return bool(redis.Redis.from_url(url, ssl_cert_reqs=None, socket_connect_timeout=1).ping())
        except redis.ConnectionError:
            return False

    assert wait_until(answers, timeout=10, interval=0.1), "redis-server (TLS) did not answer within 10 s"
    yield url
    process.terminate()
    process.wait(10)


def test_the_shop_talks_to_a_tls_redis_with_a_self_signed_certificate(tls_redis):
    with pytest.raises(redis.ConnectionError, match="certificate verify failed"):
        redis.Redis.from_url(tls_redis, socket_connect_timeout=1).ping()  # what a default client meets
    result = _in_shop(
        "import django; django.setup()\n"
        "from django.core.cache import caches\n"
        "from huey.contrib.djhuey import HUEY\n"
        "from shop.health import redis_check\n"
        "caches['default'].set('tls-check', 'round trip', 30)\n"  # the fail-open cache would hide a failure:
        "print(caches['default'].get('tls-check'))\n"  # only reading the value back proves it
        "caches['ratelimit'].set('tls-count', 1, 30)\n"
        "print(caches['ratelimit'].incr('tls-count'))\n"
        "from checkout.services.outbox import send_email\n"
        "send_email(1001)\n"
        "print(HUEY.pending_count())\n"
        "print(redis_check()['ok'])\n",
        REDIS_URL=tls_redis)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["round trip", "2", "1", "True"], result.stdout + result.stderr
