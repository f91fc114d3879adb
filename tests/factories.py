"""Plain factory functions: each makes one valid row with sensible defaults."""

import itertools
from decimal import Decimal

from checkout.cart import SessionCart
from checkout.services import CheckoutDetails
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
    return CheckoutDetails(**(defaults | kwargs))


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
