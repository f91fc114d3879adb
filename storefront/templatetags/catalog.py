from django import template
from django.utils.html import conditional_escape
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


# A heart is rendered once per page and kind (saved or not, same options) for a stand-in product whose id and
# name are these placeholders; each card's heart is that text with its own id and name put in.
_HEART_PK = "7304918265"
_HEART_NAME = "WISHLISTHEARTPRODUCTNAMEPLACEHOLDER"  # letters only: unchanged by escaping
_HEARTS_ATTRIBUTE = "_wishlist_hearts"


class _StandIn:
    """The product as the heart's template sees it when rendered once for every card. Reading anything but
    its id and name (a later change to the template) marks the text as not reusable: each card is then
    rendered for its own product, as before."""

    pk = id = int(_HEART_PK)
    name = _HEART_NAME

    def __init__(self) -> None:
        self.read_other = False

    def __getattr__(self, attribute: str):
        self.read_other = True
        raise AttributeError(attribute)

    def __str__(self) -> str:
        self.read_other = True
        return ""


def _heart(context, product, values: dict) -> str:
    """The heart of `product`: the page's heart of that kind with the product's id and name put in."""
    request = context.get("request")
    if request is None:
        return _render(context, "includes/wishlist_button.html", {"product": product, **values})
    key = (str(context.get("csrf_token")), tuple(sorted((k, str(v)) for k, v in values.items())))
    hearts = request.__dict__.setdefault(_HEARTS_ATTRIBUTE, {})
    if key not in hearts:
        stand_in = _StandIn()
        text = _render(context, "includes/wishlist_button.html", {"product": stand_in, **values})
        inputs = " ".join([request.get_full_path(), *(v for _, v in key[1])]).upper()
        rest = text.replace(_HEART_PK, "").replace(_HEART_NAME, "").upper()  # a filter that changed the name
        reusable = not stand_in.read_other and not any(
            placeholder in inputs or placeholder[:13] in rest for placeholder in (_HEART_PK, _HEART_NAME))
        hearts[key] = text if reusable else None
    text = hearts[key]
    if text is None:
        return _render(context, "includes/wishlist_button.html", {"product": product, **values})
    return text.replace(_HEART_PK, str(product.pk)).replace(_HEART_NAME, conditional_escape(product.name))


@register.simple_tag(takes_context=True)
def wishlist_heart(context, product, **options):
    """`{% wishlist_heart product next=… form_class=… id_suffix=… %}`: the product's wishlist heart, saved or
    not for this shopper; on a page shared between shoppers, a slot the page cache fills per shopper."""
    request, user = context.get("request"), context.get("user")
    if sharing(request) and user is not None and user.is_authenticated:  # a guest's heart is never filled
        return slot(request, kind="wish", key=str(product.pk),
                    default=_heart(context, product, options | {"saved": False}),
                    forms={"saved": _heart(context, product, options | {"saved": True})})
    return mark_safe(_heart(context, product, options | {"saved": in_set(product.pk, context.get("wishlisted"))}))


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
