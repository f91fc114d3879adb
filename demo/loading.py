"""Write the demo catalog to the database: categories, products, variants, options, pictures, reviews.

Idempotent: categories are keyed on their slug, products on their slug and
variants on their SKU; rows that already exist are left exactly as they are.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from checkout.models import Order, OrderLine
from demo.catalog import ProductSpec, VariantSpec
from demo.data import CATEGORIES, CUSTOMER_NAMES, CUSTOMERS, OPTION_TYPE_ORDER, PALETTES, REVIEW_TEXT
from demo.pictures import IMAGE_SIZE
from storefront.images import renditions_for_file
from storefront.listing_data import product_listing_refresh
from storefront.models import Category, OptionType, OptionValue, Product, ProductImage, Review, Variant
from storefront.reviews import product_ratings_refresh

BATCH_SIZE = 500
UPLOAD_THREADS = 8  # pictures drawn and stored side by side (Pillow and the network release the GIL)


def categories_load() -> tuple[int, dict[str, int]]:
    ids = dict(Category.objects.filter(slug__in=[c[0] for c in CATEGORIES]).values_list("slug", "id"))
    created = 0
    for position, (slug, name, parent, description) in enumerate(CATEGORIES):
        if slug in ids:
            continue
        category = Category.objects.create(
            slug=slug, name=name, parent_id=ids.get(parent) if parent else None,
            description=description, position=position,
        )
        ids[slug] = category.pk
        created += 1
    return created, ids


def products_load(catalog: list[ProductSpec], category_ids: dict[str, int]) -> dict[str, int]:
    present = set(Product.objects.values_list("slug", flat=True))
    todo = [spec for spec in catalog if spec.slug not in present]
    stats = {"products_new": len(todo), "products_present": len(catalog) - len(todo),
             "variants_new": 0, "images_new": 0, "files_new": 0}
    if not todo:
        return stats

    rows = [
        Product(name=s.name, slug=s.slug, description=s.description, category_id=category_ids[s.category],
                active=True, featured=s.featured)
        for s in todo
    ]
    Product.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    if any(p.pk is None for p in rows):  # backends that cannot return ids from bulk inserts
        ids = {}
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = [p.slug for p in rows[start:start + BATCH_SIZE]]
            ids.update(Product.objects.filter(slug__in=chunk).values_list("slug", "id"))
        for p in rows:
            p.pk = ids[p.slug]

    # `created` is auto_now_add, so bulk_create stamped "now": spread it over the last 90 days.
    now = timezone.now()
    for p, s in zip(rows, todo):
        p.created = p.updated = now - s.age
    Product.objects.bulk_update(rows, ["created", "updated"], batch_size=BATCH_SIZE)

    skus = set(Variant.objects.values_list("sku", flat=True))
    variants = []
    for p, s in zip(rows, todo):
        for v in s.variants:
            sku, n = v.sku, 1
            while sku in skus:  # someone else's SKU: never fail, never overwrite
                n += 1
                sku = f"{v.sku}-{n}"
            skus.add(sku)
            variants.append(Variant(product_id=p.pk, sku=sku, label=v.label, price=v.price,
                                    stock=v.stock, active=True, position=v.position))
    Variant.objects.bulk_create(variants, batch_size=BATCH_SIZE)
    stats["variants_new"] = len(variants)
    if any(v.pk is None for v in variants):
        ids = dict(Variant.objects.filter(sku__in=[v.sku for v in variants]).values_list("sku", "id"))
        for v in variants:
            v.pk = ids[v.sku]
    specs = [v for s in todo for v in s.variants]  # same order as `variants`
    by_sku = _options_load(variants, specs)
    product_listing_refresh(product_ids=[p.pk for p in rows])  # price_from, in_stock for list pages

    files = _pictures_store([img for s in todo for img in s.images])
    stats["files_new"] = sum(new for _, _, new in files.values())
    images = []
    for p, s in zip(rows, todo):
        for img in s.images:
            name, renditions, _new = files[img.name]
            images.append(ProductImage(product_id=p.pk, image=name, width=IMAGE_SIZE, height=IMAGE_SIZE,
                                       alt=img.alt[:200], position=img.position, renditions=renditions))
    ProductImage.objects.bulk_create(images, batch_size=BATCH_SIZE)
    stats["images_new"] = len(images)

    # Each variant shows the picture in its own colour when the product has one.
    image_ids = {}
    for row in ProductImage.objects.filter(product_id__in=[p.pk for p in rows]).values_list(
        "product_id", "position", "id"
    ):
        image_ids[(row[0], row[1])] = row[2]
    with_pictures = []
    for p, s in zip(rows, todo):
        by_colour = {img.palette: image_ids.get((p.pk, img.position)) for img in reversed(s.images)}
        if len(by_colour) < 2:
            continue
        for v in s.variants:
            variant = by_sku.get(v.sku)
            image_id = by_colour.get(v.colour)
            if variant is not None and image_id:
                variant.image_id = image_id
                with_pictures.append(variant)
    Variant.objects.bulk_update(with_pictures, ["image"], batch_size=BATCH_SIZE)

    stats["reviews_new"] = _reviews_load(rows, todo, by_sku)
    return stats


def _pictures_store(pictures: list) -> dict[str, tuple[str, dict[str, str], bool]]:
    """Each distinct picture stored once, with its renditions: wanted name -> (stored name, renditions,
    newly written). What is already stored (an earlier run) is reused, never redrawn. One listing of the
    folder instead of a check per file, and uploads side by side: against a bucket each is a round trip."""
    storage = ProductImage._meta.get_field("image").storage
    present = _stored_names(storage, "products") | _stored_names(storage, "products/renditions")
    unique = list({img.name: img for img in pictures}.values())

    def store(img) -> tuple[str, tuple[str, dict[str, str], bool]]:
        data = None
        if img.name in present:
            name = img.name
        else:
            data = img.render()
            name = storage.save(img.name, ContentFile(data))
        renditions = renditions_for_file(name=name, width=IMAGE_SIZE, data=data, present=present)
        return img.name, (name, renditions, data is not None)

    with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
        return dict(pool.map(store, unique))


def _stored_names(storage, folder: str) -> set[str]:
    try:
        _dirs, names = storage.listdir(folder)
    except FileNotFoundError:  # a fresh disk has no folder yet
        return set()
    return {f"{folder}/{name}" for name in names}


def _swatch(colour: bool, value: str) -> str:
    """A demo colour's swatch: the colour its pictures are painted in."""
    palette = PALETTES.get(value) if colour else None
    return "#%02x%02x%02x" % palette.obj if palette else ""


def _options_load(variants: list[Variant], specs: list[VariantSpec]) -> dict[str, Variant]:
    by_sku: dict[str, Variant] = {}
    wanted_types = {name for spec in specs for name, _ in spec.options}
    types = {t.name: t for t in OptionType.objects.filter(name__in=wanted_types)}
    for name in sorted(wanted_types - set(types), key=OPTION_TYPE_ORDER.index):
        types[name] = OptionType.objects.create(name=name, position=OPTION_TYPE_ORDER.index(name))
    values = {(ov.option_type_id, ov.value): ov for ov in OptionValue.objects.filter(option_type__in=types.values())}
    order: dict[tuple[int, str], int] = {}
    for spec in specs:  # values keep the order products list them in (S, M, L, XL)
        for name, value in spec.options:
            order.setdefault((types[name].pk, value), spec.position)
    colour_type = types["Colour"].pk if "Colour" in types else None
    missing = [OptionValue(option_type_id=tid, value=value, position=pos, swatch=_swatch(tid == colour_type, value))
               for (tid, value), pos in order.items() if (tid, value) not in values]
    OptionValue.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    values = {(ov.option_type_id, ov.value): ov for ov in OptionValue.objects.filter(option_type__in=types.values())}
    through = Variant.option_values.through
    links = []
    for variant, spec in zip(variants, specs):
        by_sku[spec.sku] = variant
        for name, value in spec.options:
            links.append(through(variant_id=variant.pk, optionvalue_id=values[(types[name].pk, value)].pk))
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    return by_sku


def _reviews_load(rows: list[Product], todo: list[ProductSpec], by_sku: dict[str, Variant]) -> int:
    """Believable reviews: most products have a few, written by demo customers
    who each have a paid order with the product (so every review is a verified
    purchase). Deterministic per product, like the catalog."""
    plan = []  # (product, spec, [(customer index, rating, title, body)])
    for p, s in zip(rows, todo):
        rng = random.Random(f"reviews-{s.index}")
        r = rng.random()
        n = 0 if r < 0.3 else rng.randint(1, 3) if r < 0.8 else rng.randint(4, 12)
        if s.sold_out and n:
            n = rng.randint(0, 2)
        picks = rng.sample(range(CUSTOMERS), n)
        entries = []
        for customer in picks:
            rating = rng.choices([5, 4, 3, 2, 1], weights=[46, 30, 13, 7, 4])[0]
            title, body = rng.choice(REVIEW_TEXT[rating])
            entries.append((customer, rating, title, body))
        if entries:
            plan.append((p, s, entries))
    if not plan:
        return 0
    customers = _customers_ensure()
    now = timezone.now()
    by_customer: dict[int, list] = {}
    for p, s, entries in plan:
        variant = by_sku[s.variants[0].sku]
        for customer, rating, title, body in entries:
            by_customer.setdefault(customer, []).append((p, variant, rating, title, body, s.age))
    orders, lines, reviews = [], [], []
    for customer, items in sorted(by_customer.items()):
        user = customers[customer]
        # One paid order per few products, as if they came back now and then.
        for start in range(0, len(items), 4):
            chunk = items[start:start + 4]
            total = sum((v.price for _, v, *_ in chunk), Decimal("0.00"))
            order = Order(
                user=user, status="delivered", payment_state="paid", amount_paid=total,
                email=user.email, full_name=user.full_name,
                address_line1="1 Demo Street", city="Bristol", postal_code="BS1 4DJ", country="GB",
                currency=settings.SHOP_CURRENCY, subtotal=total, total=total, stock_held=True,
                paid_at=now - min(age for *_, age in chunk) / 2, receipt_sent_at=now,
            )
            orders.append(order)
            for p, v, rating, title, body, age in chunk:
                lines.append((order, OrderLine(variant_id=v.pk, product_name=p.name, variant_label=v.label,
                                               sku=v.sku, unit_price=v.price, quantity=1, line_total=v.price)))
                reviews.append(Review(product_id=p.pk, user=user, rating=rating, title=title, body=body,
                                      verified=True))
    Order.objects.bulk_create(orders, batch_size=BATCH_SIZE)
    if any(o.pk is None for o in orders):
        ids = dict(Order.objects.filter(number__in=[o.number for o in orders]).values_list("number", "id"))
        for o in orders:
            o.pk = ids[o.number]
    for order, line in lines:
        line.order_id = order.pk
    OrderLine.objects.bulk_create([line for _, line in lines], batch_size=BATCH_SIZE)
    Review.objects.bulk_create(reviews, batch_size=BATCH_SIZE, ignore_conflicts=True)
    product_ratings_refresh(product_ids=[p.pk for p, _, _ in plan])
    return len(reviews)


def _customers_ensure() -> list:
    """The demo customers who write reviews (no password: they cannot sign in)."""
    User = get_user_model()
    emails = [f"{CUSTOMER_NAMES[i % len(CUSTOMER_NAMES)].lower()}.{i + 1}@customers.example.com"
              for i in range(CUSTOMERS)]
    existing = {u.email: u for u in User._default_manager.filter(email__in=emails)}
    missing = []
    for i, email in enumerate(emails):
        if email not in existing:
            user = User(email=email, full_name=f"{CUSTOMER_NAMES[i % len(CUSTOMER_NAMES)]} "
                                               f"{'ABCDEFGHJKLMNPRSTW'[i % 18]}.")
            user.set_unusable_password()
            missing.append(user)
    User._default_manager.bulk_create(missing, batch_size=BATCH_SIZE)
    existing = {u.email: u for u in User._default_manager.filter(email__in=emails)}
    return [existing[e] for e in emails]
