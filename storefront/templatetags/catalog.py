from django import template
from django.utils.safestring import mark_safe

from core.slots import sharing, slot

register = template.Library()


@register.filter
def in_set(value, collection) -> bool:
    """`{{ product.pk|in_set:wishlisted }}`: membership test for templates."""
    try:
        return value in (collection or ())
    except TypeError:
        return False


def _render(context, name: str, values: dict) -> str:
    """An include rendered with only `values` (plus the request and CSRF token) from this context."""
    template = context.template.engine.get_template(name)
    return template.render(context.new({"request": context.get("request"), "csrf_token": context.get("csrf_token"),
                                        **values}))


@register.simple_tag(takes_context=True)
def wishlist_heart(context, product, **options):
    """`{% wishlist_heart product next=… form_class=… id_suffix=… %}`: the product's wishlist heart, saved or
    not for this shopper; on a page shared between shoppers, a slot the page cache fills per shopper."""
    request, user = context.get("request"), context.get("user")
    values = {"product": product, **options}
    if sharing(request) and user is not None and user.is_authenticated:  # a guest's heart is never filled
        return slot(request, kind="wish", key=str(product.pk),
                    default=_render(context, "includes/wishlist_button.html", values | {"saved": False}),
                    forms={"saved": _render(context, "includes/wishlist_button.html", values | {"saved": True})})
    return mark_safe(_render(context, "includes/wishlist_button.html",
                             values | {"saved": in_set(product.pk, context.get("wishlisted"))}))


@register.simple_tag(takes_context=True)
def review_call(context, product, can_review=False, my_review=None):
    """The product page's call to review: sign in (guests), write or edit (shoppers who bought it); on a
    shared page, a slot the page cache fills per shopper."""
    request = context.get("request")
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe(_render(context, "includes/review_call.html", {"product": product, "guest": True}))
    if sharing(request):
        return slot(request, kind="review", key=str(product.pk), default="", forms={
            "write": _render(context, "includes/review_call.html", {"product": product, "can_review": True}),
            "edit": _render(context, "includes/review_call.html", {"product": product, "can_review": True,
                                                                   "my_review": True}),
        })
    return mark_safe(_render(context, "includes/review_call.html",
                             {"product": product, "can_review": can_review, "my_review": my_review}))
