"""Races through the real views, with real threads and connections (PostgreSQL and SQLite)."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from checkout.models import Order, OrderEvent, OutboxEmail
from checkout.services.orders import order_place
from checkout.services.payments import payment_start
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [None] * len(targets), []

    def run(i, target):
        try:
            barrier.wait(timeout=30)
            results[i] = target()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert errors == [], errors
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_the_last_unit_from_two_browsers_at_once(stripe_fake, attempt):
    variant = factories.variant(stock=1, price="19.00")
    browsers = [Client(), Client()]
    for i, browser in enumerate(browsers):
        browser.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": "1"})

    def checkout(browser, token):
        return lambda: browser.post(reverse("checkout:checkout"), factories.checkout_post(token))

    responses = run_together(checkout(browsers[0], f"{attempt}a" + "0" * 30), checkout(browsers[1], f"{attempt}b" + "0" * 30))
    won = [i for i, r in enumerate(responses) if r.status_code == 303]
    assert len(won) == 1
    lost = 1 - won[0]
    if responses[lost].status_code == 200:  # refused while holding the stock
        assert "sold out" in responses[lost].content.decode()
    else:  # it arrived after: the cart already shows the line as sold out
        assert responses[lost]["Location"] == reverse("checkout:cart")
        assert "Sold out" in browsers[lost].get(reverse("checkout:cart")).content.decode()
    variant.refresh_from_db()
    assert variant.stock == 0
    assert Order.objects.filter(stock_held=True).count() == 1


def _pending_with_session(stripe_fake, stock=5, quantity=2):
    variant = factories.variant(stock=stock, price="25.00")
    order = order_place(cart=factories.cart_with((variant, quantity)), details=factories.details(),
                                 checkout_token="x" * 32)
    payment_start(order=order, success_url="http://testserver/s?session_id={CHECKOUT_SESSION_ID}",
                           cancel_url="http://testserver/c")
    return variant, order, order.payments.get().session_id


def _post(payload, headers):
    return Client().post(reverse("checkout:stripe_webhook"), data=payload, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])


def test_completed_twice_in_parallel_racing_the_success_page(stripe_fake, mailoutbox):
    _, order, session_id = _pending_with_session(stripe_fake)
    stripe_fake.complete_session(session_id, deliver=False)
    payload, headers = stripe_fake.make_event("checkout.session.completed", stripe_fake.sessions[session_id])
    success = reverse("checkout:success") + f"?session_id={session_id}"
    responses = run_together(lambda: _post(payload, headers), lambda: _post(payload, headers),
                             lambda: Client().get(success))
    assert [r.status_code for r in responses] == [200, 200, 200]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="status", to_status="paid").count() == 1
    assert OutboxEmail.objects.filter(order=order, kind="receipt").count() == 1
    assert len([m for m in mailoutbox if "Receipt" in m.subject]) == 1


def test_expired_twice_in_parallel_returns_stock_once(stripe_fake):
    variant, order, session_id = _pending_with_session(stripe_fake, stock=5, quantity=2)
    stripe_fake.expire_session(session_id, deliver=False)
    events = [stripe_fake.make_event("checkout.session.expired", stripe_fake.sessions[session_id]) for _ in range(3)]
    responses = run_together(*[lambda e=e: _post(*e) for e in events])
    assert all(r.status_code == 200 for r in responses)
    variant.refresh_from_db()
    order.refresh_from_db()
    assert variant.stock == 5 and order.status == Order.Status.EXPIRED


def test_a_locked_order_delays_the_webhook_but_never_loses_it(stripe_fake, settings):
    """Staff (or a checkout) hold the order while Stripe's webhook arrives.

    PostgreSQL: the webhook gives up after SHOP_LOCK_TIMEOUT_MS and answers 503 while staff still
    hold the order, so Stripe retries; the retry marks the order paid. SQLite has no row locks: the
    writer holds the whole file and the webhook waits for it, then marks the order paid.
    """
    settings.SHOP_LOCK_TIMEOUT_MS = 500
    _, order, session_id = _pending_with_session(stripe_fake)
    stripe_fake.complete_session(session_id, deliver=False)
    payload, headers = stripe_fake.make_event("checkout.session.completed", stripe_fake.sessions[session_id])
    locked, release = threading.Event(), threading.Event()

    def staff_holds_the_order():
        try:
            with transaction.atomic():
                Order.objects.select_for_update().get(pk=order.pk)
                Order.objects.filter(pk=order.pk).update(needs_review=False)  # a write: SQLite takes its lock
                locked.set()
                release.wait(60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=staff_holds_the_order)
    holder.start()
    try:
        assert locked.wait(10)
        if connection.vendor == "postgresql":
            first = _post(payload, headers)
            assert holder.is_alive()  # answered while staff still held the order: it gave up, it did not wait
            release.set()
            holder.join(10)
            assert first.status_code == 503 and first["Retry-After"]
            order.refresh_from_db()
            assert order.status == Order.Status.PENDING_PAYMENT
            assert _post(payload, headers).status_code == 200  # Stripe's retry
        else:
            first = _webhook_waiting_for_staff(payload, headers, release)
            holder.join(10)
            assert first.status_code == 200
    finally:
        release.set()
        holder.join(10)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert OrderEvent.objects.filter(order=order, kind="status", to_status="paid").count() == 1


def _webhook_waiting_for_staff(payload, headers, release):
    """Post the webhook from another thread while staff hold the SQLite file; release staff only once
    the webhook is asking for the write lock, and prove its write went through after the release."""
    asking, answers, write_done_after_release = threading.Event(), [], []

    def observe(execute, sql, params, many, context):
        if asking.is_set() or sql.lstrip().upper().startswith("SELECT"):
            return execute(sql, params, many, context)
        asking.set()  # the webhook's first write (BEGIN IMMEDIATE): it needs the lock staff hold
        try:
            return execute(sql, params, many, context)
        finally:
            write_done_after_release.append(release.is_set())

    def webhook():
        try:
            with connection.execute_wrapper(observe):
                answers.append(_post(payload, headers))
        finally:
            connections.close_all()

    thread = threading.Thread(target=webhook)
    thread.start()
    assert asking.wait(10), "the webhook never tried to write"
    release.set()  # staff save
    thread.join(30)
    assert write_done_after_release == [True]  # it waited for the staff transaction instead of failing
    return answers[0]


def test_a_payment_after_the_hold_was_released_never_takes_stock_below_zero(stripe_fake):
    variant, order, session_id = _pending_with_session(stripe_fake, stock=2, quantity=2)
    stripe_fake.expire_session(session_id, deliver=False)
    expired = stripe_fake.make_event("checkout.session.expired", stripe_fake.sessions[session_id])
    assert _post(*expired).status_code == 200
    Variant.objects.filter(pk=variant.pk).update(stock=1)  # another shopper bought one meanwhile
    late = dict(stripe_fake.sessions[session_id], status="complete", payment_status="paid", payment_intent="pi_late")
    assert _post(*stripe_fake.make_event("checkout.session.completed", late)).status_code == 200
    variant.refresh_from_db()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID_OUT_OF_STOCK
    assert variant.stock == 1
