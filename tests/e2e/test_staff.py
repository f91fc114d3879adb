"""Staff run the shop from the admin: ship an order; the customer sees it on the tracking page and by email."""

import re

import pytest
from playwright.sync_api import expect

from checkout.models import Order
from checkout.services.orders import order_place
from checkout.services.payments import payment_start
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "staff-passphrase-123"


def test_staff_ship_an_order_and_the_customer_sees_it(shop, page, stripe_fake, settings, mailoutbox):
    factories.user(email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    variant = factories.variant(stock=5, price="30.00", name="Canvas Tote")
    order = order_place(cart=factories.cart_with((variant, 1)),
                                 details=factories.details(email="buyer@example.com"), checkout_token="z" * 32)
    payment_start(order=order, success_url=shop.url + "/checkout/success/?session_id={CHECKOUT_SESSION_ID}",
                           cancel_url=shop.url + "/")
    stripe_fake.complete_session(order.payments.get().session_id)  # the webhook marks it paid
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    page.goto(shop.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("#dashboard")).to_contain_text("Waiting to ship")
    page.locator("#dashboard").get_by_role("link", name="Waiting to ship").click()
    page.get_by_role("link", name=order.display_number).click()
    page.get_by_role("link", name="Ship…").click()
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("JD014600003")
    page.get_by_label("Tracking url").fill("https://dhl.example/track?n=JD014600003")
    page.get_by_role("button", name="Ship").click()
    expect(page.get_by_text(f"Ship: done for order {order.display_number}.")).to_be_visible()

    shipped = [m for m in mailoutbox if "on its way" in m.subject]
    assert len(shipped) == 1 and shipped[0].to == ["buyer@example.com"]
    assert "JD014600003" in shipped[0].body

    customer = page.context.browser.new_context().new_page()
    customer.goto(shop.url + "/orders/track/")
    customer.get_by_label("Email").fill("buyer@example.com")
    customer.get_by_label("Order number").fill(order.display_number)
    customer.get_by_role("button", name="Track order").click()
    expect(customer.locator("#order-status")).to_contain_text("Shipped")
    expect(customer.get_by_role("link", name=re.compile("Track parcel JD014600003"))).to_have_attribute(
        "href", "https://dhl.example/track?n=JD014600003")
    customer.context.close()
