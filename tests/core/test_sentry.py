"""Error reports reach Sentry without personal data.

The end-to-end test runs the shop in gunicorn with SENTRY_DSN pointing at a local stand-in for Sentry's
ingest endpoint (a plain HTTP server in this process that keeps every envelope the real SDK sends), and
breaks the shop for real: its database has no tables, so a shopper's order page and a checkout post fail.
"""

import gzip
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.sentry import FILTERED, report_scrub
from tests.support.processes import child_env, start_gunicorn, stop
from tests.support.waiting import wait_until

TOKEN = "Zm9vYmFyYmF6cXV4LXNlY3JldC1hY2Nlc3MtdG9rZW4xMjM"  # the shape of Order.access_token
SESSION = "k8v2n5q7w1e3r6t9y0u4i2o8p5a1s3d7"
CSRF = "Qw3rTy8uIoP1aSdF6gHjK2lZxC4vBnM9"
BEARER = "sekrit-bearer-value-of-some-integration"
REQUEST_ID = "5d2a1c3e-8f7b-4a6d-9e0c-1b2a3c4d5e6f"
PERSONAL = ["ada@example.com", "ada%40example.com", "Ada Lovelace", "Analytical Row", "N1 9GU", TOKEN, SESSION,
            CSRF, BEARER, "203.0.113.9"]


class FakeSentry:
    """Sentry's ingest endpoint, as far as the SDK can tell: it accepts envelopes and keeps them."""

    def __init__(self):
        self.envelopes: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                fake.envelopes.append(body.decode("utf-8", "replace"))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.dsn = f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def events(self) -> list[str]:
        return [envelope for envelope in self.envelopes if '"type":"event"' in envelope.replace(" ", "")]


@pytest.fixture
def fake_sentry():
    fake = FakeSentry()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _request(url: str, *, data: dict | None = None, headers: dict) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_crash_is_reported_to_sentry_without_personal_data(fake_sentry, tmp_path):
    env = child_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'no-tables.sqlite3'}",  # every query fails: "no such table"
        SENTRY_DSN=fake_sentry.dsn, SENTRY_ENVIRONMENT="ci", SENTRY_RELEASE="0123abc", HUEY_IMMEDIATE="true",
    )
    process, base = start_gunicorn(env, workers=1)
    try:
        headers = {"X-Request-ID": REQUEST_ID, "Authorization": f"Bearer {BEARER}", "X-Forwarded-For": "203.0.113.9",
                   "Cookie": f"sessionid={SESSION}; csrftoken={CSRF}"}
        order_page = _request(f"{base}/orders/7KQ4M9XZ2H/{TOKEN}/?email=ada%40example.com", headers=headers)
        checkout = _request(f"{base}/checkout/", headers=headers, data={
            "csrfmiddlewaretoken": CSRF, "email": "ada@example.com", "full_name": "Ada Lovelace",
            "address_line1": "12 Analytical Row", "city": "London", "postal_code": "N1 9GU", "country": "GB",
        })
        assert (order_page, checkout) == (500, 500)
        assert wait_until(lambda: len(fake_sentry.events()) >= 2, timeout=30, interval=0.1), fake_sentry.envelopes
    finally:
        output = stop(process)
    events = fake_sentry.events()
    sent = "\n".join(events)
    assert "no such table" in sent, sent  # the reports are the real errors ...
    assert "/orders/7KQ4M9XZ2H/" in sent and "/checkout/" in sent  # ... of these two pages
    for event in events:
        assert f'"request_id":"{REQUEST_ID}"' in event.replace(" ", "")
        assert '"environment":"ci"' in event.replace(" ", "") and '"release":"0123abc"' in event.replace(" ", "")
    for personal in PERSONAL:
        assert personal not in sent, personal
    assert f"request_id={REQUEST_ID}" in output  # and the shop's own error line names the same request


def test_the_scrubber_takes_out_what_the_sdk_would_otherwise_keep():
    """The parts of a report that personal data reaches even with send_default_pii off."""
    event = {
        "request": {
            "url": f"https://shop.example.com/orders/7KQ4M9XZ2H/{TOKEN}/",
            "query_string": "email=ada%40example.com&token=abc",
            "headers": {"Authorization": f"Bearer {BEARER}", "Cookie": f"sessionid={SESSION}", "User-Agent": "x"},
            "cookies": {"sessionid": SESSION},
            "data": {"full_name": "Ada Lovelace"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 7, "email": "ada@example.com", "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [
            {"message": "Order 7KQ4M9XZ2H placed for ada@example.com, total 42.00"},
            {"message": f"GET /checkout/cancel/7KQ4M9XZ2H/{TOKEN}/"},
            {"message": "GET /alerts/unsubscribe/MTI:1u9Xyz:AbCdEf-gh_ij/", "data": {"email": "bo@example.org"}},
            {"message": "GET /accounts/confirm-email/MQ:1u9Xyz:k3y/"},
        ]},
        "exception": {"values": [{"type": "IntegrityError", "value": "Key (email)=(ada@example.com) exists"}]},
        "transaction": "/orders/{number}/{token}/",
    }
    scrubbed = json.dumps(report_scrub(event, {}))
    for personal in (*PERSONAL, "bo@example.org", "MTI:1u9Xyz", "MQ:1u9Xyz", "token=abc"):
        assert personal not in scrubbed, personal
    assert FILTERED in scrubbed
    assert '"user": {"id": 7}' in scrubbed
    # What helps a developer stays: the page, the order number, the error type, the route.
    assert "/orders/7KQ4M9XZ2H/" in scrubbed and "IntegrityError" in scrubbed and "/orders/{number}/{token}/" in scrubbed
