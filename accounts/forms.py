from django import forms

from accounts.models import Address
from core.addresses import PostalAddress
from core.forms import PostalAddressForm, StyledForm


class ProfileForm(StyledForm):
    full_name = forms.CharField(label="Full name", max_length=200, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label="Phone", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))


class AddressForm(PostalAddressForm):
    make_default = forms.BooleanField(label="Use as my default address", required=False)

    @classmethod
    def for_address(cls, address: Address, data=None) -> "AddressForm":
        return cls(data=data, initial=PostalAddress.of(address).as_dict() | {"make_default": address.is_default})


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
