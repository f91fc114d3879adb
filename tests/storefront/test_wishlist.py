"""Part 7: the wishlist heart, the page, and a guest's tap saved after sign-in."""

import pytest
from django.urls import reverse

from storefront.models import WishlistItem
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def toggle(client, product, **extra):
    return client.post(reverse("storefront:wishlist_toggle", args=[product.pk]), {"next": "/"}, **extra)


def test_heart_toggles_with_htmx_and_without(client):
    item = factories.product(name="Wool Throw")
    shopper = factories.user()
    client.force_login(shopper)
    response = toggle(client, item, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'aria-pressed="true"' in html and "Saved to your wishlist" in html
    assert WishlistItem.objects.filter(user=shopper, product=item).exists()
    response = toggle(client, item)  # a plain form post
    assert response.status_code == 302 and response["Location"] == "/"
    assert not WishlistItem.objects.filter(user=shopper, product=item).exists()


def test_cards_and_wishlist_page_show_saved_products(client):
    item = factories.product(name="Wool Throw", featured=True)
    other = factories.product(name="Linen Napkins")
    shopper = factories.user()
    WishlistItem.objects.create(user=shopper, product=item)
    client.force_login(shopper)
    home = client.get("/").content.decode()
    assert home.count('aria-pressed="true"') == 2  # featured and new arrivals
    page = client.get(reverse("storefront:wishlist")).content.decode()
    assert "Wool Throw" in page and other.name not in page


def test_guest_is_asked_to_sign_in_and_the_product_is_saved_after(client):
    item = factories.product(name="Wool Throw")
    shopper = factories.user(password=PASSWORD)
    response = toggle(client, item, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("account_login"))
    login = client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})
    assert login.status_code == 302
    assert WishlistItem.objects.filter(user=shopper, product=item).count() == 1
    # Saved once: signing in again adds nothing more.
    client.logout()
    client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})
    assert WishlistItem.objects.filter(user=shopper).count() == 1


def test_wishlist_page_needs_an_account(client):
    response = client.get(reverse("storefront:wishlist"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_each_card_heart_is_its_own_products_with_its_own_state(client):
    """One heart is rendered per page and kind and each card's product put in: every card still posts to
    its own product's toggle, names it (escaped) and shows whether this shopper saved it."""
    kitchen = factories.category(name="Kitchen", slug="kitchen")
    saved = factories.product(category_obj=kitchen, name="Tom & Jerry's <Mug>")
    other = factories.product(category_obj=kitchen, name="Plain Plate")
    shopper = factories.user()
    WishlistItem.objects.create(user=shopper, product=saved)
    client.force_login(shopper)
    html = client.get(kitchen.get_absolute_url()).content.decode()
    for item, pressed in ((saved, "true"), (other, "false")):
        toggle_url = reverse("storefront:wishlist_toggle", args=[item.pk])
        start = html.index(f'id="wish-{item.pk}')
        heart = html[html.rindex("<form", 0, start):html.index("</form>", start)]
        assert f'action="{toggle_url}"' in heart and f'id="wish-btn-{item.pk}' in heart
        assert f'aria-pressed="{pressed}"' in heart
    assert "Save Tom &amp; Jerry&#x27;s &lt;Mug&gt; to wishlist" in html
    assert "Save Plain Plate to wishlist" in html
    assert "7304918265" not in html and "WISHLISTHEART" not in html.upper()
