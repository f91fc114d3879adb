"""The address book's form: the state follows the country, with and without htmx, and the list prints
each address as its country writes it."""

import pytest
from django.urls import reverse

from accounts.models import Address
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
US = {"full_name": "Grace Hopper", "address_line1": "1 Navy Yard", "address_line2": "", "city": "Arlington",
      "postal_code": "22202", "country": "US", "state": "US-VA", "phone": ""}


@pytest.fixture
def shopper(client):
    account = factories.user(email="grace@example.com", full_name="Grace Hopper")
    client.force_login(account)
    return account


def test_the_form_offers_the_states_of_the_starting_country_and_an_update_button(client, shopper):
    html = client.get(reverse("accounts:address_add")).content.decode()
    assert 'id="state-field"' in html and "State / province" in html
    assert '<option value="US-CA">California</option>' in html
    assert 'name="refresh"' in html and "formnovalidate" in html
    assert 'hx-post="/accounts/addresses/new/"' in html and 'hx-target="#state-field"' in html
    assert "ZIP code" in html


def test_update_without_javascript_shows_the_new_countrys_states_and_saves_nothing(client, shopper):
    response = client.post(reverse("accounts:address_add"), US | {"country": "CA", "refresh": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert '<option value="CA-ON">Ontario</option>' in html and "US-VA" not in html
    assert 'value="1 Navy Yard"' in html  # what was typed stays
    assert "field-error" not in html  # nothing was checked yet
    assert not Address.objects.exists()


def test_htmx_swaps_in_the_state_field_and_the_postal_code_label(client, shopper):
    response = client.post(reverse("accounts:address_add"), US | {"country": "CA", "refresh": "1"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="state-field" class=')  # the target itself, swapped in place
    assert '<option value="CA-ON">Ontario</option>' in html
    assert 'id="postal-code-field" hx-swap-oob="true"' in html and ">Postal code<" in html
    assert not Address.objects.exists()

    britain = client.post(reverse("accounts:address_add"), US | {"country": "GB", "refresh": "1"}, **HTMX)
    html = britain.content.decode()
    assert '<div id="state-field" class="hidden">' in html and 'type="hidden" name="state"' in html
    assert ">Postcode<" in html


def test_update_on_the_edit_page_keeps_the_address_unchanged(client, shopper):
    address = Address.objects.create(user=shopper, **US, is_default=True)
    url = reverse("accounts:address_edit", args=[address.pk])
    client.post(url, US | {"country": "CA", "city": "Ottawa", "refresh": "1"})
    client.post(url, US | {"country": "CA", "refresh": "1"}, **HTMX)
    address.refresh_from_db()
    assert (address.country, address.city, address.state) == ("US", "Arlington", "US-VA")


def test_saving_a_us_address_without_a_state_is_refused(client, shopper):
    response = client.post(reverse("accounts:address_add"), US | {"state": ""})
    assert "Please choose a state." in response.content.decode()
    assert not Address.objects.exists()


def test_saving_a_us_address_with_a_canadian_province_is_refused(client, shopper):
    response = client.post(reverse("accounts:address_add"), US | {"state": "CA-ON"})
    html = response.content.decode()
    assert "Ontario is in Canada, not the United States. Please choose a state from the list." in html
    assert not Address.objects.exists()


def test_a_saved_address_is_listed_as_its_country_writes_it(client, shopper):
    client.post(reverse("accounts:address_add"), US)
    client.post(reverse("accounts:address_add"), US | {"country": "CA", "state": "CA-ON", "city": "Ottawa",
                                                        "postal_code": "k1a0b1"})
    client.post(reverse("accounts:address_add"), US | {"country": "GB", "state": "", "city": "London",
                                                        "postal_code": "n19gu"})
    assert Address.objects.get(country="CA").postal_code == "K1A 0B1"
    html = client.get(reverse("accounts:addresses")).content.decode()
    assert "Arlington, VA 22202<br>United States" in html
    assert "Ottawa ON K1A 0B1<br>Canada" in html
    assert "London<br>N1 9GU<br>United Kingdom" in html


def test_the_edit_page_starts_with_the_saved_countrys_states(client, shopper):
    address = Address.objects.create(user=shopper, **(US | {"country": "CA", "state": "CA-ON", "city": "Ottawa",
                                                             "postal_code": "K1A 0B1"}))
    html = client.get(reverse("accounts:address_edit", args=[address.pk])).content.decode()
    assert '<option value="CA-ON" selected>Ontario</option>' in html
    assert "California" not in html


def test_refreshing_someone_elses_address_is_404(client, shopper):
    theirs = Address.objects.create(user=factories.user(), **US)
    url = reverse("accounts:address_edit", args=[theirs.pk])
    assert client.post(url, US | {"refresh": "1"}).status_code == 404
    assert client.post(url, US | {"refresh": "1"}, **HTMX).status_code == 404


def test_checkout_is_prefilled_with_the_saved_state(client, shopper):
    Address.objects.create(user=shopper, **US, is_default=True)
    from accounts.selectors import checkout_initial

    assert checkout_initial(user=shopper)["state"] == "US-VA"
