"""A form fuzzer: hypothesis throws arbitrary input at every public form and htmx endpoint.

Whatever arrives, the answer is a page or a clear refusal, never a 500.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

# Any text a browser could send: control characters, NUL, emoji, right-to-left marks, huge numbers.
text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
weird = st.one_of(
    text,
    st.sampled_from(["-1", "0", "1.5", "1e9", "10" * 20, "NaN", "inf", "", " ", "\x00", "١٢", "0x10",
                     "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "9" * 400]),
    st.integers().map(str),
)
values = st.one_of(weird, st.lists(weird, min_size=2, max_size=3))  # sometimes a repeated field
# Half the time a real country, so the state and postal code checks of each country get the weird input.
countries = st.one_of(st.just({}), st.sampled_from(["US", "CA", "GB", "JP", "IE", "NL"]).map(lambda c: {"country": c}))


def form(fields):
    return st.fixed_dictionaries({name: values for name in fields})


@pytest.fixture
def world(client):
    variant = factories.variant(stock=5, name="Fuzz Mug")
    product = variant.product
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": "1"})
    return {"variant": variant, "product": product, "client": client}


def assert_no_500(response):
    assert response.status_code < 500, response.content[:500]


@FUZZ
@given(data=form(["variant", "quantity", "next"]), htmx=st.booleans())
def test_add_to_cart(world, data, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert_no_500(world["client"].post(reverse("checkout:cart_add"), data, **headers))


@FUZZ
@given(data=form(["quantity"]), line=st.integers(min_value=-5, max_value=2**40), htmx=st.booleans())
def test_cart_update_and_remove(world, data, line, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for target in (line, world["variant"].pk):
        if target < 0:
            continue
        assert_no_500(world["client"].post(reverse("checkout:cart_update", args=[target]), data, **headers))
    assert_no_500(world["client"].post(reverse("checkout:cart_remove", args=[abs(line)]), {}, **headers))


@FUZZ
@given(data=form(["email", "full_name", "address_line1", "address_line2", "city", "postal_code", "country",
                  "state", "phone", "checkout_token", "save_address", "price", "status"]), country=countries)
def test_checkout(world, data, country, stripe_fake):
    assert_no_500(world["client"].post(reverse("checkout:checkout"), data | country))


@FUZZ
@given(data=form(["email", "number"]))
def test_order_tracking(world, data):
    assert_no_500(Client().post(reverse("checkout:track"), data))


@FUZZ
@given(q=weird, sort=weird, page=weird, extra=st.dictionaries(st.sampled_from(
    ["min_price", "max_price", "in_stock", "rating", "category", "price_min", "price_max", "variant"]), weird))
def test_catalog_pages_and_partials(world, q, sort, page, extra):
    params = {"q": q, "sort": sort, "page": page} | extra
    product = world["product"]
    category = product.category
    urls = [reverse("storefront:search"), reverse("storefront:category", args=[category.slug]),
            product.get_absolute_url()]
    if "storefront:suggest" in _url_names():
        urls.append(reverse("storefront:suggest"))
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            assert_no_500(world["client"].get(url, params, **headers))


@FUZZ
@given(data=form(["email", "rating", "title", "body", "text", "variant"]), htmx=st.booleans())
def test_catalog_forms(world, data, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    product = world["product"]
    names = _url_names()
    if "storefront:stock_alert" in names:
        assert_no_500(world["client"].post(reverse("storefront:stock_alert", args=[product.slug]), data, **headers))
    if "storefront:review" in names:
        assert_no_500(world["client"].post(reverse("storefront:review", args=[product.slug]), data, **headers))
    if "storefront:wishlist_toggle" in names:
        assert_no_500(world["client"].post(reverse("storefront:wishlist_toggle", args=[product.pk]), data, **headers))


@FUZZ
@given(signup=form(["email", "password1", "password2"]), login=form(["login", "password", "remember"]),
       reset=form(["email"]))
def test_account_entrance_forms(signup, login, reset):
    client = Client()
    assert_no_500(client.post(reverse("account_signup"), signup))
    assert_no_500(client.post(reverse("account_login"), login))
    assert_no_500(client.post(reverse("account_reset_password"), reset))


@FUZZ
@given(address=form(["full_name", "address_line1", "address_line2", "city", "postal_code", "country", "state",
                     "phone", "make_default", "refresh"]), country=countries, htmx=st.booleans(),
       profile=form(["full_name", "phone"]), password=form(["password"]))
def test_signed_in_forms(address, country, htmx, profile, password):
    client = Client()
    client.force_login(factories.user())
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert_no_500(client.post(reverse("accounts:address_add"), address | country, **headers))
    assert_no_500(client.post(reverse("accounts:profile"), profile))
    assert_no_500(client.post(reverse("accounts:delete"), password))


@FUZZ
@given(body=st.binary(max_size=500), signature=weird)
def test_stripe_webhook(body, signature, stripe_fake):
    response = Client().post(reverse("checkout:stripe_webhook"), data=body, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 400


def _url_names() -> set[str]:
    from django.urls import get_resolver

    resolver = get_resolver()
    return {f"storefront:{name}" for name in resolver.namespace_dict["storefront"][1].reverse_dict.keys()
            if isinstance(name, str)}


def test_products_exist_for_the_fuzzer(world):
    assert Product.objects.exists()
