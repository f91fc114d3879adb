"""Stripe's wire format for the fake (tests/fake_stripe.py): form decoding, error bodies, ids,
the parameters each endpoint accepts, and money as Stripe writes it in messages."""

import re
import secrets
import string
from collections import namedtuple

LoggedRequest = namedtuple("LoggedRequest", "method path params idempotency_key")

# Top-level parameters Stripe accepts on these endpoints (from the SDK's
# *CreateParams).  Anything else gets "Received unknown parameter", as on Stripe.
SESSION_CREATE_PARAMS = frozenset(
    "adaptive_pricing after_expiration allow_promotion_codes allowed_payment_method_types "
    "automatic_tax billing_address_collection branding_settings cancel_url client_reference_id "
    "consent_collection currency custom_fields custom_text customer customer_account "
    "customer_creation customer_email customer_update discounts excluded_payment_method_types "
    "expand expires_at integration_identifier invoice_creation line_items locale "
    "managed_payments metadata mode name_collection optional_items origin_context "
    "payment_intent_data payment_method_collection payment_method_configuration "
    "payment_method_data payment_method_options payment_method_types permissions "
    "phone_number_collection redirect_on_completion return_url saved_payment_method_options "
    "setup_intent_data shipping_address_collection shipping_options submit_type "
    "subscription_data success_url tax_id_collection ui_mode wallet_options".split()
)
REFUND_CREATE_PARAMS = frozenset(
    "amount charge currency customer expand instructions_email metadata origin "
    "payment_intent reason refund_application_fee reverse_transfer".split()
)
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
MIN_EXPIRY, MAX_EXPIRY = 30 * 60, 24 * 60 * 60


class StripeAPIError(Exception):
    """An error answered in Stripe's shape: ``{"error": {type, message, code, param}}``."""

    def __init__(self, status, message, type="invalid_request_error", code=None, param=None):
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param

    def body(self):
        err = {"type": self.type, "message": self.message}
        if self.code:
            err["code"] = self.code
            err["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            err["param"] = self.param
        return {"error": err}


def decode_form(pairs):
    """Decode Stripe's form encoding (``a[b][0][c]=v``) into nested dicts/lists.

    The SDK always indexes arrays (``expand[0]=x``); ``expand[]=x`` is accepted
    too.  Dicts whose keys are all digits become lists (except ``metadata``,
    which is always a hash, as on Stripe).
    """
    root = {}
    for key, value in pairs:
        m = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", key)
        if not m:
            raise StripeAPIError(400, f"Invalid parameter name: {key}")
        parts = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2))
        node = root
        for i, part in enumerate(parts):
            if not isinstance(node, dict):
                raise StripeAPIError(400, f"Invalid hash for parameter: {key}", param=parts[0])
            if part == "":
                part = str(len(node))
            if i == len(parts) - 1:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node, name=None):
    if not isinstance(node, dict):
        return node
    node = {k: _listify(v, k) for k, v in node.items()}
    if node and name != "metadata" and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def rand_id(prefix, n=24):
    return prefix + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


def int_param(value, param, minimum=None):
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise StripeAPIError(400, f"Invalid integer: {value}", param=param) from None
    if minimum is not None and out < minimum:
        raise StripeAPIError(400, f"This value must be greater than or equal to {minimum}.", param=param)
    return out


def money(amount, currency):
    if currency.lower() in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:.2f} {currency.upper()}"
