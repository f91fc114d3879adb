"""Staff actions and refunds, against the fake Stripe server with the real SDK."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkout.errors import CheckoutError
from checkout.models import Order, OutboxEmail, Refund
from checkout.services.history import order_note_add
from checkout.services.lifecycle import order_allocate_stock, order_cancel_by_staff, order_mark_delivered, order_ship
from checkout.services.orders import order_place
from checkout.services.payments import (
    order_cancel_by_shopper,
    order_confirm_return,
    order_payment_succeeded,
    orders_release_expired_holds,
    payment_start,
)
from checkout.services.refunds import order_refund
from checkout.tasks import release_expired_holds
from storefront.models import Variant
from tests import factories
from tests.support.processes import free_port

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def paid(stripe_fake, django_capture_on_commit_callbacks):
    """A paid order (2 × 25.00) on the fake Stripe, receipt sent."""
    variant = factories.variant(stock=5, price="25.00")
    order = order_place(cart=factories.cart_with((variant, 2)), details=factories.details(),
                                 checkout_token="p" * 32)
    payment_start(order=order, success_url="http://t/s?session_id={CHECKOUT_SESSION_ID}",
                           cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    stripe_fake.complete_session(session_id, deliver=False)
    with django_capture_on_commit_callbacks(execute=True):
        order_confirm_return(session_id=session_id)
    order.refresh_from_db()
    assert order.status == S.PAID
    return variant, order


def _kinds(order):
    return list(order.emails.order_by("id").values_list("kind", flat=True))


def test_ship_then_deliver_emails_the_customer(paid, mailoutbox, django_capture_on_commit_callbacks):
    _, order = paid
    staff = factories.user(email="staff@example.com", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order=order, carrier="DHL", tracking_number="JD0123",
                            tracking_url="https://dhl.example/track?n=JD0123", actor=staff)
    order.refresh_from_db()
    assert order.status == S.SHIPPED and order.shipped_at
    assert list(order.events.filter(kind="status").values_list("to_status", flat=True)) == [
        "pending_payment", "paid", "processing", "shipped"]
    assert order.events.get(to_status="shipped", kind="status").actor_label == "staff@example.com"
    shipped = mailoutbox[-1]
    assert "on its way" in shipped.subject and "JD0123" in shipped.body
    assert "https://dhl.example/track?n=JD0123" in shipped.alternatives[0].content
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_delivered(order=order, actor=staff)
    assert "delivered" in mailoutbox[-1].subject
    assert _kinds(order) == ["receipt", "shipped", "delivered"]


def test_illegal_staff_moves_are_refused_with_a_clear_error(paid):
    _, order = paid
    with pytest.raises(CheckoutError, match="cannot go from Paid to Delivered"):
        order_mark_delivered(order=order)
    order_ship(order=order, carrier="UPS", tracking_number="1Z")
    with pytest.raises(CheckoutError, match="cannot be cancelled once shipped"):
        order_cancel_by_staff(order=order)


def test_partial_refunds_add_up_and_never_exceed_what_was_paid(paid, stripe_fake):
    _, order = paid
    order_refund(order=order, amount=Decimal("10.00"), reason="Scratched")
    order_refund(order=order, amount=Decimal("15.50"), reason="Late")
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("25.50")
    assert order.payment_state == Order.PaymentState.PARTIALLY_REFUNDED
    assert sum(r["amount"] for r in stripe_fake.refunds.values()) == 2550
    with pytest.raises(CheckoutError, match="At most 24.50"):
        order_refund(order=order, amount=Decimal("30.00"), reason="Too much")
    order_refund(order=order, amount=Decimal("24.50"), reason="Rest")
    order.refresh_from_db()
    assert order.payment_state == Order.PaymentState.REFUNDED
    assert order.status == S.PAID  # money never moves the fulfilment status
    with pytest.raises(CheckoutError):
        order_refund(order=order, amount=Decimal("0.01"), reason="Nothing left")
    assert Refund.objects.count() == 3


def test_a_refund_stripe_refuses_records_nothing(paid, stripe_fake):
    _, order = paid
    stripe_fake.fail_next(1, status=400)
    with pytest.raises(CheckoutError, match="Stripe did not refund"):
        order_refund(order=order, amount=Decimal("5.00"), reason="x")
    order.refresh_from_db()
    assert order.amount_refunded == 0 and not Refund.objects.exists()


def test_cancel_a_paid_order_refunds_in_full_and_returns_stock(paid, stripe_fake, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    variant, order = paid
    variant.refresh_from_db()
    assert variant.stock == 3
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_staff(order=order, reason="Customer asked")
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.payment_state == Order.PaymentState.REFUNDED and order.amount_refunded == Decimal("50.00")
    assert variant.stock == 5
    assert list(stripe_fake.refunds.values())[0]["amount"] == 5000
    assert "cancelled" in mailoutbox[-1].subject and "$50.00" in mailoutbox[-1].body
    assert _kinds(order) == ["receipt", "cancelled"]  # one email, not a refund email as well


def test_refund_made_in_stripe_is_reflected_once_even_if_the_event_comes_twice(client, paid, stripe_fake):
    _, order = paid
    pi = order.payments.get().payment_intent
    charge = {"id": "ch_1", "object": "charge", "payment_intent": pi, "currency": "usd", "amount": 5000,
              "amount_refunded": 1200, "refunded": False,
              "refunds": {"object": "list", "data": [{"id": "re_dash_1", "amount": 1200, "status": "succeeded"}]}}
    payload, headers = stripe_fake.make_event("charge.refunded", charge)
    for _ in range(2):
        response = client.post(reverse("checkout:stripe_webhook"), data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
        assert response.status_code == 200
    # The same refund in a second, distinct event (Stripe may also send a new event id).
    payload2, headers2 = stripe_fake.make_event("charge.refunded", charge)
    client.post(reverse("checkout:stripe_webhook"), data=payload2, content_type="application/json",
                HTTP_STRIPE_SIGNATURE=headers2["Stripe-Signature"])
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("12.00")
    assert order.refunds.get().source == Refund.Source.STRIPE
    assert order.events.filter(kind="refund").count() == 1


def test_a_charge_without_the_refund_list_is_reconciled_by_its_total(client, paid, stripe_fake):
    _, order = paid
    pi = order.payments.get().payment_intent
    order_refund(order=order, amount=Decimal("5.00"), reason="ours")
    charge = {"id": "ch_2", "object": "charge", "payment_intent": pi, "currency": "usd", "amount_refunded": 800}
    for _ in range(2):
        payload, headers = stripe_fake.make_event("charge.refunded", charge)
        client.post(reverse("checkout:stripe_webhook"), data=payload, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"])
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("8.00")
    assert order.refunds.count() == 2


def test_paid_out_of_stock_waits_for_staff_then_allocates(paid, settings, stripe_fake,
                                                          django_capture_on_commit_callbacks):
    variant = factories.variant(stock=1, price="30.00")
    order = order_place(cart=factories.cart_with((variant, 1)), details=factories.details(),
                                 checkout_token="q" * 32)
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    stripe_fake.expire_session(session_id, deliver=False)
    order_cancel_by_shopper(order=order)  # hold released
    Variant.objects.filter(pk=variant.pk).update(stock=0)
    from checkout.gateways.common import CheckoutSession

    late = CheckoutSession(session_id, "", "complete", "paid", Decimal("30.00"), "usd", "pi_late", order.number)
    with django_capture_on_commit_callbacks(execute=True):
        order_payment_succeeded(session=late, actor_label="stripe webhook")
    order.refresh_from_db()
    assert order.status == S.PAID_OUT_OF_STOCK
    assert _kinds(order) == ["receipt", "out_of_stock"]
    with pytest.raises(CheckoutError):
        order_allocate_stock(order=order)
    Variant.objects.filter(pk=variant.pk).update(stock=4)
    order_allocate_stock(order=order)
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == S.PAID and variant.stock == 3 and order.stock_held


def test_paid_out_of_stock_is_refunded_automatically_when_configured(settings, stripe_fake,
                                                                     django_capture_on_commit_callbacks):
    settings.SHOP_AUTO_REFUND_OUT_OF_STOCK = True
    variant = factories.variant(stock=1, price="30.00")
    order = order_place(cart=factories.cart_with((variant, 1)), details=factories.details(),
                                 checkout_token="r" * 32)
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    stripe_fake.expire_session(session_id, deliver=False)
    order_cancel_by_shopper(order=order)
    Variant.objects.filter(pk=variant.pk).update(stock=0)
    from checkout.gateways.common import CheckoutSession

    # The payment intent exists on the fake, so the refund goes through Stripe's API.
    with stripe_fake.lock:
        stripe_fake.payment_intents["pi_auto"] = {
            "id": "pi_auto", "object": "payment_intent", "amount": 3000, "amount_received": 3000,
            "amount_refunded": 0, "currency": "usd", "status": "succeeded", "latest_charge": "ch_auto",
            "metadata": {}, "created": 0, "livemode": False,
        }
    late = CheckoutSession(session_id, "", "complete", "paid", Decimal("30.00"), "usd", "pi_auto", order.number)
    with django_capture_on_commit_callbacks(execute=True):
        order_payment_succeeded(session=late, actor_label="stripe webhook")
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.payment_state == Order.PaymentState.REFUNDED
    assert set(_kinds(order)) == {"receipt", "cancelled"}


def test_hold_sweeper_asks_stripe_first_and_never_loses_a_late_payment(paid, stripe_fake, settings,
                                                                        django_capture_on_commit_callbacks):
    paid_late = factories.variant(stock=5, price="20.00")
    abandoned = factories.variant(stock=5, price="20.00")
    a = order_place(cart=factories.cart_with((paid_late, 1)), details=factories.details(),
                             checkout_token="s" * 32)
    b = order_place(cart=factories.cart_with((abandoned, 2)), details=factories.details(),
                             checkout_token="t" * 32)
    for order in (a, b):
        payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    stripe_fake.complete_session(a.payments.get().session_id, deliver=False)  # paid, webhook lost
    Order.objects.filter(pk__in=[a.pk, b.pk]).update(hold_expires_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_release_expired_holds() == 2
    a.refresh_from_db()
    b.refresh_from_db()
    abandoned.refresh_from_db()
    assert a.status == S.PAID
    assert b.status == S.EXPIRED and abandoned.stock == 5
    assert orders_release_expired_holds() == 0


def test_hold_sweeper_keeps_holds_until_the_grace_is_over_then_releases_each_once(
        stripe_fake, settings, monkeypatch, caplog):
    """The periodic task, with the clock the shop reads (`timezone.now`) moved instead of waited for."""
    variant = factories.variant(stock=5, price="20.00")
    order = order_place(cart=factories.cart_with((variant, 2)), details=factories.details(),
                        checkout_token="g" * 32)
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id

    def sweep_at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        release_expired_holds.call_local()
        order.refresh_from_db()
        variant.refresh_from_db()

    def expiries_asked():
        return [r for r in stripe_fake.requests_log if r.path.endswith("/expire")]

    # Before the hold expires, and within the 5 minutes of grace after: held, and Stripe is not even asked.
    for moment in (order.hold_expires_at - timedelta(minutes=1), order.hold_expires_at + timedelta(minutes=4)):
        sweep_at(moment)
        assert order.status == S.PENDING_PAYMENT and order.stock_held and variant.stock == 3
    assert expiries_asked() == []

    # Past the grace with Stripe unreachable (nothing listens there): left as it is for the next run.
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    sweep_at(order.hold_expires_at + timedelta(minutes=6))
    assert "could not reach the payment gateway" in caplog.text  # it tried: the grace is over
    assert order.status == S.PENDING_PAYMENT and order.stock_held and variant.stock == 3

    # The next run reaches Stripe: the session is expired there first, then the stock comes back, once.
    settings.STRIPE_API_BASE = stripe_fake.base_url
    sweep_at(order.hold_expires_at + timedelta(minutes=11))
    assert order.status == S.EXPIRED and not order.stock_held and variant.stock == 5
    assert stripe_fake.sessions[session_id]["status"] == "expired"
    sweep_at(order.hold_expires_at + timedelta(minutes=16))
    assert order.status == S.EXPIRED and variant.stock == 5
    assert len(expiries_asked()) == 1


def test_internal_notes_never_reach_the_customer(client, paid):
    _, order = paid
    order_note_add(order=order, note="Customer is rude, double-check the address")
    html = client.get(order.get_absolute_url()).content.decode()
    assert "rude" not in html
    assert OutboxEmail.objects.filter(order=order, body_text__contains="rude").count() == 0
