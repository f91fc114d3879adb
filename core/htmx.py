"""htmx helpers beyond what django-htmx gives (`request.htmx`, `HttpResponseClientRedirect`, `push_url`)."""

from django.http import HttpRequest


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not htmx restoring a whole page from its history)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
