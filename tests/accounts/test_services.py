import threading

import pytest
from allauth.account.models import EmailAddress
from django.db import connections

from accounts import services as account_services
from accounts.models import Address
from accounts.services import cart_merge, orders_claim
from checkout.cart import DatabaseCart, SessionCart
from checkout.models import CartLine, Order
from checkout.services.orders import order_place
from core.addresses import PostalAddress
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db


def test_merge_adds_the_same_variant_and_new_lines():
    shopper = factories.user()
    mug, tee = factories.variant(stock=10), factories.variant(stock=10)
    account = DatabaseCart(shopper)
    account.set(mug.pk, 1)
    guest = factories.cart_with((mug, 2), (tee, 1))
    notes = cart_merge(guest_cart=guest, user=shopper)
    assert DatabaseCart(shopper).quantities() == {mug.pk: 3, tee.pk: 1}
    assert notes == ["3 items from your guest cart were added."]
    assert not guest.quantities()


def test_merge_caps_at_stock_and_names_it():
    shopper = factories.user()
    mug = factories.variant(stock=3, name="Blue mug")
    DatabaseCart(shopper).set(mug.pk, 2)
    notes = cart_merge(guest_cart=factories.cart_with((mug, 2)), user=shopper)
    assert DatabaseCart(shopper).quantity_of(mug.pk) == 3
    assert notes == ["1 item from your guest cart was added.", "Blue mug limited to 3, the stock left."]


def test_merge_caps_at_the_line_cap(settings):
    settings.SHOP_MAX_LINE_QUANTITY = 4
    shopper = factories.user()
    mug = factories.variant(stock=50, name="Big mug")
    DatabaseCart(shopper).set(mug.pk, 3)
    notes = cart_merge(guest_cart=factories.cart_with((mug, 3)), user=shopper)
    assert DatabaseCart(shopper).quantity_of(mug.pk) == 4
    assert "Big mug limited to 4, the most per order." in notes


def test_merge_drops_gone_inactive_and_sold_out_lines():
    shopper = factories.user()
    poster = factories.variant(stock=5, name="Poster")
    retired = factories.variant(stock=5, name="Retired lamp")
    gone = factories.variant(stock=5, name="Ghost")
    guest = factories.cart_with((poster, 1), (retired, 1), (gone, 1))
    Variant.objects.filter(pk=poster.pk).update(stock=0)
    Variant.objects.filter(pk=retired.pk).update(active=False)
    gone.product.delete()
    notes = cart_merge(guest_cart=guest, user=shopper)
    assert DatabaseCart(shopper).quantities() == {}
    assert "Poster removed: sold out." in notes
    assert "Retired lamp removed: no longer available." in notes
    assert "An item removed: no longer available." in notes
    assert not any("added" in n for n in notes)


def test_merge_uses_current_prices():
    from checkout.cart import cart_summary

    shopper = factories.user()
    mug = factories.variant(stock=5, price="10.00")
    cart_merge(guest_cart=factories.cart_with((mug, 2)), user=shopper)
    Variant.objects.filter(pk=mug.pk).update(price="12.00")
    assert str(cart_summary(DatabaseCart(shopper)).subtotal) == "24.00"


def test_merging_the_same_guest_cart_twice_adds_it_once():
    shopper = factories.user()
    mug = factories.variant(stock=10)
    session = factories.FakeSession()
    guest = SessionCart(session)
    guest.set(mug.pk, 2)
    copy = SessionCart(factories.FakeSession(dict(session)))  # the second tab's copy of the session
    cart_merge(guest_cart=guest, user=shopper)
    assert cart_merge(guest_cart=copy, user=shopper) == []
    assert DatabaseCart(shopper).quantity_of(mug.pk) == 2


@pytest.mark.django_db(transaction=True)
def test_signing_in_from_two_tabs_at_once_yields_no_duplicate_lines():
    shopper = factories.user()
    mug, tee = factories.variant(stock=10), factories.variant(stock=10)
    session = factories.FakeSession()
    SessionCart(session).set(mug.pk, 1)
    SessionCart(session).set(tee.pk, 2)
    barrier = threading.Barrier(4)
    errors = []

    def sign_in():
        try:
            barrier.wait(timeout=10)
            cart_merge(guest_cart=SessionCart(factories.FakeSession(dict(session))), user=shopper)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_in) for _ in range(4)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert errors == []
    assert CartLine.objects.filter(cart__user=shopper).count() == 2
    assert DatabaseCart(shopper).quantities() == {mug.pk: 1, tee.pk: 2}


def test_claim_links_guest_orders_with_the_verified_email_only():
    variant = factories.variant(stock=10)
    mine = order_place(cart=factories.cart_with((variant, 1)),
                                details=factories.details(email="Grace@Example.com"), checkout_token="1" * 32)
    other = order_place(cart=factories.cart_with((variant, 1)),
                                 details=factories.details(email="someone@example.com"), checkout_token="2" * 32)
    shopper = factories.user(email="grace@example.com", verified=False)
    assert orders_claim(user=shopper, email="grace@example.com") == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.user == shopper and other.user is None


def test_confirming_an_email_claims_and_an_unverified_one_does_not(rf):
    from allauth.account.models import EmailConfirmationHMAC

    variant = factories.variant(stock=10)
    order = order_place(cart=factories.cart_with((variant, 1)),
                                 details=factories.details(email="ada@example.com"), checkout_token="3" * 32)
    shopper = factories.user(email="ada@example.com", verified=False)
    order.refresh_from_db()
    assert order.user is None  # never on an unverified address
    request = rf.post("/")
    request.session = factories.FakeSession()
    request.user = shopper
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    EmailConfirmationHMAC(EmailAddress.objects.get(user=shopper)).confirm(request)
    order.refresh_from_db()
    assert order.user == shopper


def test_address_book_keeps_one_default():
    shopper = factories.user()
    data = PostalAddress(full_name="A", address_line1="1 Road", city="Town", postal_code="1", country="gb")
    first = account_services.address_save(user=shopper, data=data)
    second = account_services.address_save(user=shopper, data=data, make_default=True)
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    assert first.country == "GB"
    account_services.address_delete(user=shopper, address=second)
    first.refresh_from_db()
    assert first.is_default
    other = factories.user()
    with pytest.raises(account_services.AccountError):
        account_services.address_set_default(user=other, address=first)


def test_deleting_an_account_keeps_orders_without_contact_data():
    variant = factories.variant(stock=10)
    shopper = factories.user(email="leaving@example.com")
    order = order_place(cart=factories.cart_with((variant, 1)),
                                 details=factories.details(email="leaving@example.com", phone="+44 1"),
                                 checkout_token="4" * 32, user=shopper)
    account_services.account_delete(user=shopper)
    order.refresh_from_db()
    assert order.user is None
    assert order.phone == ""
    assert "leaving" not in order.email
    assert order.full_name == "Ada Lovelace" and order.lines.count() == 1  # kept for the books
    assert not Address.objects.exists()
    assert not EmailAddress.objects.filter(email="leaving@example.com").exists()
    assert Order.objects.count() == 1
