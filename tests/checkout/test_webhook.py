"""Stripe webhooks, signed for real by the fake Stripe server and posted through the test client."""

import time

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from checkout.models import Order, OutboxEmail, Payment, WebhookEvent
from checkout.services.orders import order_place
from checkout.services.payments import payment_start
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("checkout:stripe_webhook")


@pytest.fixture
def pending(stripe_fake):
    """A pending order with an open Checkout Session on the fake Stripe."""
    variant = factories.variant(stock=5, price="25.00")
    order = order_place(
        cart=factories.cart_with((variant, 2)), details=factories.details(), checkout_token="w" * 32
    )
    payment_start(order=order, success_url="http://testserver/s?session_id={CHECKOUT_SESSION_ID}",
                           cancel_url="http://testserver/c")
    return variant, order, order.payments.get().session_id


def post(client, payload, headers):
    return client.post(URL, data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=headers.get("Stripe-Signature", ""))


def event_for(stripe_fake, event_type, session_id, **kw):
    return stripe_fake.make_event(event_type, stripe_fake.sessions[session_id], **kw)


def test_completed_and_paid_marks_the_order_paid_and_sends_the_receipt(
    client, stripe_fake, pending, mailoutbox, django_capture_on_commit_callbacks
):
    variant, order, session_id = pending
    stripe_fake.complete_session(session_id, deliver=False)
    payload, headers = event_for(stripe_fake, "checkout.session.completed", session_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, payload, headers)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mailoutbox) == 1
    receipt = mailoutbox[0]
    assert receipt.to == ["ada@example.com"]
    html = receipt.alternatives[0].content
    assert order.display_number in receipt.body and order.display_number in html
    assert order.get_absolute_url() in receipt.body
    assert "$50.00" in receipt.body
    assert WebhookEvent.objects.get().type == "checkout.session.completed"


def test_a_repeated_event_changes_nothing_and_still_gets_2xx(
    client, stripe_fake, pending, mailoutbox, django_capture_on_commit_callbacks
):
    _, order, session_id = pending
    stripe_fake.complete_session(session_id, deliver=False)
    payload, headers = event_for(stripe_fake, "checkout.session.completed", session_id)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, payload, headers)
        second = post(client, payload, headers)
    assert first.status_code == second.status_code == 200
    assert second.content == b"duplicate"
    assert WebhookEvent.objects.count() == 1
    assert order.events.filter(to_status="paid", kind="status").count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("kind", ["missing", "wrong secret", "stale", "tampered"])
def test_bad_signatures_are_refused_and_change_nothing(client, stripe_fake, pending, kind):
    _, order, session_id = pending
    stripe_fake.complete_session(session_id, deliver=False)
    if kind == "wrong secret":
        payload, headers = event_for(stripe_fake, "checkout.session.completed", session_id, secret="whsec_other")
    elif kind == "stale":
        payload, headers = event_for(stripe_fake, "checkout.session.completed", session_id,
                                     timestamp=int(time.time()) - 3600)
    else:
        payload, headers = event_for(stripe_fake, "checkout.session.completed", session_id)
        if kind == "missing":
            headers = {}
        else:
            payload = payload.replace(b'"paid"', b'"unpaid"', 1)
    response = post(client, payload, headers)
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not WebhookEvent.objects.exists()


def test_expired_twice_releases_stock_once(client, stripe_fake, pending):
    variant, order, session_id = pending
    variant.refresh_from_db()
    assert variant.stock == 3
    stripe_fake.expire_session(session_id, deliver=False)
    first = event_for(stripe_fake, "checkout.session.expired", session_id)
    second = event_for(stripe_fake, "checkout.session.expired", session_id)  # a distinct event id
    assert post(client, *first).status_code == 200
    assert post(client, *second).status_code == 200
    variant.refresh_from_db()
    order.refresh_from_db()
    assert variant.stock == 5
    assert order.status == Order.Status.EXPIRED
    assert WebhookEvent.objects.count() == 2


def test_unpaid_completion_waits_then_async_success_pays(
    client, stripe_fake, pending, mailoutbox, django_capture_on_commit_callbacks
):
    _, order, session_id = pending
    stripe_fake.complete_session(session_id, payment_status="unpaid", deliver=False)
    assert post(client, *event_for(stripe_fake, "checkout.session.completed", session_id)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    stripe_fake.settle_async_payment(session_id, succeeded=True, deliver=False)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, *event_for(stripe_fake, "checkout.session.async_payment_succeeded", session_id))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mailoutbox) == 1


def test_async_failure_cancels_and_releases(client, stripe_fake, pending):
    variant, order, session_id = pending
    stripe_fake.complete_session(session_id, payment_status="unpaid", deliver=False)
    post(client, *event_for(stripe_fake, "checkout.session.completed", session_id))
    stripe_fake.settle_async_payment(session_id, succeeded=False, deliver=False)
    post(client, *event_for(stripe_fake, "checkout.session.async_payment_failed", session_id))
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert variant.stock == 5


def test_a_mismatched_amount_is_flagged_not_paid(client, stripe_fake, pending, mailoutbox):
    _, order, session_id = pending
    stripe_fake.complete_session(session_id, amount_total=100, deliver=False)
    assert post(client, *event_for(stripe_fake, "checkout.session.completed", session_id)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.needs_review
    assert mailoutbox == []


def test_a_session_the_shop_cannot_use_answers_400_and_records_nothing(client, stripe_fake, pending):
    _, order, session_id = pending
    broken = dict(stripe_fake.sessions[session_id])
    del broken["id"]  # a session object the handler cannot use (more in tests/shop/test_hostile_input.py)
    payload, headers = stripe_fake.make_event("checkout.session.completed", broken)
    response = post(client, payload, headers)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()  # so a delivery after a fix is processed afresh
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_failure_midway_answers_5xx_and_records_nothing(
    client, stripe_fake, pending, mailoutbox, django_capture_on_commit_callbacks
):
    """The database refuses the receipt's row after the ledger row and the payment were written: all of it
    is rolled back and Stripe is told to retry; its retry fulfils the order, once."""
    variant, order, session_id = pending
    stripe_fake.complete_session(session_id, deliver=False)
    payload, headers = event_for(stripe_fake, "checkout.session.completed", session_id)

    def disk_full(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "checkout_outboxemail" in sql:
            raise DatabaseError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(disk_full):
        response = post(client, payload, headers)
    assert response.status_code == 500
    assert not WebhookEvent.objects.exists()  # so Stripe's retry is processed afresh
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and order.payment_state == Order.PaymentState.UNPAID
    assert order.payments.get().status == Payment.Status.OPEN and not OutboxEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        retry = post(client, payload, headers)
    assert retry.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and WebhookEvent.objects.count() == 1 and len(mailoutbox) == 1


def test_unrelated_events_are_recorded_and_acknowledged(client, stripe_fake):
    payload, headers = stripe_fake.make_event("customer.created", {"id": "cus_1", "object": "customer"})
    response = post(client, payload, headers)
    assert response.status_code == 200
    assert WebhookEvent.objects.get().result == "ignored"


def test_only_signed_callers_skip_csrf(stripe_fake):
    """Stripe's webhook (a signature) and one-click unsubscribe from an alert email (RFC 8058: the mail
    provider posts without a CSRF token; the signed link authorises it) are the only CSRF-exempt views."""
    from django.urls import get_resolver

    exempt = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif getattr(p.callback, "csrf_exempt", False):
                exempt.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    assert sorted(exempt) == ["alerts/unsubscribe/<str:token>/", "stripe/webhook/"]


def test_stock_never_goes_below_zero_at_the_database():
    from django.db import IntegrityError, transaction

    variant = factories.variant(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(stock=-1)
