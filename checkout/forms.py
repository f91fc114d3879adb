from django import forms
from django.core.exceptions import ValidationError

from checkout.services.orders import CheckoutDetails
from core.forms import PostalAddressForm, StyledForm


class _EveryValue(forms.NumberInput):
    """Hands the field every value posted under its name, so a repeated field can be refused."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        return [data[name]] if name in data else []


class QuantityField(forms.Field):
    """Exactly one whole number from 1 up; anything else gets a sentence for the shopper."""

    widget = _EveryValue

    def __init__(self, *, default: int | None = None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.default = default

    def to_python(self, values) -> int:
        values = list(values or []) or ([str(self.default)] if self.default is not None else [])
        if len(values) != 1:
            raise ValidationError("Please enter one quantity.")
        raw = str(values[0]).strip()
        if not raw.isdigit() or len(raw) > 6:
            raise ValidationError("Quantity must be a whole number, like 1 or 2.")
        quantity = int(raw)
        if quantity < 1:
            raise ValidationError("Quantity must be at least 1. To take an item out, use Remove.")
        return quantity


class ShopperForm(forms.Form):
    """A small form posted by a button: its first error is the one sentence the shopper sees."""

    def first_error(self) -> str:
        for errors in self.errors.values():
            return errors[0]
        return ""


class AddToCartForm(ShopperForm):
    variant = forms.IntegerField(error_messages={
        "required": "Please choose an option first.", "invalid": "Please choose an option first.",
    })
    quantity = QuantityField(default=1)


class CartQuantityForm(ShopperForm):
    quantity = QuantityField()


class CheckoutForm(PostalAddressForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    save_address = forms.BooleanField(label="Save this address to my account", required=False)
    checkout_token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def details(self) -> CheckoutDetails:
        return CheckoutDetails(email=self.cleaned_data["email"], address=self.address())


class TrackOrderForm(StyledForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    number = forms.CharField(
        label="Order number", max_length=40,
        help_text="It is in your receipt, e.g. 7KQ4M-9XZ2H.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
