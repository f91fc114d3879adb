"""The shop's form base: every visible widget gets the shop's input style."""

from django import forms

from core.addresses import PostalAddress
from core.countries import (
    SHIPPING_COUNTRIES,
    needs_state,
    postal_code_label,
    postal_code_normalize,
    postal_code_problem,
    postal_code_required,
    state_problem,
    subdivisions,
)

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
    """The address fields, once: checkout and the address book both extend this form.

    The state's choices, whether it and the postal code are required, and the postal code's label follow
    the country the form is bound with (else its initial country). To show the form again for another
    country without saving, build it with `refreshed(request.POST)` and render it; the view answers htmx
    with the `#state-field` partial (see templates/account/address_form.html).
    """

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
        label="Postal code", max_length=20, required=False,  # required or not by country: see __init__
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.ChoiceField(
        label="Country", choices=SHIPPING_COUNTRIES, initial="US",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    phone = forms.CharField(
        label="Phone (optional)", max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    # Checked against the country in clean(), with a sentence for the shopper; the widget's choices and
    # whether it shows at all are set per country in __init__.
    state = forms.CharField(
        label="State / province", required=False,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = self._chosen_country()
        state = self.fields["state"]
        if needs_state(self.country):
            state.required = True
            state.error_messages = state.error_messages | {"required": state_problem(self.country, "")}
            state.widget.choices = [("", "Choose…"), *subdivisions(self.country)]
        else:
            state.widget = forms.HiddenInput()
        postal_code = self.fields["postal_code"]
        postal_code.required = postal_code_required(self.country)
        postal_code.error_messages = postal_code.error_messages | {"required": postal_code_problem(self.country, "")}
        label = postal_code_label(self.country)
        postal_code.label = label if postal_code.required else f"{label} (optional)"

    def _chosen_country(self) -> str:
        """The country the state choices are for: the one posted, else the one the form starts with."""
        if self.is_bound:
            value = self.fields["country"].widget.value_from_datadict(self.data, self.files, self.add_prefix("country"))
        else:
            value = self.get_initial_for_field(self.fields["country"], "country")
        return value if isinstance(value, str) and value in dict(SHIPPING_COUNTRIES) else ""

    @classmethod
    def refreshed(cls, data, **kwargs):
        """The form shown again for what was posted, unbound: nothing is validated and no error shows; the
        state's choices and the postal code's label are the posted country's, and a state of another
        country is dropped. For an "Update" button (name="refresh") and the htmx request on a country change."""
        posted = cls(data=data, **kwargs)
        initial = {
            name: field.widget.value_from_datadict(posted.data, posted.files, posted.add_prefix(name))
            for name, field in posted.fields.items()
        }
        if initial.get("state") not in dict(subdivisions(posted.country)):
            initial["state"] = ""
        kwargs["initial"] = (kwargs.get("initial") or {}) | initial
        return cls(**kwargs)

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country", "")
        if "postal_code" in cleaned:
            cleaned["postal_code"] = postal_code_normalize(country, cleaned["postal_code"])
            if country and (problem := postal_code_problem(country, cleaned["postal_code"])):
                self.add_error("postal_code", problem)
        if "state" in cleaned:
            cleaned["state"] = cleaned["state"].strip().upper() if needs_state(country) else ""
            if country and (problem := state_problem(country, cleaned["state"])):
                self.add_error("state", problem)
        return cleaned

    def address(self) -> PostalAddress:
        return PostalAddress.of(self.cleaned_data).cleaned()
