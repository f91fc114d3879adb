"""Request ids: one per request, on every log line the request causes, echoed to the client.

Heroku's router gives each request an `X-Request-ID` and prints it in its own router log line; the shop
takes it (or makes one), keeps it in a context variable for the request, adds `request_id=…` to every log
line through `RequestIdFilter`, and answers with it in the `X-Request-ID` response header, so the
router's line, the shop's lines and a Sentry report (tagged in core/sentry.py) can be matched up.

A huey task enqueued during a request carries the id in its task id (`<request id>.<uuid>`); the worker
runs the task under that id, so its log lines name the request that caused them.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse
from huey.signals import SIGNAL_ENQUEUED, SIGNAL_EXECUTING

NO_REQUEST = "-"
request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# What Heroku's router itself accepts from a client: 20 to 200 letters, digits, +, /, = and -.
# Anything else (too short, too long, spaces, quotes, newlines that would forge log lines) is replaced.
_ACCEPTED = re.compile(r"[A-Za-z0-9+/=-]{20,200}")
_TASK_SEPARATOR = "."  # never in a request id, so a task id "<request id>.<uuid>" splits unambiguously


def request_id_from(header: str | None) -> str:
    """The id a request goes by: the one it came with when well-formed, else a new uuid4 (hex)."""
    if header and _ACCEPTED.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: every log line of the request, whichever layer writes it, has the id.

    The id is cleared when the request finishes (`request_id_clear`, on `request_finished`), not when
    this middleware returns: Django writes its "Not Found" and "Internal Server Error" lines after the
    middleware chain has returned, and those lines need the id most.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = current
        request_id.set(current)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        return response


def request_id_clear(**kwargs) -> None:
    """Receiver of `request_finished` (sent once the response is closed, after Django's last log line)."""
    request_id.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Gives each record `request_id` (the current request's, or "-") for the formatter to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


def _task_enqueued(signal, task, *args, **kwargs) -> None:
    current = request_id.get()
    if current != NO_REQUEST and _TASK_SEPARATOR not in task.id:  # a retry keeps the id it has
        task.id = f"{current}{_TASK_SEPARATOR}{task.id}"
        task.revoke_id = f"r:{task.id}"  # huey derives it from the id when a task is made


def _task_executing(signal, task, *args, **kwargs) -> None:
    # A worker thread runs one task at a time, so the id stays until its next task sets another.
    origin, separator, _ = task.id.rpartition(_TASK_SEPARATOR)
    request_id.set(origin if separator else NO_REQUEST)


def huey_carry_request_ids(huey) -> None:
    """Connect the two huey signals that carry a request's id into the tasks it enqueues."""
    huey.signal(SIGNAL_ENQUEUED)(_task_enqueued)
    huey.signal(SIGNAL_EXECUTING)(_task_executing)
