from django import forms

from accounts.models import Address
from accounts.services import AddressData
from checkout.countries import SHIPPING_COUNTRIES
from checkout.forms import StyledForm


class ProfileForm(StyledForm):
    full_name = forms.CharField(label="Full name", max_length=200, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label="Phone", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))


class AddressForm(StyledForm):
    full_name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    address_line1 = forms.CharField(label="Address", max_length=200,
                                    widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
    address_line2 = forms.CharField(label="Apartment, suite, etc. (optional)", max_length=200, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "address-line2"}))
    city = forms.CharField(label="City", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    postal_code = forms.CharField(label="Postal code", max_length=20,
                                  widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    country = forms.ChoiceField(label="Country", choices=SHIPPING_COUNTRIES, initial="US")
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    make_default = forms.BooleanField(label="Use as my default address", required=False)

    @classmethod
    def for_address(cls, address: Address, data=None) -> "AddressForm":
        initial = {f: getattr(address, f) for f in AddressData.__dataclass_fields__} | {
            "make_default": address.is_default
        }
        return cls(data=data, initial=initial)

    def address_data(self) -> AddressData:
        return AddressData(**{f: self.cleaned_data[f] for f in AddressData.__dataclass_fields__})


class DeleteAccountForm(StyledForm):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right.")
        return password
