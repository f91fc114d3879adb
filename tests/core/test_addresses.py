"""Addresses that fit the country: states, postal codes, and how each country writes an address."""

import pytest

from checkout.forms import CheckoutForm
from core.addresses import PostalAddress
from core.countries import (
    SHIPPING_COUNTRIES,
    needs_state,
    postal_code_label,
    postal_code_required,
    subdivisions,
)
from core.forms import PostalAddressForm


def _post(**kwargs) -> dict:
    data = {"full_name": "Grace Hopper", "address_line1": "1 Navy Yard", "address_line2": "", "city": "Arlington",
            "postal_code": "22202", "country": "US", "state": "US-VA", "phone": ""}
    return data | kwargs


def _errors(**kwargs) -> dict:
    form = PostalAddressForm(_post(**kwargs))
    form.is_valid()
    return form.errors


# --- states and provinces -----------------------------------------------------


def test_the_us_offers_its_states_dc_and_territories_but_not_the_uninhabited_islands():
    states = dict(subdivisions("US"))
    assert len(states) == 56
    assert states["US-CA"] == "California" and states["US-DC"] == "District of Columbia"
    assert "US-PR" in states and "US-UM" not in states


@pytest.mark.parametrize(("country", "count", "example"), [
    ("CA", 13, ("CA-ON", "Ontario")), ("AU", 8, ("AU-NSW", "New South Wales")), ("MX", 32, ("MX-JAL", "Jalisco")),
    ("BR", 27, ("BR-SP", "São Paulo")), ("JP", 47, ("JP-13", "Tokyo")),
])
def test_countries_with_states_offer_their_top_level_subdivisions(country, count, example):
    assert len(subdivisions(country)) == count
    assert example in subdivisions(country)
    assert needs_state(country)


def test_the_choices_are_sorted_by_name():
    names = [name for _, name in subdivisions("CA")]
    assert names == sorted(names) and names[0] == "Alberta"


@pytest.mark.parametrize("country", ["GB", "DE", "FR", "IE", "NZ", "KR", "", "ZZ"])
def test_other_countries_have_no_state_to_choose(country):
    assert subdivisions(country) == []
    assert not needs_state(country)


def test_every_shipping_country_answers_every_question():
    for code, _ in SHIPPING_COUNTRIES:
        subdivisions(code)
        assert postal_code_label(code)
        assert PostalAddress("A", "1 Road", "Town", "123", code).lines()[-1]


def test_a_us_address_without_a_state_is_refused():
    assert _errors(state="") == {"state": ["Please choose a state."]}


@pytest.mark.parametrize(("country", "postal_code", "message"), [
    ("CA", "K1A 0B1", "Please choose a province or territory."),
    ("AU", "2000", "Please choose a state or territory."),
    ("JP", "100-0001", "Please choose a prefecture."),
])
def test_each_country_asks_for_its_kind_of_state(country, postal_code, message):
    assert _errors(country=country, postal_code=postal_code, state="") == {"state": [message]}


def test_a_state_of_another_country_is_refused_with_a_clear_message():
    assert _errors(state="CA-ON") == {
        "state": ["Ontario is in Canada, not the United States. Please choose a state from the list."],
    }
    assert _errors(country="CA", postal_code="K1A 0B1", state="US-NY") == {
        "state": ["New York is in the United States, not Canada. Please choose a province or territory from the list."],
    }


@pytest.mark.parametrize("state", ["US-UM", "US-XX", "California", "<b>", "US-CA" * 5])
def test_a_state_that_is_not_in_the_list_is_refused(state):
    assert _errors(state=state) == {"state": ["Please choose a state from the list."]}


def test_a_state_code_in_lower_case_is_accepted_as_the_code():
    form = PostalAddressForm(_post(state="us-va"))
    assert form.is_valid() and form.address().state == "US-VA"


def test_a_country_without_states_takes_no_state_and_hides_the_field():
    form = PostalAddressForm(_post(country="GB", postal_code="SW1A 1AA", state="US-VA"))
    assert form.is_valid(), form.errors
    assert form.address().state == ""
    assert form["state"].is_hidden


def test_the_state_choices_follow_the_bound_country_for_any_address_form():
    form = CheckoutForm({"country": "CA"})
    html = str(form["state"])
    assert 'value="CA-ON"' in html and 'value="US-CA"' not in html
    assert form.fields["state"].label == "State / province"
    assert 'value="US-CA"' in str(CheckoutForm()["state"])  # unbound: the initial country, the United States
    assert CheckoutForm(initial={"country": "DE"})["state"].is_hidden


def test_refreshed_shows_the_new_countrys_states_without_errors_and_drops_a_stale_state():
    form = PostalAddressForm.refreshed(_post(country="CA", state="US-VA", postal_code="k1a0b1"))
    assert not form.is_bound and not form.errors
    assert 'value="CA-ON"' in str(form["state"])
    assert form["state"].value() == "" and form["postal_code"].value() == "k1a0b1"
    assert form["city"].value() == "Arlington"
    kept = PostalAddressForm.refreshed(_post(country="CA", state="CA-ON"))
    assert kept["state"].value() == "CA-ON"


# --- postal codes -------------------------------------------------------------


@pytest.mark.parametrize(("country", "label"), [
    ("US", "ZIP code"), ("GB", "Postcode"), ("AU", "Postcode"), ("IE", "Eircode"), ("DE", "Postal code"),
    ("CA", "Postal code"), ("", "Postal code"),
])
def test_the_postal_code_has_the_name_shoppers_know(country, label):
    assert postal_code_label(country) == label


@pytest.mark.parametrize(("country", "state", "message"), [
    ("US", "US-VA", "Please enter your ZIP code."),
    ("GB", "", "Please enter your postcode."),
    ("DE", "", "Please enter your postal code."),
    ("CA", "CA-ON", "Please enter your postal code."),
])
def test_the_postal_code_is_required_where_the_country_uses_one(country, state, message):
    assert postal_code_required(country)
    assert _errors(country=country, state=state, postal_code="") == {"postal_code": [message]}


def test_an_irish_address_may_leave_out_the_eircode():
    assert not postal_code_required("IE")
    form = PostalAddressForm(_post(country="IE", state="", postal_code="", city="Galway"))
    assert form.is_valid(), form.errors
    assert form.fields["postal_code"].label == "Eircode (optional)"


@pytest.mark.parametrize(("country", "state", "typed", "stored"), [
    ("US", "US-VA", "22202", "22202"),
    ("US", "US-VA", "22202-1234", "22202-1234"),
    ("US", "US-VA", "222021234", "22202-1234"),
    ("CA", "CA-ON", "k1a0b1", "K1A 0B1"),
    ("CA", "CA-ON", " k1a   0b1 ", "K1A 0B1"),
    ("GB", "", "sw1a1aa", "SW1A 1AA"),
    ("GB", "", "n1  9gu", "N1 9GU"),
    ("GB", "", "GIR 0AA", "GIR 0AA"),
    ("NL", "", "1012ab", "1012 AB"),
    ("DE", "", " 10115 ", "10115"),
    ("IE", "", "d02 x285", "D02 X285"),
])
def test_postal_codes_are_stored_as_the_post_writes_them(country, state, typed, stored):
    form = PostalAddressForm(_post(country=country, state=state, postal_code=typed))
    assert form.is_valid(), form.errors
    assert form.address().postal_code == stored


@pytest.mark.parametrize(("country", "state", "typed", "message"), [
    ("US", "US-VA", "2220", "Please enter a ZIP code like 12345 or 12345-6789."),
    ("US", "US-VA", "SW1A 1AA", "Please enter a ZIP code like 12345 or 12345-6789."),
    ("CA", "CA-ON", "12345", "Please enter a postal code like K1A 0B1."),
    ("GB", "", "12345", "Please enter a postcode like SW1A 1AA."),
])
def test_a_postal_code_of_the_wrong_shape_is_refused_for_the_big_ones(country, state, typed, message):
    assert _errors(country=country, state=state, postal_code=typed) == {"postal_code": [message]}


# --- formatting ---------------------------------------------------------------


def _address(**kwargs) -> PostalAddress:
    values = {"full_name": "Grace Hopper", "address_line1": "1 Navy Yard", "city": "Arlington",
              "postal_code": "22202", "country": "US", "state": "US-VA"}
    return PostalAddress(**(values | kwargs))


@pytest.mark.parametrize(("kwargs", "lines"), [
    ({}, ["Grace Hopper", "1 Navy Yard", "Arlington, VA 22202", "United States"]),
    ({"address_line2": "Apt 4"}, ["Grace Hopper", "1 Navy Yard", "Apt 4", "Arlington, VA 22202", "United States"]),
    ({"city": "Ottawa", "state": "CA-ON", "postal_code": "K1A 0B1", "country": "CA"},
     ["Grace Hopper", "1 Navy Yard", "Ottawa ON K1A 0B1", "Canada"]),
    ({"city": "Sydney", "state": "AU-NSW", "postal_code": "2000", "country": "AU"},
     ["Grace Hopper", "1 Navy Yard", "Sydney NSW 2000", "Australia"]),
    ({"city": "London", "state": "", "postal_code": "N1 9GU", "country": "GB"},
     ["Grace Hopper", "1 Navy Yard", "London", "N1 9GU", "United Kingdom"]),
    ({"city": "Berlin", "state": "", "postal_code": "10115", "country": "DE"},
     ["Grace Hopper", "1 Navy Yard", "10115 Berlin", "Germany"]),
    ({"city": "Chiyoda-ku", "state": "JP-13", "postal_code": "100-0001", "country": "JP"},
     ["Grace Hopper", "〒100-0001", "Tokyo Chiyoda-ku", "1 Navy Yard", "Japan"]),
    ({"city": "São Paulo", "state": "BR-SP", "postal_code": "01310-100", "country": "BR"},
     ["Grace Hopper", "1 Navy Yard", "São Paulo-SP", "01310-100", "Brazil"]),
    ({"city": "Guadalajara", "state": "MX-JAL", "postal_code": "44100", "country": "MX"},
     ["Grace Hopper", "1 Navy Yard", "44100 Guadalajara, Jalisco", "Mexico"]),
    ({"city": "Lyon", "state": "", "postal_code": "69001", "country": "FR"},  # the default layout
     ["Grace Hopper", "1 Navy Yard", "69001 Lyon", "France"]),
])
def test_each_country_is_written_as_its_post_writes_it(kwargs, lines):
    assert _address(**kwargs).lines() == lines


def test_a_us_address_saved_before_states_still_prints_cleanly():
    assert _address(state="").lines() == ["Grace Hopper", "1 Navy Yard", "Arlington, 22202", "United States"]


def test_missing_parts_leave_no_stray_marks():
    assert _address(country="JP", state="", postal_code="", city="Osaka").lines() == [
        "Grace Hopper", "Osaka", "1 Navy Yard", "Japan",
    ]
    assert _address(country="IE", state="", postal_code="", city="Galway").lines() == [
        "Grace Hopper", "1 Navy Yard", "Galway", "Ireland",
    ]


def test_a_country_outside_the_shops_list_prints_its_iso_name_or_its_code():
    assert _address(country="HK", state="", postal_code="").lines()[-1] == "Hong Kong"
    assert _address(country="ZZ", state="").lines()[-1] == "ZZ"
