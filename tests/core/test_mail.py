"""EMAIL_URL=consolemail:// prints emails a person can read and copy links from (core/mail.py)."""

import re

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from checkout.emails import render_customer_email
from checkout.models import OutboxEmail
from core.mail import ConsoleEmailBackend, FileEmailBackend
from tests import factories

pytestmark = pytest.mark.django_db
CONSOLE = {"default": {"BACKEND": "core.mail.ConsoleEmailBackend", "OPTIONS": {}}}


def test_the_sign_up_confirmation_prints_its_link_whole_on_one_line(client, settings, capsys,
                                                                    django_capture_on_commit_callbacks):
    settings.MAILERS = CONSOLE
    data = {"email": "new.shopper.with.a.long.address@example.com",
            "password1": "a-very-long-passphrase-1", "password2": "a-very-long-passphrase-1"}
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mails go out through the outbox
        assert client.post(reverse("account_signup"), data).status_code == 302
    printed = capsys.readouterr().out
    assert "To: new.shopper.with.a.long.address@example.com" in printed
    assert "Subject: " in printed
    # Decoded text, not MIME source: no quoted-printable soft breaks, no encoded "=" signs.
    assert "Content-Transfer-Encoding" not in printed and "=\n" not in printed and "=3D" not in printed
    link = re.search(r"http://testserver/accounts/confirm-email/\S+", printed)
    assert link, printed
    # The whole link opens the confirmation page (copying it gives a working URL).
    page = client.get(link.group(0).removeprefix("http://testserver"))
    assert page.status_code == 200 and "Confirm" in page.content.decode()


def test_a_receipt_shows_its_text_and_names_its_html_version(capsys):
    order = factories.paid_order(user=factories.user(email="ada@example.com"), variant=factories.variant())
    subject, text, html = render_customer_email(order=order, kind=OutboxEmail.Kind.RECEIPT)
    message = EmailMultiAlternatives(subject, text, "shop@localhost", ["ada@example.com"])
    message.attach_alternative(html, "text/html")
    message.attach("receipt.txt", "thanks", "text/plain")
    ConsoleEmailBackend().send_messages([message])
    printed = capsys.readouterr().out
    assert f"Subject: {subject}" in printed
    order_url = f"http://testserver{order.get_absolute_url()}"
    assert any(line.strip().endswith(order_url) for line in printed.splitlines()), printed
    assert "<html" not in printed.lower()
    assert "[Also an HTML version (not shown)]" in printed and "[Attached: receipt.txt]" in printed


def test_the_file_backend_writes_the_same_text_and_keeps_the_html_beside_it(tmp_path):
    message = EmailMultiAlternatives("Hello", "Open http://testserver/" + "a" * 120, "shop@localhost",
                                     ["ada@example.com"])
    message.attach_alternative("<p>Hello</p>", "text/html")
    backend = FileEmailBackend(file_path=str(tmp_path))
    backend.send_messages([message])
    (log,) = tmp_path.glob("*.log")
    (page,) = tmp_path.glob("*.html")
    content = log.read_text()
    assert "Subject: Hello" in content and "http://testserver/" + "a" * 120 + "\n" in content
    assert f"[Also an HTML version: {page}]" in content
    assert page.read_text() == "<p>Hello</p>"
