import logging

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """200 when the database and both Redis stores answer, 503 otherwise: the cache
    (REDIS_CACHE_URL) and the rate limits, whose Redis (REDIS_URL) also holds the task queue."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("Health: database down: %s", exc)
        problems.append("database")
    for alias, name in (("default", "cache"), ("ratelimit", "rate limits and task queue")):
        try:
            store = caches[alias]
            store.set("health:ping", "pong", 10)  # a write: a full Redis under noeviction refuses it
            if store.get("health:ping") != "pong":
                problems.append(name)
        except Exception as exc:
            logger.warning("Health: %s down: %s", name, exc)
            problems.append(name)
    if problems:
        return HttpResponse(f"unavailable: {', '.join(problems)}\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
