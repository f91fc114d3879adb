"""Coupons, shipping rates and how the fake Stripe adds up a Checkout Session (tests/fake_stripe.py).

What Stripe documents, and the fake does:

* A coupon (``POST /v1/coupons``) has ``percent_off`` (above 0, at most 100) or ``amount_off`` with its
  ``currency``; ``duration`` ``once`` (the default), ``forever`` or ``repeating`` (with
  ``duration_in_months``); ``max_redemptions``, ``redeem_by``, a ``name`` of at most 40 characters shown to
  the customer, ``metadata``, and an ``id`` of your choice (else Stripe makes one). ``times_redeemed``
  counts the completed sessions that used it; ``valid`` turns false once it reaches ``max_redemptions`` or
  passes ``redeem_by``.
* A Checkout Session takes at most one ``discounts`` entry (a coupon; never together with
  ``allow_promotion_codes``) and up to 5 ``shipping_options``: an existing ``shipping_rate`` or inline
  ``shipping_rate_data`` (``fixed_amount``, ``display_name``, optional ``delivery_estimate``), which
  creates a ShippingRate. The first option is the one selected.
* ``amount_subtotal`` is the sum of the line items. A coupon discounts the items, never the shipping:
  ``amount_off`` up to the subtotal (a coupon worth the whole total or more makes the order free),
  ``percent_off`` of the subtotal rounded to the nearest minor unit (half up). ``amount_total`` =
  subtotal − discount + shipping; ``total_details`` carries ``amount_discount``, ``amount_shipping`` and
  ``amount_tax`` (0: the fake computes no tax), ``shipping_cost`` the selected rate, ``discounts`` the coupon.
* A total of 0 is a no-cost order (completed as ``no_payment_required``, without a PaymentIntent); any other
  total must reach Stripe's minimum charge, and in a three-decimal currency its last digit must be 0.

Stripe documents these rules but not every error sentence: where its words are not published, the
fake's message says the same thing in Stripe's style and keeps Stripe's documented error ``code``.
How Stripe spreads a discount over the line items is not published either; the fake splits it in
proportion to the items (largest remainder), so the items' discounts add up to the session's.
"""

import time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tests.fake_stripe_wire import (
    COUPON_CREATE_PARAMS,
    SHIPPING_RATE_CREATE_PARAMS,
    THREE_DECIMAL,
    StripeAPIError,
    currency_param,
    enum_param,
    int_param,
    metadata_param,
    money,
    rand_id,
    string_param,
)

MINIMUM_CHARGE = 50  # minor units: 0.50 USD/EUR, 50 JPY (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts)
MAX_SHIPPING_OPTIONS = 5
ESTIMATE_UNITS = ("business_day", "day", "hour", "month", "week")
UNIT_WORDS = {"business_day": "business day", "day": "day", "hour": "hour", "month": "month", "week": "week"}


def _unknown(p, allowed, prefix=""):
    for key in p:
        if key not in allowed:
            name = f"{prefix}[{key}]" if prefix else key
            raise StripeAPIError(400, f"Received unknown parameter: {name}", param=name)


# -------------------------------------------------------------------- coupons
def coupon_create(fake, p):
    _unknown(p, COUPON_CREATE_PARAMS)
    for key in ("applies_to", "currency_options"):
        if key in p:
            raise StripeAPIError(400, f"FakeStripe does not model coupon `{key}`.", param=key)
    if "amount_off" in p and "percent_off" in p:
        raise StripeAPIError(400, "You may only specify one of these parameters: amount_off, percent_off.",
                             param="amount_off")
    if "amount_off" not in p and "percent_off" not in p:
        raise StripeAPIError(400, "Missing required param: amount_off or percent_off.", code="parameter_missing",
                             param="percent_off")
    amount_off = percent_off = None
    currency = currency_param(p["currency"], "currency") if p.get("currency") else None
    if "amount_off" in p:
        amount_off = int_param(p["amount_off"], "amount_off", minimum=1)
        if currency is None:
            raise StripeAPIError(400, "Missing required param: currency.", code="parameter_missing", param="currency")
    else:
        percent_off = _percent(p["percent_off"])
    duration = enum_param(p.get("duration") or "once", "duration", ("forever", "once", "repeating"))
    months = None
    if duration == "repeating":
        if p.get("duration_in_months") in (None, ""):
            raise StripeAPIError(400, "Missing required param: duration_in_months.", code="parameter_missing",
                                 param="duration_in_months")
        months = int_param(p["duration_in_months"], "duration_in_months", minimum=1)
    coupon_id = p.get("id") or rand_id("", 8)
    if coupon_id in fake.coupons:
        raise StripeAPIError(400, "Coupon already exists.", code="resource_already_exists", param="id")
    fake.coupons[coupon_id] = {
        "id": coupon_id, "object": "coupon", "amount_off": amount_off, "currency": currency,
        "percent_off": float(percent_off) if percent_off is not None else None,
        "duration": duration, "duration_in_months": months,
        "max_redemptions": int_param(p["max_redemptions"], "max_redemptions", minimum=1)
        if p.get("max_redemptions") not in (None, "") else None,
        "redeem_by": int_param(p["redeem_by"], "redeem_by") if p.get("redeem_by") not in (None, "") else None,
        "name": string_param(p["name"], "name", 40) if p.get("name") else None,
        "metadata": metadata_param(p.get("metadata")), "times_redeemed": 0,
        "created": int(time.time()), "livemode": False,
    }
    return coupon_json(fake, coupon_id)


def _percent(value):
    try:
        percent = Decimal(str(value))
    except InvalidOperation:
        raise StripeAPIError(400, f"Invalid decimal: {value}", param="percent_off") from None
    if not percent.is_finite() or not 0 < percent <= 100:
        raise StripeAPIError(400, "percent_off must be greater than 0 and less than or equal to 100.",
                             param="percent_off")
    return percent


def coupon_valid(coupon):
    if coupon["max_redemptions"] is not None and coupon["times_redeemed"] >= coupon["max_redemptions"]:
        return False
    return coupon["redeem_by"] is None or time.time() < coupon["redeem_by"]


def coupon_get(fake, coupon_id, param="id"):
    if coupon_id not in fake.coupons:
        raise StripeAPIError(404 if param == "id" else 400, f"No such coupon: '{coupon_id}'",
                             code="resource_missing", param=param)
    return fake.coupons[coupon_id]


def coupon_json(fake, coupon_id):
    coupon = coupon_get(fake, coupon_id)
    return {**coupon, "metadata": dict(coupon["metadata"]), "valid": coupon_valid(coupon)}


def coupon_retrieve(fake, p, coupon_id):
    return coupon_json(fake, coupon_id)


def discount_of(coupon, subtotal):
    """What `coupon` takes off `subtotal` (minor units): never more than the items cost."""
    if coupon["amount_off"] is not None:
        return min(coupon["amount_off"], subtotal)
    off = Decimal(subtotal) * Decimal(str(coupon["percent_off"])) / 100
    return int(off.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_discount(discount, amounts):
    """`discount` over items of `amounts`, in proportion, the shares adding up to `discount`."""
    total = sum(amounts)
    if not total:
        return [0] * len(amounts)
    shares = [discount * amount // total for amount in amounts]
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(discount * amounts[i] % total), i))
    for i in by_remainder[:discount - sum(shares)]:
        shares[i] += 1
    return shares


# ------------------------------------------------------------- shipping rates
def _shipping_rate(fake, data, prefix):
    """Validate a ShippingRate's fields (``POST /v1/shipping_rates`` or inline ``shipping_rate_data``) and
    store it; returns its id."""
    def name(key):
        return f"{prefix}[{key}]" if prefix else key

    if not isinstance(data, dict):
        raise StripeAPIError(400, f"Invalid object for parameter: {prefix}", param=prefix)
    _unknown(data, SHIPPING_RATE_CREATE_PARAMS - ({"expand"} if prefix else set()), prefix)
    if not data.get("display_name"):
        raise StripeAPIError(400, f"Missing required param: {name('display_name')}.", code="parameter_missing",
                             param=name("display_name"))
    enum_param(data.get("type") or "fixed_amount", name("type"), ("fixed_amount",))
    fixed = data.get("fixed_amount")
    if not isinstance(fixed, dict):
        raise StripeAPIError(400, f"Missing required param: {name('fixed_amount')}.", code="parameter_missing",
                             param=name("fixed_amount"))
    _unknown(fixed, {"amount", "currency", "currency_options"}, name("fixed_amount"))
    for key in ("amount", "currency"):
        if fixed.get(key) in (None, ""):
            raise StripeAPIError(400, f"Missing required param: {name('fixed_amount')}[{key}].",
                                 code="parameter_missing", param=f"{name('fixed_amount')}[{key}]")
    amount = int_param(fixed["amount"], f"{name('fixed_amount')}[amount]", minimum=0)
    currency = currency_param(fixed["currency"], f"{name('fixed_amount')}[currency]")
    estimate = data.get("delivery_estimate")
    if estimate not in (None, ""):
        if not isinstance(estimate, dict):
            raise StripeAPIError(400, f"Invalid object for parameter: {name('delivery_estimate')}",
                                 param=name("delivery_estimate"))
        _unknown(estimate, {"minimum", "maximum"}, name("delivery_estimate"))
        estimate = {bound: _estimate_bound(estimate.get(bound), f"{name('delivery_estimate')}[{bound}]")
                    for bound in ("minimum", "maximum")}
    rate_id = rand_id("shr_")
    fake.shipping_rates[rate_id] = {
        "id": rate_id, "object": "shipping_rate", "active": True, "created": int(time.time()),
        "delivery_estimate": estimate or None, "display_name": string_param(data["display_name"],
                                                                            name("display_name"), 100),
        "fixed_amount": {"amount": amount, "currency": currency}, "livemode": False,
        "metadata": metadata_param(data.get("metadata"), name("metadata")),
        "tax_behavior": enum_param(data.get("tax_behavior") or "unspecified", name("tax_behavior"),
                                   ("exclusive", "inclusive", "unspecified")),
        "tax_code": data.get("tax_code"), "type": "fixed_amount",
    }
    return rate_id


def _estimate_bound(bound, param):
    if bound in (None, ""):
        return None
    if not isinstance(bound, dict):
        raise StripeAPIError(400, f"Invalid object for parameter: {param}", param=param)
    _unknown(bound, {"unit", "value"}, param)
    for key in ("unit", "value"):
        if bound.get(key) in (None, ""):
            raise StripeAPIError(400, f"Missing required param: {param}[{key}].", code="parameter_missing",
                                 param=f"{param}[{key}]")
    return {"unit": enum_param(bound["unit"], f"{param}[unit]", ESTIMATE_UNITS),
            "value": int_param(bound["value"], f"{param}[value]", minimum=1)}


def shipping_rate_create(fake, p):
    return shipping_rate_retrieve(fake, {}, _shipping_rate(fake, p, ""))


def shipping_rate_retrieve(fake, p, rate_id, param="shipping_rate"):
    if rate_id not in fake.shipping_rates:
        raise StripeAPIError(404 if param == "shipping_rate" else 400, f"No such shipping rate: '{rate_id}'",
                             code="resource_missing", param=param)
    rate = fake.shipping_rates[rate_id]
    return {**rate, "metadata": dict(rate["metadata"])}


def estimate_text(estimate):
    """A delivery estimate as the hosted page words it: "2–5 business days"."""
    low, high = (estimate or {}).get("minimum"), (estimate or {}).get("maximum")

    def words(bound):
        return f"{bound['value']} {UNIT_WORDS[bound['unit']]}{'s' if bound['value'] != 1 else ''}"

    if low and high:
        if low["unit"] == high["unit"]:
            return words(low) if low["value"] == high["value"] else f"{low['value']}–{words(high)}"
        return f"{words(low)} to {words(high)}"
    if low:
        return f"At least {words(low)}"
    return f"Up to {words(high)}" if high else ""


# ------------------------------------------------------------- the session
def _session_coupon(fake, p, currency):
    discounts = p.get("discounts")
    if discounts in (None, "", []):
        return None
    if p.get("allow_promotion_codes") not in (None, ""):
        raise StripeAPIError(400, "You may only specify one of these parameters: allow_promotion_codes, discounts.",
                             param="discounts")
    if not isinstance(discounts, list) or not all(isinstance(d, dict) for d in discounts):
        raise StripeAPIError(400, "Invalid array", param="discounts")
    if len(discounts) > 1:
        raise StripeAPIError(400, f"Only one discount can be applied to a Checkout Session; received "
                                  f"{len(discounts)}.", param="discounts")
    (entry,) = discounts
    _unknown(entry, {"coupon", "promotion_code"}, "discounts[0]")
    if "promotion_code" in entry:
        raise StripeAPIError(400, "FakeStripe does not model promotion codes.", param="discounts[0][promotion_code]")
    if not entry.get("coupon"):
        raise StripeAPIError(400, "Missing required param: discounts[0][coupon].", code="parameter_missing",
                             param="discounts[0][coupon]")
    coupon = coupon_get(fake, entry["coupon"], param="discounts[0][coupon]")
    if not coupon_valid(coupon):
        raise StripeAPIError(400, f"Coupon {coupon['id']} has expired or reached its maximum redemptions.",
                             code="coupon_expired", param="discounts[0][coupon]")
    if coupon["amount_off"] is not None and coupon["currency"] != currency:
        raise StripeAPIError(400, f"The coupon's currency ({coupon['currency']}) does not match the Checkout "
                                  f"Session's currency ({currency}).", param="discounts[0][coupon]")
    return coupon


def _session_shipping_options(fake, p, currency):
    options = p.get("shipping_options")
    if options in (None, "", []):
        return []
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        raise StripeAPIError(400, "Invalid array", param="shipping_options")
    if len(options) > MAX_SHIPPING_OPTIONS:
        raise StripeAPIError(400, f"You may specify at most {MAX_SHIPPING_OPTIONS} shipping options; received "
                                  f"{len(options)}.", param="shipping_options")
    out = []
    for i, option in enumerate(options):
        pre = f"shipping_options[{i}]"
        _unknown(option, {"shipping_rate", "shipping_rate_data"}, pre)
        if "shipping_rate" in option and "shipping_rate_data" in option:
            raise StripeAPIError(400, "You may only specify one of these parameters: shipping_rate, "
                                      "shipping_rate_data.", param=pre)
        if option.get("shipping_rate"):
            rate_id = shipping_rate_retrieve(fake, {}, option["shipping_rate"], param=f"{pre}[shipping_rate]")["id"]
        elif option.get("shipping_rate_data"):
            rate_id = _shipping_rate(fake, option["shipping_rate_data"], f"{pre}[shipping_rate_data]")
        else:
            raise StripeAPIError(400, f"Missing required param: {pre}[shipping_rate_data].",
                                 code="parameter_missing", param=f"{pre}[shipping_rate_data]")
        fixed = fake.shipping_rates[rate_id]["fixed_amount"]
        if fixed["currency"] != currency:
            raise StripeAPIError(400, f"The shipping rate's currency ({fixed['currency']}) does not match the "
                                      f"Checkout Session's currency ({currency}).", param=pre)
        out.append({"shipping_amount": fixed["amount"], "shipping_rate": rate_id})
    return out


def session_pricing(fake, p, currency, subtotal):
    """The session's money fields from its items' `subtotal`, `discounts` and `shipping_options`."""
    coupon = _session_coupon(fake, p, currency)
    options = _session_shipping_options(fake, p, currency)
    discount = discount_of(coupon, subtotal) if coupon else 0
    shipping = options[0]["shipping_amount"] if options else 0
    total = subtotal - discount + shipping
    if 0 < total < MINIMUM_CHARGE:
        raise StripeAPIError(400, "The Checkout Session's total amount due must add up to at least "
                                  f"{money(MINIMUM_CHARGE, currency)}", code="amount_too_small")
    if currency in THREE_DECIMAL and total % 10:
        raise StripeAPIError(400, f"Amounts in {currency.upper()} must end in 0 (the smallest charged unit is "
                                  f"10 minor units): the total is {total}.", code="invalid_charge_amount")
    return {
        "amount_subtotal": subtotal, "amount_total": total,
        "total_details": {"amount_discount": discount, "amount_shipping": shipping, "amount_tax": 0},
        "discounts": [{"coupon": coupon["id"], "promotion_code": None}] if coupon else [],
        "shipping_options": options,
        "shipping_cost": {"amount_subtotal": shipping, "amount_tax": 0, "amount_total": shipping,
                          "shipping_rate": options[0]["shipping_rate"]} if options else None,
    }


def session_redeem(fake, session):
    """On completion: the session's coupon counts one redemption, as Stripe counts it. Raises ValueError
    (and counts nothing) when the coupon was deleted or used up by another session meanwhile."""
    coupons = []
    for entry in session.get("discounts") or []:
        coupon = fake.coupons.get(entry["coupon"])
        if coupon is None:
            raise ValueError(f"No such coupon: '{entry['coupon']}'")
        if not coupon_valid(coupon):
            raise ValueError(f"Coupon {coupon['id']} has expired or reached its maximum redemptions.")
        coupons.append(coupon)
    for coupon in coupons:
        coupon["times_redeemed"] += 1


ROUTES = [
    ("POST", r"/v1/coupons", coupon_create),
    ("GET", r"/v1/coupons/(?P<coupon_id>[^/]+)", coupon_retrieve),
    ("POST", r"/v1/shipping_rates", shipping_rate_create),
    ("GET", r"/v1/shipping_rates/(?P<rate_id>[^/]+)", shipping_rate_retrieve),
]
