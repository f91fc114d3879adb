import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """200 when the database and the cache answer, 503 otherwise."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("Health: database down: %s", exc)
        problems.append("database")
    try:
        cache.set("health:ping", "pong", 10)
        if cache.get("health:ping") != "pong":
            problems.append("cache")
    except Exception as exc:
        logger.warning("Health: cache down: %s", exc)
        problems.append("cache")
    if problems:
        return HttpResponse(f"unavailable: {', '.join(problems)}\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
