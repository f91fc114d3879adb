"""The nightly housekeeping: what it deletes, and what it keeps, on each side of each cutoff."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from checkout.cart import DatabaseCart
from checkout.models import Cart, CartLine, WebhookEvent
from checkout.services.housekeeping import housekeeping as housekeeping_service
from checkout.tasks import housekeeping
from tests import factories

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


@pytest.fixture
def now(monkeypatch):
    """The shop's clock (`timezone.now`) stopped, so each cutoff is exact to the minute."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def _webhook_event(received):
    event = WebhookEvent.objects.create(event_id=f"evt_{received.timestamp()}", type="checkout.session.completed",
                                        payload={})
    WebhookEvent.objects.filter(pk=event.pk).update(received=received)
    return event


def _cart(updated):
    cart = DatabaseCart(factories.user())
    cart.set(factories.variant(stock=5).pk, 2)
    cart.set(factories.variant(stock=5).pk, 1)
    Cart.objects.filter(user=cart.user).update(updated=updated)
    return Cart.objects.get(user=cart.user)


def _session(expire_date):
    return Session.objects.create(session_key=f"s{expire_date.timestamp():.0f}".ljust(32, "x"),
                                  session_data="", expire_date=expire_date)


def test_nightly_housekeeping_deletes_only_what_is_past_each_cutoff(now):
    ledger_kept = _webhook_event(now - timedelta(days=90) + MINUTE)
    _webhook_event(now - timedelta(days=90) - MINUTE)
    cart_kept, cart_old = _cart(now - timedelta(days=180) + MINUTE), _cart(now - timedelta(days=180) - MINUTE)
    session_kept = _session(now + MINUTE)
    _session(now - MINUTE)

    housekeeping.call_local()  # the periodic task: clearsessions, then the service

    # Stripe retries an event for 3 days; the ledger keeps 90 for support.
    assert list(WebhookEvent.objects.all()) == [ledger_kept]
    # A signed-in shopper's cart left untouched for half a year goes, with its lines; a younger one stays whole.
    assert list(Cart.objects.all()) == [cart_kept]
    assert CartLine.objects.filter(cart=cart_kept).count() == 2
    assert not CartLine.objects.filter(cart_id=cart_old.pk).exists()
    # Expired sessions go (a guest cart lives in one); a live one stays.
    assert list(Session.objects.all()) == [session_kept]


def test_housekeeping_counts_what_it_deleted(now):
    _webhook_event(now - timedelta(days=91))
    _cart(now - timedelta(days=181))  # one cart, two lines
    assert housekeeping_service() == {"webhook_events": 1, "carts": 1}
    assert housekeeping_service() == {"webhook_events": 0, "carts": 0}


def test_a_cart_changed_recently_is_kept_however_old_it_is(now):
    cart = _cart(now - timedelta(days=400))
    DatabaseCart(cart.user).set(CartLine.objects.filter(cart=cart).first().variant_id, 3)  # touched today
    housekeeping.call_local()
    assert Cart.objects.filter(pk=cart.pk).exists()
