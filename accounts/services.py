"""Who the shopper is: profile, address book, account deletion."""

import logging

from django.db import transaction

from accounts.models import Address, User
from core.addresses import PostalAddress
from checkout.models import Order

logger = logging.getLogger(__name__)


class AccountError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def address_save(*, user: User, data: PostalAddress, address: Address | None = None,
                 make_default: bool = False) -> Address:
    """Add or edit an address; the first address, or one asked for, becomes the default."""
    if address is not None and address.user_id != user.pk:
        raise AccountError("That address is not yours.")
    address = address or Address(user=user)
    for field, value in data.cleaned().as_dict().items():
        setattr(address, field, value)
    locked = list(User.objects.select_for_update().filter(pk=user.pk))  # serialise default changes  # noqa: F841
    has_default = Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).exists()
    if make_default or not has_default:
        Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
        address.is_default = True
    address.save()
    return address


def address_save_from_checkout(*, user: User, data: PostalAddress) -> Address:
    """"Save this address" at checkout: skip an exact duplicate of one already in the book."""
    fields = data.cleaned().as_dict()
    fields.pop("phone")
    duplicate = Address.objects.filter(user=user, **fields).first()
    return duplicate or address_save(user=user, data=data)


@transaction.atomic
def address_set_default(*, user: User, address: Address) -> None:
    if address.user_id != user.pk:
        raise AccountError("That address is not yours.")
    list(User.objects.select_for_update().filter(pk=user.pk))
    Address.objects.filter(user=user, is_default=True).update(is_default=False)
    Address.objects.filter(pk=address.pk).update(is_default=True)


@transaction.atomic
def address_delete(*, user: User, address: Address) -> None:
    if address.user_id != user.pk:
        raise AccountError("That address is not yours.")
    was_default = address.is_default
    address.delete()
    if was_default:
        newest = Address.objects.filter(user=user).order_by("-created", "-id").first()
        if newest:
            Address.objects.filter(pk=newest.pk).update(is_default=True)


def profile_update(*, user: User, full_name: str, phone: str) -> User:
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["full_name", "phone"])
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account. Orders stay for the shop's books, unlinked, keeping only
    what accounting needs (name, billing address, lines, amounts); the email and
    phone are removed."""
    orders = Order.objects.select_for_update().filter(user=user)
    for order in orders:
        order.user = None
        order.phone = ""
        order.email = f"deleted-{order.number.lower()}@deleted.invalid"
        order.checkout_token = None
        order.save(update_fields=["user", "phone", "email", "checkout_token", "updated"])
    user_id = user.pk
    user.delete()  # addresses, the cart and allauth's email addresses go with it
    logger.info("Account %s deleted; its orders were kept without personal contact data", user_id)
