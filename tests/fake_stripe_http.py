"""The fake Stripe's HTTP front (tests/fake_stripe.py): ``/v1/...`` is the JSON API, ``/pay/...``
the stand-in for Checkout's hosted payment page."""

import html
import json
import re
import urllib.parse
from http.server import BaseHTTPRequestHandler

from tests.fake_stripe_pricing import estimate_text
from tests.fake_stripe_wire import StripeAPIError, decode_form, money, rand_id


def _summary(fake, s):
    """Below the items, as Checkout shows them: subtotal, the coupon by its name (its id when it has
    none), the selected shipping rate with its delivery estimate, then the total."""
    cur, details = s["currency"], s["total_details"]
    rows = [f"<p>Subtotal: <span id='subtotal'>{money(s['amount_subtotal'], cur)}</span></p>"]
    for entry in s["discounts"]:
        coupon = fake.coupons.get(entry["coupon"]) or {"id": entry["coupon"], "name": None}
        rows.append(f"<p id='discount'>{html.escape(coupon['name'] or coupon['id'])}: "
                    f"&minus;{money(details['amount_discount'], cur)}</p>")
    if s["shipping_cost"]:
        rate = fake.shipping_rates[s["shipping_cost"]["shipping_rate"]]
        estimate = estimate_text(rate["delivery_estimate"])
        rows.append(f"<p id='shipping'>{html.escape(rate['display_name'])}"
                    f"{f' ({estimate})' if estimate else ''}: {money(details['amount_shipping'], cur)}</p>")
    return "".join(rows)


def pay_page(fake, sid):
    """Checkout's hosted page stand-in: items, subtotal, discount, shipping, total, Pay and Cancel buttons."""
    with fake.lock:
        s = fake.sessions.get(sid)
        if s is None:
            return 404, "<h1>Something went wrong</h1><p>This checkout session does not exist.</p>"
        if s["status"] != "open":
            msg = "has expired" if s["status"] == "expired" else "is already complete"
            return 200, f"<h1>Checkout</h1><p class='state'>This checkout session {msg}.</p>"
        rows = "".join(
            f"<li>{html.escape(li['price_data']['product_data']['name'])} &times; {li['quantity']}"
            f" &mdash; {money(li['price_data']['unit_amount'] * li['quantity'], s['currency'])}</li>"
            for li in s["line_items"])
        email = html.escape(s["customer_email"] or "")
        return 200, (
            f"<h1>Checkout</h1><p>{email}</p><ul>{rows}</ul>{_summary(fake, s)}"
            f"<p>Total: <strong id='total'>{money(s['amount_total'], s['currency'])}</strong></p>"
            f"<form method='post' action='/pay/{sid}/pay'><button type='submit'>Pay</button></form>"
            f"<form method='post' action='/pay/{sid}/cancel'><button type='submit'>Cancel</button></form>")


class Handler(BaseHTTPRequestHandler):
    """HTTP front: ``/v1/...`` is the JSON API, ``/pay/...`` the hosted page."""

    server_version = "FakeStripe/1.0"

    def log_message(self, *args):  # keep test output quiet
        pass

    @property
    def fake(self):
        return self.server.fake

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if url.path.startswith("/v1/"):
            try:
                query = url.query if method == "GET" else raw
                params = decode_form(urllib.parse.parse_qsl(query, keep_blank_values=True))
            except StripeAPIError as e:
                return self._send_json(e.status, e.body(), {})
            status, body, extra = self.fake.handle_api(method, url.path, params, self.headers)
            return self._send_json(status, body, extra)
        m = re.fullmatch(r"/pay/([^/]+)(?:/(pay|cancel))?", url.path)
        if not m:
            return self._send(404, b"Not found", "text/plain")
        sid, action = m.groups()
        if method == "GET" and not action:
            status, page = pay_page(self.fake, sid)
            doc = f"<!doctype html><html><head><title>Fake Stripe Checkout</title></head><body>{page}</body></html>"
            return self._send(status, doc.encode(), "text/html; charset=utf-8")
        if method != "POST" or not action:
            return self._send(405, b"Method not allowed", "text/plain")
        session = self.fake.sessions.get(sid)
        if session is None:
            return self._send(404, b"No such checkout session", "text/plain")
        if action == "cancel":
            return self._redirect(session["cancel_url"] or session["success_url"])
        try:
            self.fake.complete_session(sid)  # delivers checkout.session.completed before redirecting
        except ValueError:
            status, page = pay_page(self.fake, sid)
            return self._send(409, page.encode(), "text/html; charset=utf-8")
        return self._redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", sid))

    def _send_json(self, status, body, extra):
        headers = {"Request-Id": rand_id("req_", 14), "Stripe-Version": self.fake.api_version, **extra}
        self._send(status, json.dumps(body, indent=2).encode(), "application/json", headers)

    def _redirect(self, location):
        self._send(303, b"", "text/plain", {"Location": location})

    def _send(self, status, data, content_type, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during delay_next)
