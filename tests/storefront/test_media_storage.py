"""Product pictures on object storage: a real S3 API server (moto's, started by the suite), the admin,
the worker's renditions, the product page's links, and deleted pictures' objects removed."""

import io
import json
import subprocess
import sys
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from storefront.models import ProductImage
from tests import factories
from tests.support.processes import ROOT
from tests.support.s3 import s3_storage

pytestmark = pytest.mark.django_db


def jpeg(colour="orange", size=(1200, 900)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_an_upload_shows_its_original_at_once_and_its_renditions_once_the_worker_drew_them(
        admin_client, client, s3_server, s3_media, django_capture_on_commit_callbacks):
    item = factories.product(name="Copper Kettle")
    with django_capture_on_commit_callbacks() as after_commit:
        response = admin_client.post(reverse("admin:storefront_productimage_add"), {
            "product": item.pk, "alt": "A copper kettle", "position": 0,
            "image": SimpleUploadedFile("kettle.jpg", jpeg(), content_type="image/jpeg"),
        })
    assert response.status_code == 302
    image = ProductImage.objects.get()
    assert s3_server.keys(s3_media) == {image.image.name}  # the admin did not wait for renditions
    page = client.get(item.get_absolute_url()).content.decode()
    original_url = f"{s3_server.endpoint}/{s3_media}/{image.image.name}"
    assert f'src="{original_url}"' in page and "renditions/" not in page  # the original, never a broken image

    for callback in after_commit:  # the commit: the worker (huey, in-process here) draws the renditions
        callback()

    image.refresh_from_db()
    assert set(image.renditions) == {"240", "480"}
    assert s3_server.keys(s3_media) == {image.image.name, *image.renditions.values()}
    page = client.get(item.get_absolute_url()).content.decode()
    small = f"{s3_server.endpoint}/{s3_media}/{image.renditions['240']}"
    assert f"{small} 240w" in page
    status, headers, body = fetch(small)
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(body)) as picture:
        assert picture.format == "WEBP" and picture.size == (240, 180)
    assert fetch(original_url)[1]["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_second_upload_with_the_same_file_name_never_overwrites_the_first(
        admin_client, s3_server, s3_media, django_capture_on_commit_callbacks):
    item = factories.product()
    for colour in ("red", "blue"):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reverse("admin:storefront_productimage_add"), {
                "product": item.pk, "alt": f"A {colour} one", "position": 0,
                "image": SimpleUploadedFile("photo.jpg", jpeg(colour), content_type="image/jpeg"),
            })
    first, second = ProductImage.objects.order_by("pk")
    assert first.image.name != second.image.name
    assert set(first.renditions.values()).isdisjoint(second.renditions.values())
    with Image.open(io.BytesIO(fetch(first.image.url)[2])) as picture:
        assert picture.getpixel((0, 0))[0] > 200  # still red


def _product_form(item, **images) -> dict:
    variant = item.variants.get()
    return {
        "name": item.name, "slug": item.slug, "description": "", "category": item.category_id,
        "tax_class": "standard", "active": "on",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000", "variants-0-id": variant.pk, "variants-0-product": item.pk,
        "variants-0-sku": variant.sku, "variants-0-label": variant.label, "variants-0-price": str(variant.price),
        "variants-0-weight_grams": "0", "variants-0-low_stock_threshold": "3", "variants-0-position": "0",
        "variants-0-adjust_reason": "restock", "variants-0-active": "on",
        "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000", **images,
    }


def test_replacing_a_picture_on_the_product_page_deletes_the_old_objects_after_commit(
        admin_client, client, s3_server, s3_media, django_capture_on_commit_callbacks):
    item = factories.product(name="Oak Stool")
    image = factories.product_image(product_obj=item, alt="The old photo")
    old = {image.image.name, *image.renditions.values()}
    assert s3_server.keys(s3_media) == old

    with django_capture_on_commit_callbacks() as after_commit:
        response = admin_client.post(reverse("admin:storefront_product_change", args=[item.pk]), _product_form(
            item, **{"images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1", "images-0-id": image.pk,
                     "images-0-product": item.pk, "images-0-alt": "The new photo", "images-0-position": "0",
                     "images-0-image": SimpleUploadedFile("stool.jpg", jpeg("brown"), content_type="image/jpeg")}))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert s3_server.keys(s3_media) >= old  # nothing deleted before the commit
    image.refresh_from_db()
    assert image.renditions == {}  # the old file's renditions are not shown for the new one
    assert "renditions/" not in client.get(item.get_absolute_url()).content.decode()

    for callback in after_commit:
        callback()

    image.refresh_from_db()
    assert s3_server.keys(s3_media) == {image.image.name, *image.renditions.values()}
    assert set(image.renditions) == {"240", "480"} and not old & s3_server.keys(s3_media)


def test_deleting_a_picture_in_the_admin_removes_its_objects(
        admin_client, s3_server, s3_media, django_capture_on_commit_callbacks):
    item = factories.product()
    kept = factories.product_image(product_obj=item, alt="Kept", colour="green")
    gone = factories.product_image(product_obj=item, alt="Deleted", position=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:storefront_productimage_delete", args=[gone.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert s3_server.keys(s3_media) == {kept.image.name, *kept.renditions.values()}


def test_a_file_two_pictures_share_stays_until_the_last_one_goes(
        s3_server, s3_media, django_capture_on_commit_callbacks):
    """seed_demo's products share pictures: deleting one product keeps what the other still shows."""
    one, two = factories.product(), factories.product()
    picture = factories.product_image(product_obj=one)
    ProductImage.objects.create(product=two, image=picture.image.name, alt="Same", renditions=picture.renditions)
    with django_capture_on_commit_callbacks(execute=True):
        one.delete()
    assert picture.image.name in s3_server.keys(s3_media)
    with django_capture_on_commit_callbacks(execute=True):
        two.delete()
    assert s3_server.keys(s3_media) == set()


def test_the_environment_variables_choose_the_same_storage_as_these_tests(s3_server):
    """shop/settings.py, given .env.example's variables, builds the storage `s3_media` installs."""
    code = ("import django, json; django.setup(); from django.conf import settings;"
            "print(json.dumps(settings.STORAGES['default']))")
    env = {"DJANGO_SETTINGS_MODULE": "shop.settings", "DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin",
           **s3_server.env("a-bucket")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == s3_storage(s3_server, "a-bucket")


@pytest.mark.parametrize("location", ["", "staging"])
def test_links_are_the_ones_botocore_makes(s3_server, location):
    from storages.backends.s3 import S3Storage

    from core.storage import BucketStorage

    options = s3_storage(s3_server, "links")["OPTIONS"] | {"location": location}
    ours, theirs = BucketStorage(**options), S3Storage(**options)
    for name in ("products/mug.jpg", "products/renditions/mug-jpg-240.webp", "products/a b~c+d.JPG"):
        assert ours.url(name) == theirs.url(name)
    assert ours.url("products/mug.jpg").startswith(f"{s3_server.endpoint}/links/{location}")
