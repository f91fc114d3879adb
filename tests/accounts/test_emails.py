"""allauth's emails: in the shop's voice and look, from the shop's sender, through the outbox, linking to the shop."""

import re

import pytest
from django.urls import reverse

from checkout.models import OutboxEmail
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-and-happy-passphrase"
BASE = "https://shop.example.com"


@pytest.fixture(autouse=True)
def _shop(settings):
    settings.SHOP_NAME = "Northwind Goods"
    settings.SHOP_BASE_URL = BASE
    settings.DEFAULT_FROM_EMAIL = "Northwind Goods <orders@example.com>"
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "Northwind Goods: "


def _html(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def _link(text: str, path: str) -> str:
    return re.search(rf"({re.escape(BASE)}{re.escape(path)}\S+)", text).group(1)


def test_the_sign_up_confirmation_is_the_shops_own(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD,
                                                "password2": PASSWORD})
    [message] = mailoutbox
    assert message.to == ["new@example.com"]
    assert message.from_email == "Northwind Goods <orders@example.com>"
    assert message.subject == "Northwind Goods: Welcome! Please confirm your email address"
    assert "Hello from" not in message.body and "testserver" not in message.body
    assert "Thank you for creating an account at Northwind Goods" in message.body
    link = _link(message.body, "/accounts/confirm-email/")

    html = _html(message)
    assert "Northwind Goods" in html and "View your order" not in html
    assert f'href="{link}"' in html and "Confirm your email" in html

    row = OutboxEmail.objects.get()  # it went through the outbox, like every customer email
    assert (row.kind, row.to, row.status, row.order) == (OutboxEmail.Kind.ACCOUNT, "new@example.com", "sent", None)

    response = client.get(link.removeprefix(BASE))
    assert response.status_code == 200 and "new@example.com" in response.content.decode()


def test_a_password_reset_links_to_the_shop(client, mailoutbox, django_capture_on_commit_callbacks):
    factories.user(email="ada@example.com", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    [message] = mailoutbox
    assert message.subject == "Northwind Goods: Choose a new password"
    assert message.from_email == "Northwind Goods <orders@example.com>"
    link = _link(message.body, "/accounts/password/reset/key/")
    assert f'href="{link}"' in _html(message) and "Choose a new password" in _html(message)
    assert client.get(link.removeprefix(BASE), follow=True).status_code == 200


def test_a_reset_for_an_unknown_address_offers_to_sign_up(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    [message] = mailoutbox
    assert message.subject == "Northwind Goods: There is no account for this address"
    assert f"{BASE}/accounts/signup/" in message.body
    assert "Hello from" not in message.body


def test_signing_up_again_with_a_known_address_says_so_by_email(client, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    factories.user(email="ada@example.com", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"email": "ada@example.com", "password1": PASSWORD,
                                                "password2": PASSWORD})
    [message] = mailoutbox
    assert message.subject == "Northwind Goods: You already have an account"
    assert f"{BASE}/accounts/password/reset/" in message.body


def test_a_sent_account_email_keeps_no_sign_in_link_for_staff_to_read(client, admin_client, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    factories.user(email="ada@example.com", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    link = _link(mailoutbox[0].body, "/accounts/password/reset/key/")
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.SENT and row.subject == "Northwind Goods: Choose a new password"
    page = admin_client.get(reverse("admin:checkout_outboxemail_change", args=[row.pk])).content.decode()
    assert link.removeprefix(BASE) not in page and "Not kept after sending" in page
    response = admin_client.post(reverse("admin:checkout_outboxemail_changelist"),
                                 {"action": "resend", "_selected_action": [row.pk]}, follow=True)
    assert "its link is not kept" in response.content.decode() and len(mailoutbox) == 1
