from django import template

register = template.Library()


@register.filter
def in_set(value, collection) -> bool:
    """`{{ product.pk|in_set:wishlisted }}`: membership test for templates."""
    try:
        return value in (collection or ())
    except TypeError:
        return False
