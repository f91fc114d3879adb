"""The forms behind the staff actions on orders (checkout/admin.py)."""

from decimal import Decimal

from django import forms


class ShipForm(forms.Form):
    carrier = forms.CharField(max_length=80, initial="DHL")
    tracking_number = forms.CharField(max_length=120, required=False)
    tracking_url = forms.URLField(max_length=500, required=False, assume_scheme="https",
                                  help_text="The carrier's tracking page for this parcel; emailed to the customer.")


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="Only staff see notes; the customer never does.")


class ConfirmForm(forms.Form):
    pass


class ExportForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data
