"""Part 2: pictures with renditions made once at upload, served with srcset and sizes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from storefront.images import image_renditions_make
from storefront.models import ProductImage
from tests import factories

pytestmark = pytest.mark.django_db


def jpeg(size=(1200, 900)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "orange").save(buf, "JPEG")
    return buf.getvalue()


def test_renditions_are_made_once(settings):
    item = factories.product()
    image = factories.product_image(product_obj=item)
    assert set(image.renditions) == {"240", "480"}
    path = settings.MEDIA_ROOT / image.renditions["240"]
    with Image.open(path) as small:
        assert small.format == "WEBP" and small.size == (240, 240)
    before = path.stat().st_mtime_ns
    assert image_renditions_make(image=image) == image.renditions  # nothing redrawn
    assert path.stat().st_mtime_ns == before


def test_upload_in_admin_makes_renditions_after_commit(admin_client, django_capture_on_commit_callbacks):
    item = factories.product()
    with django_capture_on_commit_callbacks() as after_commit:
        response = admin_client.post(reverse("admin:storefront_productimage_add"), {
            "product": item.pk, "alt": "A wide photo", "position": 0,
            "image": SimpleUploadedFile("wide.jpg", jpeg(), content_type="image/jpeg"),
        })
    assert response.status_code == 302
    image = ProductImage.objects.get()
    assert image.width == 1200 and image.height == 900
    assert image.renditions == {}  # the worker draws them, the admin does not wait
    for callback in after_commit:
        callback()
    image.refresh_from_db()
    assert set(image.renditions) == {"240", "480"}


def phone_photo() -> bytes:
    """A JPEG as a phone stores it: 1200×900 pixels from the sensor, "rotate 90° clockwise" (Orientation 6)
    and where it was taken in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "W", (0.0, 7.0, 39.0)
    buf = io.BytesIO()
    Image.new("RGB", (1200, 900), "orange").save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_a_phone_photo_is_drawn_upright_and_its_renditions_carry_no_location(admin_client, settings,
                                                                             django_capture_on_commit_callbacks):
    with Image.open(io.BytesIO(phone_photo())) as original:  # the upload really carries both
        assert original.getexif()[ExifTags.Base.Orientation] == 6
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    item = factories.product()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:storefront_productimage_add"), {
            "product": item.pk, "alt": "A mug, photographed upright", "position": 0,
            "image": SimpleUploadedFile("phone.jpg", phone_photo(), content_type="image/jpeg"),
        })
    image = ProductImage.objects.get()
    assert set(image.renditions) == {"240", "480"}
    for width, name in image.renditions.items():
        with Image.open(settings.MEDIA_ROOT / name) as rendition:
            assert rendition.size == (int(width), int(width) * 4 // 3)  # portrait, as the phone held it
            assert not rendition.getexif() and "exif" not in rendition.info and "xmp" not in rendition.info


def test_cards_and_product_page_use_srcset_sizes_and_dimensions(client):
    item = factories.product(name="Orange Mug", featured=True)
    factories.product_image(product_obj=item, alt="An orange mug")
    factories.product_image(product_obj=item, alt="The mug from above", position=1)
    home = client.get("/").content.decode()
    assert 'srcset="/media/products/renditions/' in home and " 240w," in home and " 800w" in home
    assert 'sizes="(min-width: 1024px) 270px' in home and 'width="800" height="800"' in home
    assert 'loading="lazy"' in home
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'alt="An orange mug"' in page and 'alt="The mug from above"' in page
    assert 'fetchpriority="high"' in page


def test_a_broken_upload_keeps_the_original_only():
    item = factories.product()
    image = factories.product_image(product_obj=item)
    image.image.name = "products/missing.jpg"
    assert image_renditions_make(image=image) == {}


def test_local_media_is_cached_for_a_year_and_a_missing_rendition_shows_the_original(client, settings):
    item = factories.product()
    image = factories.product_image(product_obj=item)
    small = image.renditions["240"]
    response = client.get(f"/media/{small}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(image.image.url)["Cache-Control"] == "public, max-age=31536000, immutable"

    (settings.MEDIA_ROOT / small).unlink()  # a disk that lost it
    response = client.get(f"/media/{small}")
    assert response.status_code == 302 and response["Location"] == image.image.url
    assert "immutable" not in response.get("Cache-Control", "")
    assert client.get("/media/products/renditions/nothing-jpg-240.webp").status_code == 404
    assert client.get("/media/products/nothing.jpg").status_code == 404
