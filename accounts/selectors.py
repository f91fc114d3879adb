from django.db.models import QuerySet

from accounts.models import Address, User
from checkout.models import Order


def user_orders(*, user: User) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines").order_by("-created", "-id")


def default_address(*, user: User) -> Address | None:
    return Address.objects.filter(user=user, is_default=True).first()


def checkout_initial(*, user: User) -> dict:
    """What the checkout form starts with for a signed-in shopper."""
    initial = {"email": user.email, "full_name": user.full_name, "phone": user.phone}
    address = default_address(user=user)
    if address is not None:
        initial |= {
            "full_name": address.full_name or user.full_name,
            "address_line1": address.address_line1,
            "address_line2": address.address_line2,
            "city": address.city,
            "postal_code": address.postal_code,
            "country": address.country,
            "state": address.state,
            "phone": address.phone or user.phone,
        }
    return initial
