"""Plain factory functions: each makes one valid row with sensible defaults."""

import itertools
from decimal import Decimal

from checkout.cart import SessionCart
from checkout.services.orders import CheckoutDetails
from core.addresses import PostalAddress
from storefront.listing_data import product_listing_refresh
from storefront.models import Category, Product, Variant

_seq = itertools.count(1)


def category(**kwargs) -> Category:
    n = next(_seq)
    defaults = {"name": f"Category {n}", "slug": f"category-{n}"}
    return Category.objects.create(**(defaults | kwargs))


def product(*, category_obj: Category | None = None, variants: int = 1, price: str = "12.50", stock: int = 10,
            **kwargs) -> Product:
    n = next(_seq)
    defaults = {"name": f"Product {n}", "slug": f"product-{n}"}
    item = Product.objects.create(category=category_obj or category(), **(defaults | kwargs))
    for i in range(variants):
        Variant.objects.create(
            product=item, sku=f"SKU-{n}-{i}", label=f"Option {i + 1}" if variants > 1 else "",
            price=Decimal(price), stock=stock, position=i,
        )
    product_listing_refresh(product_ids=[item.pk])  # as the admin does after saving variants
    item.refresh_from_db(fields=["price_from", "in_stock"])
    return item


def variant(**kwargs) -> Variant:
    stock = kwargs.pop("stock", 10)
    price = kwargs.pop("price", "12.50")
    return product(stock=stock, price=price, **kwargs).variants.get()


class FakeSession(dict):
    """A stand-in for request.session in service tests (a dict with `modified`)."""

    modified = False

    def cycle_key(self) -> None:
        pass


def cart(**quantities_by_variant) -> SessionCart:
    return SessionCart(FakeSession())


def cart_with(*pairs: tuple[Variant, int]) -> SessionCart:
    c = SessionCart(FakeSession())
    for v, q in pairs:
        c.set(v.pk, q)
    return c


def details(**kwargs) -> CheckoutDetails:
    defaults = {
        "email": "ada@example.com", "full_name": "Ada Lovelace", "address_line1": "12 Analytical Row",
        "city": "London", "postal_code": "N1 9GU", "country": "GB",
    }
    values = defaults | kwargs
    email = values.pop("email")
    choices = {key: values.pop(key) for key in ("shipping_method_id", "code") if key in values}
    return CheckoutDetails(email=email, address=PostalAddress(**values), **choices)


def checkout_token() -> str:
    """A fresh token, as each checkout form shown carries one."""
    return f"t{next(_seq):031d}"


def checkout_post(token: str = "a" * 32, **kwargs) -> dict:
    data = {
        "email": "ada@example.com", "full_name": "Ada Lovelace", "address_line1": "12 Analytical Row",
        "address_line2": "", "city": "London", "postal_code": "N1 9GU", "country": "GB", "phone": "",
        "checkout_token": token,
    }
    return data | kwargs


def user(email: str = "", password: str = "correct horse battery", verified: bool = True, **kwargs):
    from allauth.account.models import EmailAddress

    from accounts.models import User

    n = next(_seq)
    email = email or f"shopper{n}@example.com"
    account = User.objects.create_user(email=email, password=password, **kwargs)
    EmailAddress.objects.create(user=account, email=email, verified=verified, primary=True)
    return account


# --- Catalog: options, reviews, orders for "verified purchase" (storefront) ---


def option_product(*, sizes=("S", "M", "L"), colours=("Red", "Blue"), price: str = "20.00", stock: int = 5,
                   missing: tuple[tuple[str, str], ...] = (), **kwargs) -> Product:
    """A product with Size × Colour variants (leave out the pairs in `missing`)."""
    from storefront.models import OptionType, OptionValue

    item = product(variants=0, **kwargs)
    size_type, _ = OptionType.objects.get_or_create(name="Size", defaults={"position": 0})
    colour_type, _ = OptionType.objects.get_or_create(name="Colour", defaults={"position": 1})
    values = {}
    for pos, s in enumerate(sizes):
        values[s] = OptionValue.objects.get_or_create(option_type=size_type, value=s, defaults={"position": pos})[0]
    for pos, c in enumerate(colours):
        values[c] = OptionValue.objects.get_or_create(option_type=colour_type, value=c, defaults={"position": pos})[0]
    position = 0
    for c in colours:
        for s in sizes:
            if (s, c) in missing:
                continue
            v = Variant.objects.create(product=item, sku=f"{item.slug}-{s}-{c}".upper(), label=f"{s} / {c}",
                                       price=Decimal(price), stock=stock, position=position)
            v.option_values.set([values[s], values[c]])
            position += 1
    product_listing_refresh(product_ids=[item.pk])
    item.refresh_from_db(fields=["price_from", "in_stock"])
    return item


def paid_order(*, user, variant: Variant, status: str = "paid"):
    """An order of `user` with one line for `variant` (no checkout flow: for review eligibility)."""
    from checkout.models import Order, OrderLine

    unpaid = status in ("pending_payment", "awaiting_payment", "cancelled", "expired")
    order = Order.objects.create(
        user=user, status=status, email=user.email, full_name="Ada Lovelace", address_line1="12 Analytical Row",
        city="London", postal_code="N1 9GU", country="GB", currency="usd", subtotal=variant.price,
        total=variant.price, payment_state="unpaid" if unpaid else "paid",
        amount_paid=0 if unpaid else variant.price,
    )
    OrderLine.objects.create(order=order, variant=variant, product_name=variant.product.name,
                             variant_label=variant.label, sku=variant.sku, unit_price=variant.price, quantity=1,
                             line_total=variant.price)
    return order


def review(*, product_obj: Product, rating: int = 5, title: str = "", body: str = "", user_obj=None):
    """A review written through the service, by a customer who bought the product."""
    from storefront.reviews import ReviewData, review_save

    author = user_obj or user()
    paid_order(user=author, variant=product_obj.variants.first())
    return review_save(user=author, product=product_obj, data=ReviewData(rating=rating, title=title, body=body))


def product_image(*, product_obj: Product, alt: str = "A product photo", colour: str = "teal", size: int = 800,
                  position: int = 0):
    """A real JPEG uploaded to the product, with its renditions made as the admin does."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from storefront.images import image_renditions_make
    from storefront.models import ProductImage

    buf = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buf, "JPEG")
    image = ProductImage.objects.create(
        product=product_obj, alt=alt, position=position,
        image=SimpleUploadedFile(f"{product_obj.slug}-{position}.jpg", buf.getvalue(), content_type="image/jpeg"),
    )
    image_renditions_make(image=image)
    return image


# --- Money: discount codes, shipping methods, tax rates (checkout) ---


def discount_code(*, categories=(), products=(), **kwargs):
    """A 10 % code with no limits unless told otherwise."""
    from checkout.models import DiscountCode

    defaults = {"code": f"CODE{next(_seq)}", "kind": DiscountCode.Kind.PERCENT, "value": Decimal("10")}
    code = DiscountCode.objects.create(**(defaults | kwargs))
    code.categories.set(categories)
    code.products.set(products)
    return code


def shipping_method(*, zone=None, countries: str = "GB", states: str = "", name: str = "Standard",
                    price: str = "5.00", bands: tuple[tuple[int, str], ...] = (), **kwargs):
    """A method (in a new zone for `countries`/`states` unless `zone` is given), with optional
    weight bands as (up to grams, price) pairs."""
    from checkout.models import ShippingMethod, ShippingWeightBand, ShippingZone

    if zone is None:
        zone = ShippingZone.objects.create(name=f"Zone {next(_seq)}", countries=countries, states=states)
    method = ShippingMethod.objects.create(zone=zone, name=name, price=Decimal(price), **kwargs)
    for up_to, band_price in bands:
        ShippingWeightBand.objects.create(method=method, up_to_grams=up_to, price=Decimal(band_price))
    return method


def tax_rate(*, country: str, rate: str, state: str = "", tax_class: str = "standard", name: str = "Tax"):
    from checkout.models import TaxRate

    return TaxRate.objects.create(country=country, state=state, tax_class=tax_class, rate=Decimal(rate), name=name)
