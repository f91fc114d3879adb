import json

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkout.models import normalize_code
from checkout.services.orders import CheckoutDetails
from core.forms import PostalAddressForm, StyledForm


class _EveryValue(forms.NumberInput):
    """Hands the field every value posted under its name, so a repeated field can be refused."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        return [data[name]] if name in data else []


class QuantityField(forms.Field):
    """Exactly one whole number from `minimum` (1 unless told) up; anything else gets a sentence for the shopper."""

    widget = _EveryValue

    def __init__(self, *, default: int | None = None, minimum: int = 1, **kwargs):
        super().__init__(required=False, **kwargs)
        self.default = default
        self.minimum = minimum

    def to_python(self, values) -> int:
        values = list(values or []) or ([str(self.default)] if self.default is not None else [])
        if len(values) != 1:
            raise ValidationError("Please enter one quantity.")
        raw = str(values[0]).strip()
        if not raw.isdigit() or len(raw) > 6:
            raise ValidationError("Quantity must be a whole number, like 1 or 2.")
        quantity = int(raw)
        if quantity < self.minimum:
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
    # 0 takes the line out, as "Remove" does: what a shopper who types 0 means.
    quantity = QuantityField(minimum=0)


class DiscountCodeForm(ShopperForm):
    code = forms.CharField(label="Discount code", max_length=40, error_messages={
        "required": "Enter a discount code.", "max_length": "That is not a discount code we know.",
    })

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


class CheckoutForm(PostalAddressForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    shipping_method = forms.TypedChoiceField(
        label="Shipping method", coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "That shipping method is not offered for this address. Please choose again."},
    )
    save_address = forms.BooleanField(label="Save this address to my account", required=False)
    checkout_token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    field_order = ["email", "phone"]  # as the page shows them (the error summary lists them in this order)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        url = reverse("checkout:checkout")
        # With JavaScript, a new country or state (or method) asks for fresh states, methods and totals;
        # without it the "Update" button does the same with a full page.
        for name, refresh, target in (("country", "country", "#state-field"), ("state", "state", "#shipping-methods")):
            self.fields[name].widget.attrs.update({
                "hx-post": url, "hx-trigger": "change", "hx-target": target, "hx-swap": "outerHTML",
                "hx-vals": json.dumps({"refresh": refresh}), "hx-sync": "closest form:replace",
                # Busy while the totals follow (styles.css "Busy"): no paying on the old ones meanwhile.
                "hx-indicator": "#shipping-busy", "hx-disabled-elt": "#continue-to-payment",
            })

    def offer_shipping(self, options, *, chosen) -> None:
        """The methods pricing offers for the address; the chosen one is ticked."""
        self.shipping_options = [option for option in options if option.id is not None]
        self.fields["shipping_method"].choices = [(option.id, option.name) for option in self.shipping_options]
        self.fields["shipping_method"].required = bool(self.shipping_options)
        self.chosen_shipping_id = chosen.id if chosen is not None else None

    def details(self, *, code: str = "") -> CheckoutDetails:
        return CheckoutDetails(email=self.cleaned_data["email"], address=self.address(),
                               shipping_method_id=self.cleaned_data.get("shipping_method"), code=code)


class TrackOrderForm(StyledForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    number = forms.CharField(
        label="Order number", max_length=40,
        help_text="It is in your receipt, e.g. 7KQ4M-9XZ2H.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
