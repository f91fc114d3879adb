"""Two web processes that share nothing but PostgreSQL (or the SQLite test file), Redis and the bucket, as
two Heroku dynos do: each gunicorn runs from its own working directory with its own (empty) media folder,
and a huey worker from a third. Whatever one server is told, the other shows: an uploaded picture, a cart,
a staff edit that invalidates cached pages.
"""

import io
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest
import requests
from django.urls import reverse
from PIL import Image

from storefront.models import ProductImage
from tests import factories
from tests.support.html import page_text
from tests.support.processes import ROOT, child_env, own_redis_server, start_gunicorn, stop
from tests.support.s3 import s3_storage
from tests.support.waiting import wait_until

TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAFF_PASSWORD = "correct horse battery"


@dataclass
class Shops:
    a: str
    b: str
    bucket: str


@pytest.fixture
def shops(tmp_path, s3_server, settings):
    bucket = s3_server.new_bucket()
    settings.STORAGES = settings.STORAGES | {"default": s3_storage(s3_server, bucket)}  # this process, too
    with own_redis_server() as (_redis, redis_url):
        env = child_env(REDIS_URL=f"{redis_url}/0", **s3_server.env(bucket))
        started = []
        try:
            bases = []
            for name in ("a", "b"):
                (tmp_path / name / "media").mkdir(parents=True)
                process, base = start_gunicorn(env | {"DJANGO_MEDIA_ROOT": str(tmp_path / name / "media")},
                                               workers=1, cwd=tmp_path / name)
                started.append(process)
                bases.append(base)
            (tmp_path / "worker" / "media").mkdir(parents=True)
            worker_log = (tmp_path / "worker.log").open("w")  # a file, not a pipe nobody reads
            started.append(subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "run_huey", "--workers", "1"], cwd=tmp_path / "worker",
                env=env | {"PYTHONPATH": str(ROOT), "DJANGO_MEDIA_ROOT": str(tmp_path / "worker" / "media")},
                stdout=worker_log, stderr=subprocess.STDOUT, text=True,
            ))
            yield Shops(*bases, bucket)
        finally:
            for process in started:
                print(stop(process)[-3000:])  # shown when a test fails
            if (tmp_path / "worker.log").exists():
                print((tmp_path / "worker.log").read_text()[-3000:])
        for name in ("a", "b", "worker"):  # nothing reached a server's own disk
            assert not any((tmp_path / name / "media").rglob("*.*")), name


def _token(html: str) -> str:
    return TOKEN_INPUT.search(html).group(1)


def _signed_in_staff(base: str) -> requests.Session:
    factories.user(email="staff@example.com", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)
    browser = requests.Session()
    login = reverse("account_login")
    page = browser.get(f"{base}{login}", timeout=10)
    response = browser.post(f"{base}{login}", timeout=10, allow_redirects=False, data={
        "login": "staff@example.com", "password": STAFF_PASSWORD, "csrfmiddlewaretoken": _token(page.text)})
    assert response.status_code == 302, page_text(response.text)[:500]
    return browser


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (1000, 750), "teal").save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_picture_uploaded_on_one_server_is_shown_by_the_other(shops, s3_server):
    item = factories.product(name="Walnut Tray")
    staff = _signed_in_staff(shops.a)
    add = reverse("admin:storefront_productimage_add")
    form = staff.get(f"{shops.a}{add}", timeout=10)
    response = staff.post(f"{shops.a}{add}", timeout=30, allow_redirects=False,
                          data={"product": item.pk, "alt": "A walnut tray", "position": "0",
                                "csrfmiddlewaretoken": _token(form.text)},
                          files={"image": ("tray.jpg", _jpeg(), "image/jpeg")})
    assert response.status_code == 302, page_text(response.text)[:1000]
    image = ProductImage.objects.get()

    page_url = f"{shops.b}{item.get_absolute_url()}"
    original = f"{s3_server.endpoint}/{shops.bucket}/{image.image.name}"
    page = requests.get(page_url, timeout=10)
    assert original in page.text
    img_src = re.search(r"img-src ([^;]+)", page.headers["Content-Security-Policy"]).group(1).split()
    assert s3_server.endpoint in img_src  # a browser may load the pictures from the bucket's host
    assert requests.get(original, timeout=10).status_code == 200

    # The worker (its own process and disk) draws the renditions into the bucket; server B's cached
    # page gives way to one that links them.
    assert wait_until(lambda: "/renditions/" in requests.get(page_url, timeout=10).text, timeout=30, interval=0.2), \
        "server B never linked the renditions"
    image.refresh_from_db()
    small = f"{s3_server.endpoint}/{shops.bucket}/{image.renditions['240']}"
    assert f"{small} 240w" in requests.get(page_url, timeout=10).text
    assert requests.get(small, timeout=10).headers["Content-Type"] == "image/webp"


@pytest.mark.django_db(transaction=True)
def test_a_cart_started_on_one_server_continues_on_the_other(shops):
    variant = factories.variant(stock=10, name="Linen Apron")
    shopper = requests.Session()  # one cookie jar: a load balancer may send each request to either server
    page = shopper.get(f"{shops.a}{variant.product.get_absolute_url()}", timeout=10)
    added = shopper.post(f"{shops.a}{reverse('checkout:cart_add')}", timeout=10, data={
        "variant": variant.pk, "quantity": "2", "csrfmiddlewaretoken": _token(page.text)})
    assert added.status_code == 200

    cart = shopper.get(f"{shops.b}/cart/", timeout=10)
    assert "Linen Apron" in page_text(cart.text)
    assert re.search(rf'id="qty-{variant.pk}"[^>]*value="2"', cart.text)
    changed = shopper.post(f"{shops.b}{reverse('checkout:cart_update', args=[variant.pk])}", timeout=10,
                           data={"quantity": "3", "csrfmiddlewaretoken": _token(cart.text)})
    assert changed.status_code == 200
    assert re.search(rf'id="qty-{variant.pk}"[^>]*value="3"', shopper.get(f"{shops.a}/cart/", timeout=10).text)


@pytest.mark.django_db(transaction=True)
def test_a_staff_edit_on_one_server_refreshes_the_cached_pages_of_the_other(shops):
    item = factories.product(name="Clay Planter")
    variant = item.variants.get()
    page_url = f"{shops.b}{item.get_absolute_url()}"
    requests.get(page_url, timeout=10)
    cached = requests.get(page_url, timeout=10)
    assert cached.headers.get("X-Page-Cache") == "hit" and "Clay Planter" in page_text(cached.text)

    staff = _signed_in_staff(shops.a)
    change = reverse("admin:storefront_product_change", args=[item.pk])
    form = staff.get(f"{shops.a}{change}", timeout=10)
    response = staff.post(f"{shops.a}{change}", timeout=10, allow_redirects=False, data={
        "csrfmiddlewaretoken": _token(form.text),
        "name": "Stoneware Planter", "slug": item.slug, "description": "", "category": item.category_id,
        "tax_class": "standard", "active": "on",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000", "variants-0-id": variant.pk, "variants-0-product": item.pk,
        "variants-0-sku": variant.sku, "variants-0-label": variant.label, "variants-0-price": str(variant.price),
        "variants-0-weight_grams": "0", "variants-0-low_stock_threshold": "3", "variants-0-position": "0",
        "variants-0-adjust_reason": "restock", "variants-0-active": "on",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, page_text(response.text)[:1000]

    fresh = requests.get(page_url, timeout=10)
    assert "Stoneware Planter" in page_text(fresh.text) and "Clay Planter" not in page_text(fresh.text)
