"""An order's ship-to is printed as its country writes it: order page, receipt, packing slip, admin."""

import pytest
from django.urls import reverse

from checkout.models import Order, OutboxEmail
from checkout.services.orders import order_place
from checkout.services.outbox import email_queue, email_send
from core.addresses import PostalAddress
from tests import factories

pytestmark = pytest.mark.django_db

US_LINES = ["Grace Hopper", "1 Market St", "Suite 300", "San Francisco, CA 94105", "United States"]


@pytest.fixture
def order():
    variant = factories.variant(stock=5)
    details = factories.details(full_name="Grace Hopper", address_line1="1 Market St", address_line2="Suite 300",
                                city="San Francisco", postal_code="94105", country="US", state="US-CA")
    placed = order_place(cart=factories.cart_with((variant, 1)), details=details, checkout_token="p" * 32)
    Order.objects.filter(pk=placed.pk).update(status=Order.Status.PAID, payment_state=Order.PaymentState.PAID,
                                              amount_paid=placed.total)
    placed.refresh_from_db()
    return placed


def test_the_order_keeps_the_state_and_gives_its_postal_address(order):
    assert order.state == "US-CA"
    assert order.postal_address == PostalAddress(
        full_name="Grace Hopper", address_line1="1 Market St", address_line2="Suite 300", city="San Francisco",
        postal_code="94105", country="US", state="US-CA",
    )
    assert order.postal_address.lines() == US_LINES


def test_the_order_page_prints_the_formatted_address(client, order):
    html = client.get(order.get_absolute_url()).content.decode()
    assert "<br>".join(US_LINES) in html


def test_the_receipt_prints_the_formatted_address(order, mailoutbox):
    email_send(email_id=email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT).pk)
    message = mailoutbox[0]
    assert "Shipping to:\n" + "\n".join(US_LINES) + "\n" in message.body
    assert "<br>".join(US_LINES) in message.alternatives[0].content


def test_the_packing_slip_prints_the_formatted_address(admin_client, order):
    html = admin_client.get(reverse("admin:checkout_order_packing_slip", args=[order.pk])).content.decode()
    assert "<br>".join(US_LINES) in html


def test_the_admin_shows_the_address_as_printed_beside_the_raw_fields(admin_client, order):
    html = admin_client.get(reverse("admin:checkout_order_change", args=[order.pk])).content.decode()
    assert "As printed" in html and "<br>".join(US_LINES) in html
    assert 'name="state" value="US-CA"' in html and 'name="postal_code" value="94105"' in html


def test_the_admin_escapes_what_the_shopper_typed(admin_client, order):
    Order.objects.filter(pk=order.pk).update(address_line1="<script>alert(1)</script>")
    html = admin_client.get(reverse("admin:checkout_order_change", args=[order.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
