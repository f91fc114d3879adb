import hmac
import logging
import posixpath

from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from shop.health import health_report
from storefront.images import original_name_of

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


def _operator(request: HttpRequest) -> bool:
    """Signed-in staff, or a caller with `Authorization: Bearer <SHOP_HEALTH_TOKEN>` (compared in constant time)."""
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return True
    expected = settings.SHOP_HEALTH_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), expected.encode())


@never_cache
@require_GET
def health_detailed(request: HttpRequest) -> HttpResponse:
    """The operator's view: database, Redis, queue, outbox backlog, periodic jobs. 404 to anyone else,
    as if there were no such page. JSON when asked for (`Accept: application/json`), else an admin page."""
    if not _operator(request):
        raise Http404
    report = health_report()
    status = 200 if report["ok"] else 503
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        return JsonResponse(report, status=status)
    context = admin.site.each_context(request) | {"title": "System health", "report": report}
    return TemplateResponse(request, "admin/health.html", context, status=status)


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded pictures from the local disk (no bucket set). A name is never reused for other bytes,
    so a file is cached for a year, immutable. A rendition that is not on this disk redirects to its
    original (uncached), so a page never shows a broken picture."""
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except Http404:
        original = original_name_of(posixpath.normpath(path))
        if original is None or not default_storage.exists(original):
            raise
        return redirect(default_storage.url(original))
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL
    return response
