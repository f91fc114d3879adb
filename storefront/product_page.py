"""The product page: the product with its variants, the options a shopper chooses from,
the chosen variant and its photo, and the page's structured data (schema.org JSON-LD)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import QueryDict

from core.http import absolute_url
from core.money import round_money
from storefront.catalog import card_prefetches, category_tree, related_products
from storefront.models import OptionValue, Product, ProductImage, Review, Variant, WishlistItem
from storefront.selectors import product_reviews, user_can_review
from storefront.swatches import swatch_colour


def _marks(user) -> dict:
    """What the product page's products carry for a signed-in shopper, read with the products themselves rather
    than by a query each: `saved` (on their wishlist; the hearts) and, on the product itself, `reviewed`."""
    if user is None or not user.is_authenticated:
        return {}
    return {"saved": Exists(WishlistItem.objects.filter(user=user, product=OuterRef("pk")))}


def product_for_page(*, slug: str, user=None, related: bool = False) -> Product | None:
    """The product with its category, pictures (`card_images`) and active variants (`card_variants`), in order;
    with `related`, "More in this category" as `item.related`, whose cards' pictures and
    variants are read in the same queries as the product's."""
    marks = _marks(user)
    if marks:
        marks["reviewed"] = Exists(Review.objects.filter(user=user, product=OuterRef("pk")))
    item = Product.objects.visible().select_related("category").annotate(**marks).filter(slug=slug).first()
    if item is None:
        return None
    if related:
        item.related = related_products(product=item, marks=_marks(user))
    else:
        prefetch_related_objects([item], *card_prefetches())
    return item


@dataclass
class OptionChoice:
    id: str  # stable element id, so keyboard focus survives the htmx swap
    name: str  # the radio group's name
    value: str  # what the radio submits
    label: str
    selected: bool
    available: bool  # this combination exists
    sold_out: bool
    variant_id: int  # the variant this choice leads to
    swatch: str = ""  # #rrggbb for a colour option (storefront.swatches), else ""


@dataclass
class OptionGroup:
    name: str
    field: str
    choices: list[OptionChoice]


def _values_of(variant: Variant) -> dict[int, OptionValue]:
    return {ov.option_type_id: ov for ov in variant.option_values.all()}


def option_groups(variants: list[Variant], chosen: Variant) -> list[OptionGroup]:
    """The option controls: one group per option type, each value marked as chosen,
    not made in the current combination, or sold out.

    Products whose variants have no option values get one group of variant labels.
    """
    values = {v.pk: _values_of(v) for v in variants}
    types = {}
    for v in variants:
        for ov in values[v.pk].values():
            types.setdefault(ov.option_type_id, ov.option_type)
    if not types:
        return [OptionGroup("Option", "variant", [
            OptionChoice(
                id=f"variant-{v.pk}", name="variant", value=str(v.pk), label=v.label or v.sku,
                selected=v.pk == chosen.pk, available=True, sold_out=v.stock == 0, variant_id=v.pk,
            )
            for v in variants
        ])]
    current = values[chosen.pk]
    groups = []
    for type_id, option_type in sorted(types.items(), key=lambda t: (t[1].position, t[1].name)):
        seen: dict[int, OptionValue] = {}
        for v in variants:
            ov = values[v.pk].get(type_id)
            if ov is not None:
                seen.setdefault(ov.pk, ov)
        choices = []
        for ov in sorted(seen.values(), key=lambda o: (o.position, o.value)):
            wanted = {k: o.pk for k, o in current.items()} | {type_id: ov.pk}
            exact = next((v for v in variants if {k: o.pk for k, o in values[v.pk].items()} == wanted), None)
            fallback = exact or next(
                (v for v in variants if values[v.pk].get(type_id) == ov and v.stock > 0),
                next(v for v in variants if values[v.pk].get(type_id) == ov),
            )
            choices.append(OptionChoice(
                id=f"opt-{type_id}-{ov.pk}", name=f"o{type_id}", value=str(ov.pk), label=ov.value,
                selected=current.get(type_id) == ov, available=exact is not None,
                sold_out=exact is not None and exact.stock == 0, variant_id=fallback.pk,
                swatch=swatch_colour(option_type=option_type.name, value=ov.value, swatch=ov.swatch),
            ))
        groups.append(OptionGroup(option_type.name, f"o{type_id}", choices))
    return groups


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def _option_param(key: str, value: str) -> bool:
    """An option value as the option controls send it: o<type id>=<value id>."""
    return key[:1] == "o" and _is_id(key[1:]) and _is_id(value)


def product_query(params: QueryDict) -> dict[str, str]:
    """What the product page reads from its query string (its `@shared_page` declaration):
    ?variant=, ?image= (the gallery's picture without JavaScript) and the option values, ids only,
    the options in type order."""
    query = {key: params[key] for key in ("variant", "image") if _is_id(params.get(key, ""))}
    options = sorted((int(key[1:]), key, value) for key, value in params.items() if _option_param(key, value))
    return query | {key: value for _, key, value in options}


def variant_from_options(variants: list[Variant], params: QueryDict, changed: str = "") -> Variant | None:
    """The variant for submitted option values (o<type id>=<value id>).

    An exact combination wins; if it is not made, the variant that keeps the value
    the shopper just changed (htmx tells us which) and most of the others.
    """
    wanted: dict[int, int] = {}
    for key, value in params.items():
        if _option_param(key, value):
            wanted[int(key[1:])] = int(value)
    if not wanted:
        return None
    changed_type = int(changed[1:]) if changed.startswith("o") and changed[1:].isdigit() else None

    def score(v: Variant) -> tuple:
        have = {k: o.pk for k, o in _values_of(v).items()}
        keeps_changed = changed_type is None or have.get(changed_type) == wanted.get(changed_type)
        matches = sum(1 for k, val in wanted.items() if have.get(k) == val)
        return (keeps_changed, matches, v.stock > 0)

    best = max(variants, key=score)
    return best if score(best)[1] else None


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


@dataclass
class ProductPage:
    """What the product page shows: the variant panel, and on a full page the rest."""

    product: Product
    variants: list[Variant]
    variant: Variant
    option_groups: list[OptionGroup]
    photo: ProductImage | None
    images: list[ProductImage]
    max_quantity: int
    image_chosen: bool = False  # ?image= named one of the product's pictures
    # Set when the page should answer with a redirect to this URL instead.
    redirect_to: str = ""
    # The rest of a full page (left empty for htmx's variant panel):
    breadcrumbs: list = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    my_review: bool = False  # the shopper has reviewed it
    can_review: bool = False
    related: list[Product] = field(default_factory=list)
    wishlisted: set[int] = field(default_factory=set)  # of the product and the related, the shopper's
    canonical: str = ""
    currency: str = ""
    json_ld: str = ""
    # Everything the page's cached part reads ({% cached_part %} in storefront/product.html): its content key.
    part_key: str = ""

    @property
    def variant_url(self) -> str:
        """The chosen variant's shareable URL."""
        return f"{self.product.get_absolute_url()}?variant={self.variant.pk}"

    def shareable(self, query: dict[str, str]) -> bool:
        """Whether `query` is one of this page's shareable addresses (the page cache may keep it):
        none, the chosen variant, a picture of the gallery, or both."""
        allowed = {"variant": str(self.variant.pk)} | ({"image": str(self.photo.pk)} if self.image_chosen else {})
        return all(allowed.get(key) == value for key, value in query.items())

    def context(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("redirect_to", "image_chosen")}


def product_page(
    *, slug: str, params: QueryDict, user, htmx: bool = False, trigger: str = "", full: bool = True
) -> ProductPage | None:
    """The product page for `slug` and the query string `params`, or None (404).

    The variant is the one in ?variant=, else the one the option values (o<type id>=<value id>)
    choose (`trigger` names the control htmx says was changed), else the first in stock. Option
    values sent without htmx (the no-JavaScript form) settle on the variant's URL: `redirect_to`.
    `full` is the whole page; without it, only the variant panel htmx swaps.
    """
    item = product_for_page(slug=slug, user=user, related=full)
    if item is None:
        return None
    variants = item.card_variants
    if not variants:
        return None
    # One variant offers no choice: its option values are read only when the query string names some.
    choosing = len(variants) > 1 or any(_option_param(key, value) for key, value in params.items())
    if choosing:
        prefetch_related_objects(
            variants, Prefetch("option_values", queryset=OptionValue.objects.select_related("option_type"))
        )

    chosen, redirect_to = None, ""
    requested = params.get("variant")
    if requested:
        chosen = next((v for v in variants if str(v.pk) == requested), None)
    if chosen is None:
        chosen = variant_from_options(variants, params, trigger or "") if choosing else None
        if chosen is not None and not htmx:
            # The no-JavaScript form sent option values: settle on one shareable URL.
            redirect_to = f"{item.get_absolute_url()}?variant={chosen.pk}"
    if chosen is None:
        chosen = next((v for v in variants if v.stock > 0), variants[0])

    images = item.card_images
    shown = next((i for i in images if str(i.pk) == params.get("image")), None)  # a gallery thumbnail's link
    page = ProductPage(
        product=item,
        variants=variants,
        variant=chosen,
        option_groups=option_groups(variants, chosen) if choosing else [],
        photo=shown or next((i for i in images if i.pk == chosen.image_id), images[0] if images else None),
        image_chosen=shown is not None,
        images=images,
        max_quantity=max(chosen.line_limit, 1),
        redirect_to=redirect_to,
    )
    if full and not redirect_to:
        crumbs = category_tree().ancestors(item.category_id)
        page.breadcrumbs = crumbs
        page.can_review = user_can_review(user=user, product_id=item.pk)
        # rating_count counts the visible reviews (storefront/reviews.py keeps it): none, nothing to read.
        page.reviews = product_reviews(product=item) if item.rating_count else []
        page.my_review = page.can_review and item.reviewed  # only whether there is one: "Edit" or "Write"
        page.related = item.related
        page.wishlisted = {p.pk for p in (item, *item.related) if getattr(p, "saved", False)}
        page.canonical = absolute_url(item.get_absolute_url())
        page.currency = settings.SHOP_CURRENCY.upper()
        page.json_ld = _product_json_ld(item, variants, images, crumbs)
        page.part_key = _part_key(page)
    return page


def _row(instance) -> tuple:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def _part_key(page: ProductPage) -> str:
    """What the page's cached part shows, as text: every column of the product, its variants, its pictures and
    the reviews shown, the option controls, the chosen variant and picture, the breadcrumbs and the settings the
    part prints. A sale, a price, a new review or new renditions make a new key (no version to race with)."""
    from django.core.files.storage import default_storage  # noqa: PLC0415

    return repr((
        _row(page.product), page.product.category.name, [(c.id, c.name, c.url) for c in page.breadcrumbs],
        [_row(v) for v in page.variants], page.option_groups,
        page.variant.pk, page.photo and page.photo.pk, [_row(i) for i in page.images],
        [(_row(r), r.author_name) for r in page.reviews], page.canonical, page.currency, settings.SHOP_NAME,
        settings.SHOP_MAX_LINE_QUANTITY, default_storage.url("x"),
    ))


# --------------------------------------------------------------------------
# Structured data
# --------------------------------------------------------------------------


def _availability(stock: int) -> str:
    return "https://schema.org/InStock" if stock > 0 else "https://schema.org/OutOfStock"


def _product_json_ld(item: Product, variants, images, crumbs) -> str:
    """schema.org Product (offers, availability, rating) and BreadcrumbList, as JSON."""
    currency = settings.SHOP_CURRENCY.upper()
    url = absolute_url(item.get_absolute_url())
    prices = [v.price for v in variants]
    in_stock = sum(v.stock for v in variants)

    def amount(value) -> str:
        return str(round_money(value, currency))

    def sale(variant) -> dict:
        """A sale shows as the offer's price with the compare-at price as its strikethrough price."""
        if not variant.on_sale:
            return {}
        return {"priceSpecification": {"@type": "UnitPriceSpecification", "priceCurrency": currency,
                                       "priceType": "https://schema.org/StrikethroughPrice",
                                       "price": amount(variant.compare_at_price)}}

    if len(variants) == 1:
        offers = {"@type": "Offer", "price": amount(prices[0]), "priceCurrency": currency,
                  "availability": _availability(in_stock), "url": url, "sku": variants[0].sku} | sale(variants[0])
    else:
        offers = {"@type": "AggregateOffer", "lowPrice": amount(min(prices)), "highPrice": amount(max(prices)),
                  "offerCount": len(variants), "priceCurrency": currency, "availability": _availability(in_stock),
                  "offers": [
                      {"@type": "Offer", "sku": v.sku, "name": v.label or item.name, "price": amount(v.price),
                       "priceCurrency": currency, "availability": _availability(v.stock),
                       "url": f"{url}?variant={v.pk}"} | sale(v)
                      for v in variants
                  ]}
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": item.name,
        "description": item.description,
        "url": url,
        "sku": variants[0].sku,
        "category": item.category.name,
        "brand": {"@type": "Brand", "name": settings.SHOP_NAME},
        "image": [absolute_url(i.image.url) if i.image.url.startswith("/") else i.image.url for i in images],
        "offers": offers,
    }
    if item.rating_count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": f"{item.rating_avg:.2f}",
                                   "reviewCount": item.rating_count, "bestRating": "5", "worstRating": "1"}
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": c.name, "item": absolute_url(c.url)}
            for n, c in enumerate(crumbs, start=1)
        ] + [{"@type": "ListItem", "position": len(crumbs) + 1, "name": item.name, "item": url}],
    }
    text = json.dumps([data, breadcrumbs], ensure_ascii=False)
    # Safe inside <script>: no "</script>", no HTML comment openers.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
