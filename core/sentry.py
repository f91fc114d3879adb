"""Error reports to Sentry, with personal data taken out before they leave the shop.

The one place that talks to Sentry. `sentry_init` is called by settings only when SENTRY_DSN is set.
What never leaves: request bodies (checkout and account forms are names, addresses and emails), frame
variables (they hold the same), cookies, the Authorization header, forwarded client addresses, the user
beyond its id, any email address anywhere in the report, and the secrets that links carry in their path
(an order's access token, a cancel link, back-in-stock confirm and unsubscribe links, allauth's
confirmation and password-reset keys). Every report is tagged with its request id (core/requestid.py).
"""

import os
import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.huey import HueyIntegration

from core.requestid import NO_REQUEST, request_id

FILTERED = "[Filtered]"

_EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# The path segment after these prefixes is a secret; the prefix stays so the report still says which page.
_SECRET_IN_PATH = re.compile(
    r"(?P<page>/(?:orders/[\w{}-]+|checkout/cancel/[\w{}-]+|alerts/confirm|alerts/unsubscribe"
    r"|accounts/confirm-email|accounts/password/reset/key)/)[\w:=.-]+"
)
_SECRET_IN_QUERY = re.compile(r"(?P<name>(?:^|[?&])(?:token|key|email|code)=)[^&#\s\"']*", re.IGNORECASE)
# Keys whose value is personal or secret wherever they appear (headers, extra data, breadcrumbs' data).
_PERSONAL_KEYS = {
    "authorization", "proxy-authorization", "cookie", "cookies", "set-cookie", "x-csrftoken",
    "x-forwarded-for", "x-real-ip", "forwarded", "remote_addr", "ip_address",
    "email", "full_name", "first_name", "last_name", "phone", "address", "address_line1", "address_line2",
    "city", "postal_code", "password", "token", "access_token", "checkout_token", "csrfmiddlewaretoken",
}


def _scrub(value):
    if isinstance(value, str):
        value = _SECRET_IN_PATH.sub(rf"\g<page>{FILTERED}", value)
        value = _SECRET_IN_QUERY.sub(rf"\g<name>{FILTERED}", value)
        return _EMAIL.sub(FILTERED, value)
    if isinstance(value, dict):
        return {key: FILTERED if str(key).lower() in _PERSONAL_KEYS else _scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item) for item in value]
    return value


def report_scrub(event: dict, hint: dict | None = None) -> dict:
    """Sentry's `before_send`: the report without personal data, tagged with the request id."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("env", None)  # REMOTE_ADDR, SERVER_NAME
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    scrubbed = _scrub(event)
    current = request_id.get()
    if current != NO_REQUEST:
        scrubbed.setdefault("tags", {})["request_id"] = current
    return scrubbed


def sentry_release() -> str | None:
    """SENTRY_RELEASE if set, else the commit Heroku deployed: HEROKU_BUILD_COMMIT (Labs feature
    runtime-dyno-build-metadata), HEROKU_SLUG_COMMIT (runtime-dyno-metadata, older), SOURCE_VERSION (builds)."""
    for name in ("SENTRY_RELEASE", "HEROKU_BUILD_COMMIT", "HEROKU_SLUG_COMMIT", "SOURCE_VERSION"):
        if os.environ.get(name):
            return os.environ[name]
    return None


def sentry_init(*, dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=sentry_release(),
        integrations=[DjangoIntegration(), HueyIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=report_scrub,
    )
