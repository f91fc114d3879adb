"""Query budgets: home, category, search, product and cart pages run a small, fixed
number of queries, with 20 products and with the 10,000-product demo catalog.

The 10,000-product catalog is seeded once for this module (about 30 s) and
removed afterwards, so the rest of the suite never sees it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from storefront.models import Category, OptionType, Product, Variant
from tests import factories

# The most queries each page may run for a guest with a cart in the session. Every page that
# reads the session counts its row (one primary-key query: sessions live in the database only,
# see SESSION_ENGINE in shop/settings.py); the suggestions partial reads no session. A signed-in
# shopper adds a fixed few: the user row, the database cart's count, the wishlist ids, and on
# the product page whether they bought it (for "Write a review"; their hearts and their own review
# are read with the products), and on the cart their pending orders (a cart's own hold counts as
# available to it: one hold per cart). A product page reads the product, its related products, the
# pictures and the variants of all of them (one query each), the variants' options (when there are several
# variants to choose from) and the reviews.
# The total and the filter counts of a list page are one grouped query (storefront/listing.py).
# A misspelt search ("typo") tries the corrected words once more; one that finds nothing ("nothing") reads
# the popular products' cards (three queries) and, on PostgreSQL, tries trigram similarity (two).
BUDGETS = {"home": 7, "category": 5, "search": 6, "product": 7, "cart": 4, "suggest": 3, "typo": 7,
           "nothing": 9}
SIGNED_IN_EXTRA = {"home": 3, "category": 3, "search": 3, "product": 3, "cart": 4, "suggest": 2, "typo": 3,
                   "nothing": 3}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Count the queries of a rendered page: a guest's page would otherwise come from the page
    cache (shop/pagecache.py) with no catalog query at all. Signed-in shoppers always render."""
    settings.SHOP_PAGE_CACHE_SECONDS = 0


def _urls(product: Product, category: Category) -> dict[str, str]:
    return {
        "home": "/",
        "category": category.get_absolute_url() + "?sort=price&in_stock=1",
        "search": reverse("storefront:search") + "?q=mug&sort=rating",
        "product": product.get_absolute_url(),
        "cart": reverse("checkout:cart"),
        "suggest": reverse("storefront:suggest") + "?q=mug",
        "typo": reverse("storefront:search") + "?q=mugg&sort=rating",
        "nothing": reverse("storefront:search") + "?q=mgu+zzzz",
    }


def _count(client, url: str, **extra) -> int:
    client.get(url, **extra)  # warm the caches (category tree) as a running shop has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _measure(client, product, category) -> dict[str, int]:
    variant = product.variants.filter(stock__gt=0).first()
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": 1})
    counts = {}
    for name, url in _urls(product, category).items():
        extra = {"HTTP_HX_REQUEST": "true"} if name == "suggest" else {}
        counts[name] = _count(client, url, **extra)
    return counts


def _assert_within(counts: dict[str, int], signed_in: bool = False) -> None:
    budget = {k: v + (SIGNED_IN_EXTRA[k] if signed_in else 0) for k, v in BUDGETS.items()}
    over = {k: (v, budget[k]) for k, v in counts.items() if v > budget[k]}
    assert not over, f"over budget (queries, budget): {over}"


@pytest.mark.django_db
def test_budgets_with_twenty_products(client):
    cat = factories.category(name="Kitchen", slug="kitchen")
    products = [factories.product(category_obj=cat, name=f"Stoneware Mug {i}", featured=i < 8, variants=1 + i % 3)
                for i in range(20)]
    for p in products[:5]:
        factories.review(product_obj=p, rating=4)
    guest = _measure(client, products[0], cat)
    _assert_within(guest)
    client.force_login(factories.user())
    _assert_within(_measure(client, products[0], cat), signed_in=True)
    # Twice the products per page changes nothing.
    for i in range(20, 40):
        factories.product(category_obj=cat, name=f"Stoneware Mug {i}", featured=True, variants=3)
    client.logout()
    assert _measure(client, products[0], cat) == guest


@pytest.fixture(scope="module")
def big_catalog(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = tmp_path_factory.mktemp("media-10k")
    old_media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, media
    with django_db_blocker.unblock():
        call_command("seed_demo", "--products", "10000", "--quiet")
        try:
            yield
        finally:
            _remove_demo_catalog()
            settings.MEDIA_ROOT = old_media


def _remove_demo_catalog() -> None:
    from checkout.models import DiscountCode, Order, OrderLine, ShippingMethod, ShippingZone, TaxRate
    from storefront.models import OptionValue, Page, ProductImage, Review

    Review.objects.all().delete()
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    # seed_demo's shipping, tax and WELCOME10 too: checkout tests after this module expect none.
    DiscountCode.objects.all().delete()
    ShippingMethod.objects.all().delete()
    ShippingZone.objects.all().delete()
    TaxRate.objects.all().delete()
    Page.objects.all().delete()  # the policy pages: tests after this module write their own
    Variant.option_values.through.objects.all().delete()
    Variant.objects.update(image=None)
    ProductImage.objects.all().delete()
    Variant.objects.all().delete()
    Product.objects.all().delete()
    OptionValue.objects.all().delete()
    OptionType.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.mark.django_db
def test_budgets_with_ten_thousand_products(big_catalog, client):
    assert Product.objects.count() == 10_000
    product = Product.objects.filter(rating_count__gt=2, variants__stock__gt=0).order_by("id").first()
    category = Category.objects.get(slug="kitchen")
    guest = _measure(client, product, category)
    _assert_within(guest)
    client.force_login(factories.user())
    _assert_within(_measure(client, product, category), signed_in=True)
