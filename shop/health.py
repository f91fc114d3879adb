"""What the operator's health view reports: the database, Redis, the task queue, the outbox backlog and
when each periodic job last ran. Each check catches its own failure, so one part down never hides the rest.
"""

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from checkout.models import OutboxEmail
from core.jobs import JOBS
from core.models import JobRun
from core.redis_options import redis_options

logger = logging.getLogger(__name__)


def _failure(part: str, error: Exception) -> dict:
    logger.warning("Health: %s down: %s", part, error)
    return {"ok": False, "error": f"{type(error).__name__}: {error}"}


def database_check() -> dict:
    try:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 1)}
    except Exception as error:
        return _failure("database", error)


def redis_check() -> dict:
    """A PING on its own connection (not the fail-open cache, which would hide an outage)."""
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    client = redis.Redis.from_url(
        settings.REDIS_URL, **redis_options(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    )
    try:
        start = time.perf_counter()
        client.ping()
        return {"ok": True, "configured": True, "latency_ms": round((time.perf_counter() - start) * 1000, 1)}
    except Exception as error:
        return _failure("redis", error) | {"configured": True}
    finally:
        client.close()


def queue_check() -> dict:
    """Tasks waiting for the worker, and those scheduled for later (retries with backoff)."""
    if HUEY.immediate:
        return {"ok": True, "immediate": True, "pending": 0, "scheduled": 0}
    try:
        return {"ok": True, "immediate": False, "pending": HUEY.pending_count(), "scheduled": HUEY.scheduled_count()}
    except Exception as error:
        return _failure("task queue", error) | {"immediate": False}


def outbox_backlog() -> dict:
    """Emails waiting to go out, how long the oldest has waited, and those given up on ("failed")."""
    try:
        queued = OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED)
        row = queued.aggregate(count=Count("id"), oldest=Min("created"))
        failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()
    except Exception as error:
        return _failure("outbox", error)
    oldest_age = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else None
    return {"ok": True, "queued": row["count"], "oldest_queued_at": row["oldest"], "oldest_queued_seconds": oldest_age,
            "failed": failed}


def job_runs() -> list[dict]:
    """Each periodic job with its last start, last clean finish and last error; a job that never ran
    shows with empty times."""
    autodiscover_modules("tasks")  # as the worker does, so every periodic job is known here too
    try:
        rows = {run.name: run for run in JobRun.objects.all()}
    except Exception as error:
        logger.warning("Health: job runs unreadable: %s", error)
        rows = {}
    jobs = []
    for name in sorted(JOBS | rows.keys()):
        run = rows.get(name)
        jobs.append({
            "name": name,
            "last_started": run.last_started if run else None,
            "last_finished": run.last_finished if run else None,
            "last_error": run.last_error if run else "",
        })
    return jobs


def health_report() -> dict:
    """Everything the detailed view shows; `ok` is false when the database or Redis is down."""
    redis_status = redis_check()
    report = {
        "database": database_check(),
        "redis": redis_status,
        # huey's connection has no socket timeouts (its consumer blocks on reads): not asked while Redis is down.
        "queue": queue_check() if redis_status["ok"] else {"ok": False, "immediate": False, "error": "Redis is down"},
        "outbox": outbox_backlog(),
        "jobs": job_runs(),
        "checked_at": timezone.now(),
    }
    report["ok"] = report["database"]["ok"] and report["redis"]["ok"]
    return report
