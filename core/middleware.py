"""A request guard that knows no app."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def _null_in(request: HttpRequest) -> str:
    """Where the request carries a NUL character ("" when nowhere)."""
    if "\x00" in request.path:
        return "path"
    parts = {"query string": request.GET, "cookies": request.COOKIES}
    if request.method == "POST":
        parts["form"] = request.POST
    for where, values in parts.items():
        items = values.lists() if hasattr(values, "lists") else ((key, [value]) for key, value in values.items())
        for key, vals in items:
            if "\x00" in key or any("\x00" in value for value in vals):
                return where
    return ""


class NullCharacterMiddleware:
    """Answer 400 to a NUL character in the path, the query string, a form field or a cookie.

    No page of the shop takes a NUL, and PostgreSQL refuses one in any text it is asked to compare or
    store: a NUL that reached a query (a session id, an order number, a cookie's session key, a review)
    would be a 500. Refusing it here, before any view, covers every page, the admin and views not yet
    written. The page is rendered without the request, so nothing on it can read the hostile session.

    Reading `request.POST` here parses a form body before the view does, as the CSRF middleware does
    anyway; the one view that reads the raw body (Stripe's webhook) is sent JSON, which `POST` leaves alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _null_in(request)
        if where:
            logger.warning("Refused a request with a NUL character in its %s: %s %r", where, request.method,
                           request.path)
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)
