"""Helpers for tests that run the shop in real child processes (gunicorn, huey)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def redis_answers(url: str, timeout: float = 1) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
    except redis.RedisError:
        return False


def redis_server(machine: str = "redis://127.0.0.1:6379"):
    """Yield the base URL of a real Redis: the machine's own on 127.0.0.1:6379 when it answers,
    otherwise one started here from the `redis-server` binary. Never a silent skip: with neither,
    the tests that need Redis fail and say why."""
    if redis_answers(machine):
        yield machine
        return
    with own_redis_server() as (_process, url):
        yield url


@contextmanager
def own_redis_server(*options: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """A `redis-server` started here on a free port with `options` (e.g. "--maxmemory", "2mb"), and its
    base URL: a process of the test's own, which it may configure, stop and continue (SIGSTOP/SIGCONT)
    without touching the machine's Redis."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("These tests need `redis-server`, which is not installed.")
    port = free_port()
    process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no", *options], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}"
    if not wait_until(lambda: redis_answers(url), timeout=10, interval=0.1):
        process.kill()
        process.wait(10)
        pytest.fail("redis-server was started for the tests but did not answer within 10 s")
    try:
        yield process, url
    finally:
        process.send_signal(signal.SIGCONT)  # a stopped process would not act on SIGTERM
        process.terminate()
        process.wait(10)


def database_url() -> str:
    """The test database, for a child process to use."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "shop.settings", "DJANGO_DEBUG": "true", "DATABASE_URL": database_url(),
        "HUEY_IMMEDIATE": "false", "STRIPE_SECRET_KEY": "", "PYTHONUNBUFFERED": "1",
    } | extra


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, workers: int = 2, cwd: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """gunicorn serving the shop; from another working directory `cwd` (a second server's own disk),
    the code is found through PYTHONPATH."""
    port = free_port()
    if cwd != ROOT:
        env = env | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shop.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "30"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )

    def answering() -> bool:
        # An HTTP answer, not just a listening socket: gunicorn listens before its workers have
        # booted, and on a loaded machine booting can outlast a test's first request timeout.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2).close()
            return True
        except urllib.error.HTTPError:  # 503 when the cache is down on purpose: it answered
            return True
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read()) from None
            return False

    if wait_until(answering, timeout=60, interval=0.2):
        return process, f"http://127.0.0.1:{port}"
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=20)[0] or ""
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0] or ""
