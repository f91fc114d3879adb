from django import forms

from checkout.services.orders import CheckoutDetails
from core.forms import PostalAddressForm, StyledForm


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
