"""`|styled`: render a form field's widget with the shop's input classes."""

from django import template
from django.forms import BoundField

from core.forms import CHECKBOX_CLASSES, INPUT_CLASSES

register = template.Library()


@register.filter
def styled(field: BoundField) -> str:
    css = CHECKBOX_CLASSES if field.widget_type in ("checkbox", "radio") else INPUT_CLASSES
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)
