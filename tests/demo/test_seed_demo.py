"""`manage.py seed_demo`: a believable, idempotent demo catalog with real pictures."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from PIL import Image

from demo.catalog import build_catalog
from storefront.models import Category, Product, ProductImage, Variant


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "images": ProductImage.objects.count(),
    }


def files(media: Path) -> dict[str, int]:
    """Every file under MEDIA_ROOT with its modification time in nanoseconds."""
    return {str(p.relative_to(media)): p.stat().st_mtime_ns for p in media.rglob("*") if p.is_file()}


@pytest.mark.django_db
def test_default_catalog_is_believable(media):
    out = seed()

    assert Product.objects.count() >= 40
    assert Category.objects.filter(parent__isnull=True).count() >= 6
    assert Category.objects.filter(parent__isnull=False).exists()
    assert Category.objects.filter(products__isnull=False).distinct().count() >= 5

    products = Product.objects.annotate(
        n_variants=Count("variants", distinct=True), units=Sum("variants__stock")
    )
    assert all(p.n_variants >= 1 for p in products)
    assert sum(p.n_variants > 1 for p in products) >= 8  # about a third have options
    sold_out = [p for p in products if p.units == 0]
    assert 3 <= len(sold_out) <= 6
    assert 6 <= Product.objects.filter(featured=True).count() <= 10
    assert Variant.objects.filter(stock=0, product__in=[p for p in products if p.units]).exists()
    # The listing columns are filled in (storefront/listing_data.py): every product is listed.
    assert {p.pk for p in sold_out} == set(Product.objects.filter(in_stock=False).values_list("pk", flat=True))
    assert not Product.objects.filter(price_from__isnull=True).exists()

    for price in Variant.objects.values_list("price", flat=True):
        assert price > 0
        assert price % 1 in (Decimal("0.00"), Decimal("0.50"), Decimal("0.95"))
    assert Variant.objects.filter(sku__regex=r"^[A-Z]{3}-[A-Z]{3}-\d{4}(-[A-Z0-9-]+)?$").count() == (
        Variant.objects.count()
    )
    assert all(len(p.description.split(". ")) >= 2 for p in Product.objects.all())

    now = timezone.now()
    created = list(Product.objects.values_list("created", flat=True))
    assert all(now - timedelta(days=91) <= c <= now for c in created)
    assert max(created) - min(created) > timedelta(days=30)  # spread, not all "just now"

    assert "48 products created" in out
    assert "DEBUG is off" in out  # pytest-django runs the tests with DEBUG off


@pytest.mark.django_db
def test_every_product_has_a_real_picture(media):
    seed("--quiet")

    assert not Product.objects.filter(images__isnull=True).exists()
    seen = set()
    for image in ProductImage.objects.all():
        path = Path(image.image.path)
        assert path.is_file(), path
        assert media in path.parents and path.parent.name == "products"
        assert image.alt and image.width == image.height == 800
        with Image.open(path) as picture:
            picture.load()
            assert picture.format == "JPEG" and picture.size == (800, 800)
        # Resized copies were made once, at seeding, and are on disk.
        assert set(image.renditions) == {"240", "480"}
        for width, name in image.renditions.items():
            with Image.open(media / name) as small:
                assert small.format == "WEBP" and small.size == (int(width), int(width))
        seen.add(image.image.name)
    assert len(seen) == ProductImage.objects.count()  # the curated products each have their own


@pytest.mark.django_db
def test_running_twice_changes_nothing(media, django_assert_max_num_queries):
    seed("--quiet")
    before, before_files = counts(), files(media)
    slugs = set(Product.objects.values_list("slug", flat=True))

    with django_assert_max_num_queries(10):  # the second run only looks, it does not write
        out = seed()

    assert counts() == before
    assert files(media) == before_files  # no picture redrawn or added
    assert set(Product.objects.values_list("slug", flat=True)) == slugs
    assert "0 products created, 48 already present" in out


@pytest.mark.django_db
def test_quiet_prints_nothing(media):
    assert seed("--quiet") == ""


@pytest.mark.django_db
def test_more_products_scale_and_share_pictures(media):
    seed("--products", "300", "--quiet")

    assert Product.objects.count() == 300
    assert Product.objects.values("slug").distinct().count() == 300
    assert not Product.objects.annotate(n=Count("variants")).filter(n=0).exists()
    assert not Product.objects.filter(images__isnull=True).exists()
    picture_files = [f for f in (media / "products").iterdir() if f.is_file()]
    assert len(picture_files) < 300  # later products share a pool of pictures
    assert {f.name for f in picture_files} == {
        Path(name).name for name in ProductImage.objects.values_list("image", flat=True).distinct()
    }


@pytest.mark.django_db
def test_growing_the_catalog_keeps_the_first_products(media):
    seed("--quiet")
    first = dict(Product.objects.values_list("slug", "name"))
    seed("--products", "60", "--quiet")

    assert Product.objects.count() == 60
    assert dict(Product.objects.filter(slug__in=first).values_list("slug", "name")) == first


def test_catalog_is_the_same_everywhere():
    a, b = build_catalog(60), build_catalog(60)
    assert [(p.slug, p.description, [(v.sku, v.price, v.stock) for v in p.variants]) for p in a] == [
        (p.slug, p.description, [(v.sku, v.price, v.stock) for v in p.variants]) for p in b
    ]
    assert [p.slug for p in build_catalog(20)] == [p.slug for p in a[:20]]


@pytest.mark.django_db
def test_admin_user_only_in_debug(media, settings):
    User = get_user_model()
    login = {User.USERNAME_FIELD: "admin@example.com" if User.USERNAME_FIELD == "email" else "admin"}

    settings.DEBUG = False
    out = seed("--products", "0")
    assert not User.objects.filter(**login).exists()
    assert "DEBUG is off" in out

    settings.DEBUG = True
    out = seed("--products", "0")
    admin = User.objects.get(**login)
    assert admin.is_staff and admin.is_superuser and admin.email == "admin@example.com"
    assert admin.check_password("admin")
    assert f"user {login[User.USERNAME_FIELD]}, password admin" in out

    seed("--products", "0")  # idempotent
    assert User.objects.filter(**login).count() == 1


@pytest.mark.django_db
def test_no_sold_out_product_is_featured_and_stock_is_never_negative(media):
    seed("--quiet")
    assert not Variant.objects.filter(stock__lt=0).exists()
    featured_sold_out = (
        Product.objects.filter(featured=True)
        .annotate(units=Sum("variants__stock", filter=Q(variants__active=True)))
        .filter(units=0)
    )
    assert not featured_sold_out.exists()


@pytest.mark.django_db
def test_options_variant_pictures_and_verified_reviews(media):
    from checkout.models import OrderLine
    from storefront.models import OptionType, Review

    seed("--quiet")
    assert {"Size", "Colour"} <= set(OptionType.objects.values_list("name", flat=True))
    with_options = Variant.objects.filter(option_values__isnull=False).distinct()
    assert with_options.count() >= Variant.objects.count() // 3
    # A variant has at most one value per option type, and products with colours show the right picture.
    for v in with_options.prefetch_related("option_values"):
        types = [ov.option_type_id for ov in v.option_values.all()]
        assert len(types) == len(set(types))
    assert Variant.objects.filter(image__isnull=False).exists()
    assert not Variant.objects.exclude(image__isnull=True).exclude(image__product=models_F("product")).exists()

    reviews = Review.objects.all()
    assert reviews.count() > 40
    assert set(reviews.values_list("rating", flat=True)) <= {1, 2, 3, 4, 5}
    for r in reviews.select_related("user")[:50]:
        assert r.verified
        assert OrderLine.objects.filter(order__user=r.user, order__status__in=("paid", "processing", "shipped", "delivered"), variant__product=r.product_id).exists()
    rated = Product.objects.filter(rating_count__gt=0)
    assert rated.exists()
    for p in rated[:20]:
        visible = Review.objects.filter(product=p, hidden=False)
        assert p.rating_count == visible.count()
        avg = sum(visible.values_list("rating", flat=True)) / p.rating_count
        assert abs(float(p.rating_avg) - avg) < 0.01


def models_F(name):
    from django.db.models import F

    return F(name)


@pytest.mark.django_db
def test_the_demo_shop_ships_taxes_and_discounts(media):
    from checkout.models import DiscountCode, ShippingMethod, TaxRate
    from checkout.pricing import Destination, quote

    seed("--quiet")
    assert set(ShippingMethod.objects.values_list("zone__name", "name")) == {
        ("United States", "Standard"), ("United States", "Express"), ("International", "International"),
    }
    assert TaxRate.objects.get(state="US-CA").rate == 7.25
    assert DiscountCode.objects.get(code="WELCOME10").value == 10
    variant = Variant.objects.filter(stock__gt=0, price__lt=70).order_by("id").first()
    priced = quote(quantities={variant.pk: 1}, destination=Destination("US", "US-CA"), code="welcome10")
    assert [o.name for o in priced.shipping_options] == ["Standard", "Express"]
    assert priced.shipping == 5 and priced.discount == round(variant.price / 10, 2)
    assert priced.tax > 0 and priced.total == priced.subtotal - priced.discount + priced.shipping + priced.tax
    assert Variant.objects.filter(compare_at_price__gt=F("price")).count() >= 5
    seed("--quiet")  # a second run adds nothing
    assert ShippingMethod.objects.count() == 3 and DiscountCode.objects.count() == 1


@pytest.mark.django_db
def test_seeding_into_a_bucket_stores_every_picture_there_once(s3_server, s3_media, client):
    seed("--quiet")

    stored = s3_server.keys(s3_media)
    wanted = set()
    for image in ProductImage.objects.all():
        assert set(image.renditions) == {"240", "480"}
        wanted |= {image.image.name, *image.renditions.values()}
    assert stored == wanted
    product = Product.objects.filter(featured=True).first()
    page = client.get(product.get_absolute_url()).content.decode()
    assert f"{s3_server.endpoint}/{s3_media}/products/renditions/" in page

    out = seed()  # a second run (a review app's next deploy) finds them all and uploads nothing
    assert "0 products created" in out and s3_server.keys(s3_media) == stored
