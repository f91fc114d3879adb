"""Stripe's wire format for the fake (tests/fake_stripe.py): form decoding, error bodies, ids,
the parameters each endpoint accepts, and money as Stripe writes it in messages."""

import re
import secrets
import string
from collections import namedtuple
from decimal import Decimal

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
# Coupons and shipping rates (from the SDK's CouponCreateParams and ShippingRateCreateParams).
COUPON_CREATE_PARAMS = frozenset(
    "amount_off applies_to currency currency_options duration duration_in_months expand id "
    "max_redemptions metadata name percent_off redeem_by".split()
)
SHIPPING_RATE_CREATE_PARAMS = frozenset(
    "delivery_estimate display_name expand fixed_amount metadata tax_behavior tax_code type".split()
)
# https://docs.stripe.com/currencies: zero-decimal currencies, and three-decimal ones whose charged
# amounts must end in 0 (5.124 KWD is charged as 5120).
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())
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


def enum_param(value, param, choices):
    """Stripe's refusal of a value outside an enum: "Invalid x: must be one of a, b, or c"."""
    if value not in choices:
        *rest, last = choices
        raise StripeAPIError(400, f"Invalid {param}: must be one of {', '.join(rest)}, or {last}", param=param)
    return value


def string_param(value, param, max_length):
    if len(str(value)) > max_length:
        raise StripeAPIError(400, f"Invalid string: {str(value)[:20]}...; must be at most {max_length} characters",
                             param=param)
    return str(value)


def currency_param(value, param):
    currency = str(value or "").lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise StripeAPIError(400, f"Invalid currency: {currency}", param=param)
    return currency


def metadata_param(metadata, param="metadata"):
    metadata = metadata or {}
    if not isinstance(metadata, dict) or len(metadata) > 50 or any(
            len(k) > 40 or len(str(v)) > 500 for k, v in metadata.items()):
        raise StripeAPIError(400, "Invalid metadata: up to 50 keys, keys up to 40 characters, "
                                  "values up to 500 characters.", param=param)
    return metadata


def decimals(currency):
    currency = currency.lower()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def money(amount, currency):
    """Minor units as Stripe writes them in messages: "29.99 EUR", "500 JPY", "5.120 KWD"."""
    return f"{Decimal(amount).scaleb(-decimals(currency)):f} {currency.upper()}"
