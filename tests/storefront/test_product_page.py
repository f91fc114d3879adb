"""Part 1: options and variants on the product page, with and without htmx."""

import re

import pytest
from django.core.exceptions import ValidationError

from storefront.models import OptionType, OptionValue, Variant
from storefront.swatches import swatch_colour
from tests import factories
from tests.support.html import label_names

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _variant(item, label):
    return Variant.objects.get(product=item, label=label)


def test_product_page_offers_one_radio_group_per_option_type(client):
    item = factories.option_product(name="Field Tee", sizes=("S", "M"), colours=("Red", "Blue"))
    html = client.get(item.get_absolute_url()).content.decode()
    assert re.search(r"<legend[^>]*>Size", html) and re.search(r"<legend[^>]*>Colour", html)
    # Stable ids so keyboard focus survives the swap; real radios inside labels.
    ids = re.findall(r'<input type="radio" id="(opt-\d+-\d+)" name="o\d+"', html)
    assert len(ids) == 4 and len(set(ids)) == 4
    assert 'hx-get="/p/' in html and 'hx-target="#variant-panel"' in html


def test_missing_and_sold_out_combinations_are_marked(client):
    item = factories.option_product(sizes=("S", "M"), colours=("Red", "Blue"), missing=(("M", "Blue"),))
    Variant.objects.filter(pk=_variant(item, "S / Blue").pk).update(stock=0)
    red_s = _variant(item, "S / Red")
    html = client.get(item.get_absolute_url() + f"?variant={red_s.pk}").content.decode()
    # With S chosen, Blue exists but is sold out.
    assert "Blue (sold out)" in label_names(html)
    red_m = _variant(item, "M / Red")
    html = client.get(item.get_absolute_url() + f"?variant={red_m.pk}").content.decode()
    # With M chosen, Blue is not made at all.
    assert "Blue (not made in this combination)" in label_names(html)


def test_choosing_options_without_javascript_redirects_to_the_variant_url(client):
    item = factories.option_product(sizes=("S", "M"), colours=("Red", "Blue"))
    target = _variant(item, "M / Blue")
    values = {ov.option_type.name: ov.pk for ov in target.option_values.select_related("option_type")}
    types = {ov.option_type.name: ov.option_type_id for ov in target.option_values.select_related("option_type")}
    response = client.get(item.get_absolute_url(), {f"o{types['Size']}": values["Size"],
                                                    f"o{types['Colour']}": values["Colour"]})
    assert response.status_code == 302
    assert response["Location"] == f"{item.get_absolute_url()}?variant={target.pk}"


def test_htmx_choice_swaps_panel_and_photo_and_pushes_variant_url(client):
    item = factories.option_product(sizes=("S", "M"), colours=("Red", "Blue"), price="20.00")
    target = _variant(item, "M / Blue")
    Variant.objects.filter(pk=target.pk).update(price="26.00", stock=2)
    ovs = {ov.option_type.name: ov for ov in target.option_values.select_related("option_type")}
    response = client.get(
        item.get_absolute_url(),
        {f"o{ovs['Size'].option_type_id}": ovs["Size"].pk, f"o{ovs['Colour'].option_type_id}": ovs["Colour"].pk},
        HTTP_HX_TRIGGER_NAME=f"o{ovs['Colour'].option_type_id}", **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="variant-panel"')
    assert "$26.00" in html and "Only 2 left" in html
    assert f'name="variant" value="{target.pk}"' in html  # the add button adds this variant
    assert 'id="product-photo"' in html and 'hx-swap-oob="true"' in html
    assert response["HX-Push-Url"] == f"{item.get_absolute_url()}?variant={target.pk}"


def test_missing_combination_keeps_the_value_just_changed(client):
    item = factories.option_product(sizes=("S", "M"), colours=("Red", "Blue"), missing=(("S", "Blue"),))
    red_s = _variant(item, "S / Red")
    ovs = {ov.option_type.name: ov for ov in red_s.option_values.select_related("option_type")}
    blue = Variant.objects.get(product=item, label="M / Blue").option_values.get(option_type__name="Colour")
    response = client.get(
        item.get_absolute_url(),
        {f"o{ovs['Size'].option_type_id}": ovs["Size"].pk, f"o{blue.option_type_id}": blue.pk},
        HTTP_HX_TRIGGER_NAME=f"o{blue.option_type_id}", **HTMX,
    )
    assert response["HX-Push-Url"].endswith(f"?variant={_variant(item, 'M / Blue').pk}")


def test_variant_picture_is_the_photo(client):
    item = factories.option_product(sizes=("S",), colours=("Red", "Blue"))
    red = factories.product_image(product_obj=item, alt="A red tee", colour="red")
    blue = factories.product_image(product_obj=item, alt="A blue tee", colour="blue", position=1)
    Variant.objects.filter(label="S / Blue").update(image=blue)
    Variant.objects.filter(label="S / Red").update(image=red)
    html = client.get(item.get_absolute_url() + f"?variant={_variant(item, 'S / Blue').pk}").content.decode()
    photo = html[html.index('id="product-photo"'):]
    assert 'alt="A blue tee"' in photo[:800]


def test_sold_out_variant_offers_back_in_stock_form(client):
    item = factories.product(stock=0)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Email me when it is back" in html and "Notify me" in html


def test_colour_options_show_a_swatch_from_staff_or_from_the_name(client):
    item = factories.option_product(sizes=("S", "M"), colours=("Red", "Heather", "Moonlight"))
    OptionValue.objects.filter(value="Moonlight").update(swatch="#AABBCC")
    html = client.get(item.get_absolute_url()).content.decode()
    swatches = dict(re.findall(r'data-swatch="(#[0-9a-f]{6})"></span>(\w+)', html))
    assert swatches == {"#c0392b": "Red", "#aabbcc": "Moonlight"}  # "Heather" is no colour we know: a button
    # Still radios named by their value, for screen readers and without JavaScript.
    assert {"Red", "Heather", "Moonlight", "S", "M"} <= set(label_names(html))


def test_a_swatch_colour_set_in_the_admin_must_be_hex():
    value = OptionValue(option_type=OptionType.objects.create(name="Colour"), value="Red", swatch="red")
    with pytest.raises(ValidationError):
        value.full_clean()
    assert swatch_colour(option_type="Size", value="Red", swatch="") == ""
    assert swatch_colour(option_type="Color", value=" navy ", swatch="") == "#1f2a44"
    assert swatch_colour(option_type="Finish", value="Brass", swatch="#B5A642") == "#b5a642"


def test_a_gallery_thumbnail_without_javascript_shows_its_picture(client):
    item = factories.option_product(sizes=("S",), colours=("Red", "Blue"))
    red = factories.product_image(product_obj=item, alt="A red tee", colour="red")
    label = factories.product_image(product_obj=item, alt="The label", colour="white", position=1)
    Variant.objects.filter(product=item).update(image=red)
    html = client.get(item.get_absolute_url()).content.decode()
    gallery = html[html.index('id="gallery"'):]
    chosen = _variant(item, "S / Red")
    link = f'href="{item.get_absolute_url()}?variant={chosen.pk}&amp;image={label.pk}#product-photo"'
    assert link in gallery and f'data-gallery-thumb="{red.pk}" ' in gallery
    assert re.search(rf'data-gallery-thumb="{red.pk}"[^>]*aria-current="true"', gallery)
    html = client.get(item.get_absolute_url(), {"variant": chosen.pk, "image": label.pk}).content.decode()
    photo = html[html.index('id="product-photo"'):]
    assert 'alt="The label"' in photo[:800]
    assert re.search(rf'data-gallery-thumb="{label.pk}"[^>]*aria-current="true"', html)
    # Another product's picture is not shown.
    other = factories.product_image(product_obj=factories.product(), alt="Someone else's", colour="blue")
    html = client.get(item.get_absolute_url(), {"image": other.pk}).content.decode()
    assert "Someone else's" not in html
