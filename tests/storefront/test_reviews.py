"""Part 6: reviews from verified buyers, one per product, kept in the product's aggregates."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from storefront.errors import StorefrontError
from storefront.models import Product, Review
from storefront.reviews import ReviewData, review_save, review_set_hidden
from tests import factories

pytestmark = pytest.mark.django_db


def test_only_buyers_with_a_paid_order_can_review():
    item = factories.product()
    shopper = factories.user()
    with pytest.raises(StorefrontError, match="bought"):
        review_save(user=shopper, product=item, data=ReviewData(rating=5))
    factories.paid_order(user=shopper, variant=item.variants.get(), status="pending_payment")
    with pytest.raises(StorefrontError):
        review_save(user=shopper, product=item, data=ReviewData(rating=5))
    factories.paid_order(user=shopper, variant=item.variants.get())
    review = review_save(user=shopper, product=item, data=ReviewData(rating=4, title="Good"))
    assert review.verified and review.rating == 4


def test_one_review_per_product_editable_and_aggregates_follow():
    item = factories.product()
    first = factories.review(product_obj=item, rating=5)
    factories.review(product_obj=item, rating=2)
    item.refresh_from_db()
    assert item.rating_count == 2 and item.rating_avg == Decimal("3.50")
    again = review_save(user=first.user, product=item, data=ReviewData(rating=3, body="Changed my mind"))
    assert again.pk == first.pk and Review.objects.filter(product=item).count() == 2
    item.refresh_from_db()
    assert item.rating_avg == Decimal("2.50")


def test_hiding_a_review_removes_it_from_page_and_average(client):
    item = factories.product()
    kept = factories.review(product_obj=item, rating=4, body="Lovely")
    hidden = factories.review(product_obj=item, rating=1, body="Spam spam spam")
    review_set_hidden(review=hidden, hidden=True)
    item.refresh_from_db()
    assert item.rating_count == 1 and item.rating_avg == Decimal("4.00")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Lovely" in html and "Spam spam spam" not in html
    assert kept.pk


def test_rating_out_of_range_is_refused():
    item = factories.product()
    with pytest.raises(StorefrontError, match="1 to 5"):
        factories.review(product_obj=item, rating=6)


def test_review_text_is_escaped_everywhere(client):
    item = factories.product()
    factories.review(product_obj=item, rating=5, title="<b>bold</b>", body="<script>alert(1)</script>")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_review_form_flow(client):
    item = factories.product(name="Enamel Mug")
    shopper = factories.user()
    url = reverse("storefront:review", args=[item.slug])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(shopper)
    assert "bought the product" in client.get(url).content.decode()
    assert "Write a review" not in client.get(item.get_absolute_url()).content.decode()
    factories.paid_order(user=shopper, variant=item.variants.get())
    assert "Write a review" in client.get(item.get_absolute_url()).content.decode()
    bad = client.post(url, {"rating": "0"})
    assert bad.status_code == 400 and "Choose a rating" in bad.content.decode()
    in_place = client.post(url, {"rating": "0"}, HTTP_HX_REQUEST="true")  # htmx swaps only 2xx
    assert in_place.status_code == 200 and "Choose a rating" in in_place.content.decode()
    response = client.post(url, {"rating": "4", "title": "Solid", "body": "Keeps tea hot."})
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url() + "#reviews"
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Keeps tea hot." in page and "Verified purchase" in page and "Edit your review" in page
    # htmx: errors come back in place; success redirects the page.
    htmx = client.post(url, {"rating": "5"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and htmx["HX-Redirect"].endswith("#reviews")
    assert Product.objects.get(pk=item.pk).rating_avg == Decimal("5.00")


def test_staff_hide_in_admin_through_the_service(admin_client):
    item = factories.product()
    review = factories.review(product_obj=item, rating=1)
    url = reverse("admin:storefront_review_changelist")
    response = admin_client.post(url, {"action": "hide_reviews", "_selected_action": [review.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rating_count == 0 and item.rating_avg is None
    assert Review in site._registry


@pytest.mark.django_db
def test_a_shipped_or_delivered_order_still_counts_as_bought_but_a_full_refund_does_not():
    from checkout.models import Order
    from storefront.selectors import user_can_review

    customer = factories.user()
    variant = factories.variant(stock=5)
    order = factories.paid_order(user=customer, variant=variant, status="delivered")
    assert user_can_review(user=customer, product_id=variant.product_id)
    Order.objects.filter(pk=order.pk).update(payment_state="refunded", amount_refunded=order.amount_paid)
    assert not user_can_review(user=customer, product_id=variant.product_id)
    other = factories.user()
    factories.paid_order(user=other, variant=variant, status="cancelled")
    assert not user_can_review(user=other, product_id=variant.product_id)
