"""The shop's form base: every visible widget gets the shop's input style."""

from django import forms

from core.addresses import PostalAddress
from core.countries import SHIPPING_COUNTRIES

# The shop's component classes for inputs and checkboxes (shop/static_src/src/styles.css;
# also used by the `|styled` filter).
INPUT_CLASSES = "input"
CHECKBOX_CLASSES = "checkbox"


class StyledForm(forms.Form):
    """Gives every visible widget the shop's input style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", CHECKBOX_CLASSES)
            elif not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", INPUT_CLASSES)


class PostalAddressForm(StyledForm):
    """The address fields, once: checkout and the address book both extend this form."""

    full_name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    address_line1 = forms.CharField(
        label="Address", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    address_line2 = forms.CharField(
        label="Apartment, suite, etc. (optional)", max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(label="City", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    postal_code = forms.CharField(
        label="Postal code", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    country = forms.ChoiceField(
        label="Country", choices=SHIPPING_COUNTRIES, initial="US",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    state = forms.CharField(
        label="State / province", max_length=10, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    phone = forms.CharField(
        label="Phone (optional)", max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def address(self) -> PostalAddress:
        return PostalAddress.of(self.cleaned_data).cleaned()
