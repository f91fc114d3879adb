import functools
import hashlib
import re
import secrets

from django import template
from django.core.cache import cache
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.pagecache import VERSION_KEY, store_budget_take
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


# Product cards: the body (includes/product_card_body.html) is rendered once per content of the card and kept in
# the cache; the per-request parts (the `next` path, the CSRF token, the heart, `fetchpriority`) are placeholders
# filled in here. The key is a digest of everything the body reads, so a change of price, stock, name or picture
# is a new key at once (no version to race with); entries also carry the catalog version, as every cached part does.
_CARD_BODY = "includes/product_card_body.html"
_CARD_BATCH = "_card_batches"
CARD_SECONDS = 3600  # a card's key is its content, so an entry is never stale: this only bounds the memory
_CARD_PARTS = ("here", "eager_attrs", "heart", "csrf_input")


def _card_inputs(product, cart_add_url) -> tuple:
    image = product.card_image
    picture = image and (image.pk, image.image.name, sorted(image.renditions.items()), image.width, image.height)
    single = product.single_variant
    return (product.pk, product.slug, product.name, product.variant_count, product.min_price, product.max_price,
            product.compare_at_price, product.rating_count, product.rating_avg, bool(product.total_stock),
            single and single.pk, picture, cart_add_url)


def _card_key(inputs: tuple) -> str:
    from django.utils import translation  # noqa: PLC0415

    digest = hashlib.blake2b(repr((_card_template_digest(), translation.get_language(), inputs)).encode(),
                             digest_size=16).hexdigest()
    return f"pagecache:card:{digest}"


@functools.cache
def _card_template_digest() -> str:
    """The body's source and the settings it shows (currency, where pictures are served from): a deploy that
    changes either uses new keys."""
    from django.conf import settings  # noqa: PLC0415
    from django.core.files.storage import default_storage  # noqa: PLC0415
    from django.template.loader import get_template  # noqa: PLC0415

    source = get_template(_CARD_BODY).template.source
    return hashlib.blake2b(repr((source, settings.SHOP_CURRENCY, default_storage.url("x"))).encode(),
                           digest_size=8).hexdigest()


def _card_batch(context, product, cart_add_url) -> dict:
    """The cached bodies of the cards `product` is shown with (one cache read for all of them): {pk: entry}."""
    request = context.get("request")
    batches = request.__dict__.setdefault(_CARD_BATCH, {}) if request is not None else {}
    group = getattr(product, "card_group", None) or [product]
    batch = batches.get(id(group))
    if batch is None or batch["group"] is not group:
        keys = {p.pk: _card_key(_card_inputs(p, cart_add_url)) for p in group}
        found = cache.get_many([VERSION_KEY, *keys.values()])
        version = found.pop(VERSION_KEY, None)
        found = {key: entry[1:] for key, entry in found.items() if entry[0] == version}
        batch = {"group": group, "keys": keys, "found": found, "todo": set(keys), "new": {}, "version": version}
        batches[id(group)] = batch
    return batch


@register.simple_tag(takes_context=True)
def product_card(context, product):
    """`{% product_card product %}`: a product's card (the page's `eager`, `card_suffix` and `cart_add_url` from
    the context), its body from the cache when a card with the same content was rendered before."""
    cart_add_url = context.get("cart_add_url") or reverse("checkout:cart_add")
    here = context["request"].get_full_path() if context.get("request") is not None else ""
    batch = _card_batch(context, product, cart_add_url)
    key = batch["keys"].get(product.pk) or _card_key(_card_inputs(product, cart_add_url))
    entry = batch["found"].get(key)
    if entry is None:
        nonce = secrets.token_hex(8)
        values = {part: f"CARD{nonce}{part.upper().replace('_', '')}" for part in _CARD_PARTS}
        text = _render(context, _CARD_BODY, {"product": product, "cart_add_url": cart_add_url, **values})
        entry = (nonce, text)
        if key == batch["keys"].get(product.pk):
            batch["new"][key] = (batch["version"], *entry)
    batch["todo"].discard(product.pk)
    if batch["new"] and not batch["todo"]:
        new, batch["new"] = batch["new"], {}
        if store_budget_take(sum(len(entry[2]) for entry in new.values())):
            cache.set_many(new, timeout=CARD_SECONDS)
    nonce, text = entry
    fill = {
        "here": conditional_escape(here),
        "heart": wishlist_heart(context, product, form_class="absolute top-2 right-2",
                                id_suffix=context.get("card_suffix", ""), next=here),
        "csrf_input": CsrfTokenNode().render(context),
        "eager_attrs": 'fetchpriority="high"' if context.get("eager") else 'loading="lazy"',
    }
    by_placeholder = {f"CARD{nonce}{part.upper().replace('_', '')}": fill[part] for part in _CARD_PARTS}
    return mark_safe(re.sub(f"CARD{nonce}[A-Z]+", lambda m: by_placeholder[m.group(0)], text))


# Parts of a page rendered once per content: `{% cached_part key %}…{% endcached_part %}` keeps the part's text in
# the cache under a digest of `key`, which the view makes from everything the part reads (the product page:
# `ProductPage.part_key`), the template's source and the language; the entry also carries the catalog version, as
# every cached part does. The per-request pieces inside (a CSRF input, the heart, an email address) are
# `{% hole %}…{% endhole %}`: stored as placeholders and rendered into the text on every request, in this request's
# context. A hole must read only the page's context, not a loop's variable (each is rendered once per request).
PART_SECONDS = 3600  # the key is the content, so an entry is never stale: this only bounds the memory
_PART_NONCE = "_cached_part_nonce"


class HoleNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist
        self.index = 0

    def render(self, context) -> str:
        nonce = context.get(_PART_NONCE)
        if nonce:
            return f"PART{nonce}H{self.index}E"
        return self.nodelist.render(context)


@functools.lru_cache(maxsize=64)
def _source_digest(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


class CachedPartNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, key, nodelist) -> None:
        self.key = key
        self.nodelist = nodelist
        self.holes = list(nodelist.get_nodes_by_type(HoleNode))
        for index, hole in enumerate(self.holes):
            hole.index = index

    def render(self, context) -> str:
        from django.utils import translation  # noqa: PLC0415

        content = self.key.resolve(context)
        if not content or context.get(_PART_NONCE):  # no key: rendered as any other part of the page
            return self.nodelist.render(context)
        source = _source_digest(context.template.source if context.template is not None else "")
        key = "pagecache:part:" + hashlib.blake2b(repr((source, translation.get_language(), content)).encode(),
                                                  digest_size=16).hexdigest()
        found = cache.get_many([VERSION_KEY, key])
        version, entry = found.get(VERSION_KEY), found.get(key)
        if entry is not None and entry[0] == version:
            _, nonce, text = entry
        else:
            nonce = secrets.token_hex(8)
            with context.push({_PART_NONCE: nonce}):
                text = str(self.nodelist.render(context))
            if store_budget_take(len(text.encode())):
                cache.set(key, (version, nonce, text), timeout=PART_SECONDS)
        return mark_safe(re.sub(f"PART{nonce}H([0-9]+)E",
                                lambda m: str(self.holes[int(m.group(1))].nodelist.render(context)), text))


@register.tag("cached_part")
def cached_part(parser, token):
    """`{% cached_part key %}…{% endcached_part %}`: see above."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% cached_part %} takes one argument: the part's content key")
    nodelist = parser.parse(("endcached_part",))
    parser.delete_first_token()
    return CachedPartNode(parser.compile_filter(bits[1]), nodelist)


@register.tag("hole")
def hole(parser, token):
    """`{% hole %}…{% endhole %}`: a per-request piece of a `{% cached_part %}`."""
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist)
