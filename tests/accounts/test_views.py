import re

import pytest
from django.urls import reverse

from accounts.models import Address
from checkout.cart import DatabaseCart
from checkout.models import CartLine
from checkout.services.orders import order_place
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "correct horse battery"


@pytest.fixture
def shopper(client):
    account = factories.user(email="grace@example.com", full_name="Grace Hopper", phone="+1 555")
    client.force_login(account)
    return account


def _order_for(account, token):
    variant = factories.variant(stock=10)
    return order_place(cart=factories.cart_with((variant, 1)),
                                details=factories.details(email=account.email), checkout_token=token, user=account)


ACCOUNT_PAGES = [
    "accounts:orders", "accounts:addresses", "accounts:address_add", "accounts:profile", "accounts:delete",
    "account_email", "account_change_password",
]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_account_pages_render_in_the_shop_layout(client, shopper, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="cart-badge"' in html and "shop.css" in html
    assert 'aria-label="Your account"' in html


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_account_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages_use_the_shop_layout_with_labels(client, name):
    html = client.get(reverse(name)).content.decode()
    assert "shop.css" in html and 'id="cart-badge"' in html
    assert re.search(r'<label for="id_(email|login)"', html)
    assert "username" not in html.lower()


def test_my_orders_lists_only_my_orders_newest_first(client, shopper):
    first = _order_for(shopper, "a" * 32)
    second = _order_for(shopper, "b" * 32)
    stranger = _order_for(factories.user(), "c" * 32)
    html = client.get(reverse("accounts:orders")).content.decode()
    assert html.index(second.display_number) < html.index(first.display_number)
    assert stranger.display_number not in html
    page = client.get(reverse("accounts:order", args=[first.number]))
    assert page.status_code == 200 and first.display_number in page.content.decode()


def test_another_users_order_is_404_for_page_and_partial(client, shopper):
    stranger = _order_for(factories.user(), "d" * 32)
    assert client.get(reverse("accounts:order", args=[stranger.number])).status_code == 404
    assert client.get(reverse("accounts:order", args=[stranger.number]), **HTMX).status_code == 404
    assert client.get(reverse("accounts:order", args=["NOSUCHORDR"])).status_code == 404


def test_another_users_address_is_404(client, shopper):
    theirs = Address.objects.create(user=factories.user(), full_name="X", address_line1="1", city="c",
                                    postal_code="p", country="US", state="US-NY", is_default=True)
    assert client.get(reverse("accounts:address_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:address_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:address_default", args=[theirs.pk])).status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_address_book_add_edit_default_delete(client, shopper):
    data = {"full_name": "Grace Hopper", "address_line1": "1 Navy Yard", "address_line2": "", "city": "Arlington",
            "postal_code": "22202", "country": "US", "state": "US-VA", "phone": ""}
    client.post(reverse("accounts:address_add"), data)
    client.post(reverse("accounts:address_add"), data | {"city": "Boston", "make_default": "on"})
    home, boston = Address.objects.order_by("id")
    assert boston.is_default and not home.is_default
    client.post(reverse("accounts:address_default", args=[home.pk]))
    home.refresh_from_db()
    assert home.is_default
    client.post(reverse("accounts:address_edit", args=[boston.pk]), data | {"city": "Cambridge"})
    boston.refresh_from_db()
    assert boston.city == "Cambridge"
    response = client.post(reverse("accounts:address_add"), data | {"postal_code": ""})
    assert "Please enter your ZIP code." in response.content.decode()
    client.post(reverse("accounts:address_delete", args=[boston.pk]))
    assert list(Address.objects.all()) == [home]


def test_profile_saves_name_and_phone(client, shopper):
    client.post(reverse("accounts:profile"), {"full_name": "Rear Admiral Hopper", "phone": "+1 999"})
    shopper.refresh_from_db()
    assert (shopper.full_name, shopper.phone) == ("Rear Admiral Hopper", "+1 999")


def test_delete_account_needs_the_password(client, shopper):
    response = client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert "not right" in response.content.decode()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)
    assert "Your account was deleted" in response.content.decode()
    from accounts.models import User

    assert not User.objects.filter(pk=shopper.pk).exists()


def test_signup_with_a_taken_email_answers_like_a_fresh_one(client, mailoutbox, django_capture_on_commit_callbacks):
    factories.user(email="taken@example.com")
    data = {"password1": "a-very-long-passphrase-1", "password2": "a-very-long-passphrase-1"}
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mails go out through the outbox
        taken = client.post(reverse("account_signup"), data | {"email": "taken@example.com"})
        client.logout()
        fresh = client.post(reverse("account_signup"), data | {"email": "fresh@example.com"})
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert len(mailoutbox) == 2  # the owner of the taken address is told, by email only
    assert {m.to[0] for m in mailoutbox} == {"taken@example.com", "fresh@example.com"}


def test_signup_form_is_prefilled_from_the_invitation(client):
    html = client.get(reverse("account_signup") + "?email=ada%40example.com").content.decode()
    assert 'value="ada@example.com"' in html


def test_an_unverified_account_cannot_sign_in(client, mailoutbox):
    factories.user(email="new@example.com", verified=False)
    response = client.post(reverse("account_login"), {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_checkout_is_prefilled_for_a_signed_in_shopper_and_saves_the_address(client, shopper, stripe_fake):
    Address.objects.create(user=shopper, full_name="Grace Hopper", address_line1="1 Navy Yard", city="Arlington",
                           postal_code="22202", country="US", state="US-VA", is_default=True)
    variant = factories.variant(stock=5)
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": "1"})
    html = client.get(reverse("checkout:checkout")).content.decode()
    assert 'value="grace@example.com"' in html
    assert 'value="1 Navy Yard"' in html and 'value="Arlington"' in html
    assert "Save this address" in html
    token = re.search(r'name="checkout_token" value="([0-9a-f]{32})"', html).group(1)
    client.post(reverse("checkout:checkout"), factories.checkout_post(token, save_address="on", city="Boston"))
    assert Address.objects.filter(user=shopper, city="Boston").exists()
    order = shopper.orders.get()
    assert order.user == shopper


def test_signed_in_cart_lives_in_the_database_and_survives_sign_out(client, shopper):
    variant = factories.variant(stock=5)
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": "2"})
    assert CartLine.objects.get(cart__user=shopper).quantity == 2
    assert not client.session.get("cart")
    client.post(reverse("account_logout"))
    html = client.get(reverse("checkout:cart")).content.decode()
    assert "Your cart is empty" in html
    assert DatabaseCart(shopper).quantity_of(variant.pk) == 2


def test_signing_in_merges_the_guest_cart_with_one_message(client):
    account = factories.user(email="back@example.com")
    mug = factories.variant(stock=3, name="Blue mug")
    DatabaseCart(account).set(mug.pk, 2)
    client.post(reverse("checkout:cart_add"), {"variant": mug.pk, "quantity": "2"})
    response = client.post(reverse("account_login"), {"login": "back@example.com", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert "1 item from your guest cart was added. Blue mug limited to 3, the stock left." in html
    assert DatabaseCart(account).quantity_of(mug.pk) == 3
    assert client.session.get("cart") in (None, {})


def test_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_signed_in_non_staff_user_cannot_reach_the_admin(client, shopper):
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/login/").status_code == 403


ENTRANCE_PAGES = [
    "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/password/reset/done/",
    "/accounts/confirm-email/", "/accounts/confirm-email/not-a-key/", "/accounts/password/reset/key/1-not-a-key/",
]


@pytest.mark.parametrize("path", ENTRANCE_PAGES)
def test_every_sign_in_page_is_in_the_shop_layout_with_its_links_styled(client, path):
    response = client.get(path, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "allauth/layouts/entrance.html" in [t.name for t in response.templates]
    assert re.search(r"<title>[^<]*· Northwind Goods</title>", html)
    assert 'class="card prose-links' in html  # allauth's plain links are the shop's underlined links
    assert "Track an order" in html  # the shop's footer
