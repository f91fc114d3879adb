from decimal import Decimal

import pytest

from checkout.errors import CheckoutError
from checkout.gateways.common import CheckoutSession
from checkout.models import Order
from checkout.services.orders import order_place
from checkout.services.outbox import receipt_resend
from checkout.services.payments import (
    order_payment_failed,
    order_payment_processing,
    order_payment_succeeded,
    order_session_expired,
    payment_start,
)
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db


# --- Fulfilment -------------------------------------------------------------


def _placed(stock=5, quantity=2, price="10.00"):
    variant = factories.variant(stock=stock, price=price)
    order = order_place(
        cart=factories.cart_with((variant, quantity)), details=factories.details(), checkout_token="f" * 32
    )
    return variant, order


def _session(order, payment, **kwargs):
    values = dict(
        id=payment.session_id, url="", status="complete", payment_status="paid", amount_total=order.total,
        currency=order.currency, payment_intent="pi_123", order_number=order.number,
    )
    return CheckoutSession(**(values | kwargs))


def test_fulfil_twice_marks_paid_once_and_sends_one_receipt(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.DEBUG = True  # demo payments: no Stripe needed for the service itself
    variant, order = _placed()
    payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    with django_capture_on_commit_callbacks(execute=True):
        order_payment_succeeded(session=_session(order, payment), actor_label="test")
    with django_capture_on_commit_callbacks(execute=True):
        order_payment_succeeded(session=_session(order, payment), actor_label="test")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.stock_held  # the held units are now sold
    assert order.payment_state == Order.PaymentState.PAID and order.amount_paid == order.total
    assert order.events.filter(to_status="paid", kind="status").count() == 1
    assert len(mailoutbox) == 1
    assert order.display_number in mailoutbox[0].subject
    assert order.receipt_sent_at is not None
    variant.refresh_from_db()
    assert variant.stock == 3  # sold, not returned


def test_an_amount_mismatch_never_marks_paid(settings):
    settings.DEBUG = True
    _, order = _placed()
    payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    order_payment_succeeded(session=_session(order, payment, amount_total=Decimal("0.50")), actor_label="t")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.needs_review
    assert "0.50" in order.review_reason
    order_payment_succeeded(session=_session(order, payment, currency="eur"), actor_label="t")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_expiry_releases_stock_exactly_once(settings):
    settings.DEBUG = True
    variant, order = _placed(stock=5, quantity=2)
    payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    expired = _session(order, payment, status="expired", payment_status="unpaid")
    order_session_expired(session=expired, actor_label="t")
    order_session_expired(session=expired, actor_label="t")
    variant.refresh_from_db()
    order.refresh_from_db()
    assert variant.stock == 5
    assert order.status == Order.Status.EXPIRED


def test_payment_after_expiry_takes_stock_again_or_flags_for_staff(settings):
    settings.DEBUG = True
    variant, order = _placed(stock=2, quantity=2)
    payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    order_session_expired(session=_session(order, payment, status="expired"), actor_label="t")
    Variant.objects.filter(pk=variant.pk).update(stock=1)  # someone bought one meanwhile
    order_payment_succeeded(session=_session(order, payment), actor_label="t")
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.PAID_OUT_OF_STOCK  # the shopper paid: the order is theirs
    assert order.needs_review
    assert variant.stock == 1  # never below zero


def test_async_payment_waits_then_fails_and_releases(settings):
    settings.DEBUG = True
    variant, order = _placed(stock=5, quantity=2)
    payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    order_payment_processing(session=_session(order, payment, payment_status="unpaid"), actor_label="t")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    order_payment_failed(session=_session(order, payment, payment_status="unpaid"), actor_label="t")
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert variant.stock == 5


def test_receipt_is_not_sent_for_unpaid_orders(mailoutbox):
    _, order = _placed()
    with pytest.raises(CheckoutError, match="not paid"):
        receipt_resend(order=order)
    assert mailoutbox == []
