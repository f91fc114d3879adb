from django import forms

from checkout.countries import SHIPPING_COUNTRIES
from checkout.services import CheckoutDetails

INPUT_CLASSES = (
    "mt-1 w-full rounded-md border border-stone-300 bg-white px-3 py-2 "
    "focus:outline-none focus:ring-2 focus:ring-emerald-700 aria-invalid:border-red-600"
)

CHECKBOX_CLASSES = "h-4 w-4 rounded border-stone-400 accent-emerald-800 focus:ring-2 focus:ring-emerald-700"


class StyledForm(forms.Form):
    """Gives every visible widget the shop's input style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", CHECKBOX_CLASSES)
            elif not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", INPUT_CLASSES)


class CheckoutForm(StyledForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
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
    phone = forms.CharField(
        label="Phone (optional)", max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    save_address = forms.BooleanField(label="Save this address to my account", required=False)
    checkout_token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def details(self) -> CheckoutDetails:
        data = self.cleaned_data
        return CheckoutDetails(
            email=data["email"],
            full_name=data["full_name"],
            address_line1=data["address_line1"],
            address_line2=data["address_line2"],
            city=data["city"],
            postal_code=data["postal_code"],
            country=data["country"],
            phone=data["phone"],
        )


class TrackOrderForm(StyledForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    number = forms.CharField(
        label="Order number", max_length=40,
        help_text="It is in your receipt, e.g. 7KQ4M-9XZ2H.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
