"""Who the shopper is: profile, address book, account deletion."""

import logging

from django.db import transaction

from accounts.models import Address, User
from checkout.cart import SessionCart
from checkout.models import Cart, CartLine, Order
from core.addresses import PostalAddress
from core.pagecache import forget_personal
from storefront.models import Variant

logger = logging.getLogger(__name__)


class AccountError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Sign-in glue: the guest cart and guest orders join the account ---
def cart_merge(*, guest_cart: SessionCart, user) -> list[str]:
    """Fold a guest's session cart into the account's cart at sign-in.

    The same variant's quantities are added, then capped at the stock left and
    the per-line cap; lines whose variant is gone, inactive or sold out are
    dropped; prices are always read fresh. Returns one sentence per adjustment.
    The account's cart row is locked, and the guest cart's token recorded, so
    two tabs signing in at once merge it once and never duplicate a line.
    """
    guest = guest_cart.quantities()
    token = guest_cart.token
    if not guest:
        return []
    notes: list[str] = []
    added_units = 0
    with transaction.atomic():
        cart, _ = Cart.objects.get_or_create(user=user)
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        if token and cart.last_merged_token == token:
            guest_cart.clear()
            return []
        existing = dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))
        variants = Variant.objects.select_related("product").in_bulk(list(guest))
        for variant_id, quantity in sorted(guest.items()):
            variant = variants.get(variant_id)
            if variant is None or not variant.purchasable:
                name = variant.display_name if variant else "An item"
                notes.append(f"{name} removed: no longer available.")
                continue
            if variant.stock == 0:
                notes.append(f"{variant.display_name} removed: sold out.")
                continue
            had = existing.get(variant_id, 0)
            wanted = had + quantity
            limit = variant.line_limit
            final = min(wanted, limit)
            if final < wanted:
                reason = "the stock left" if limit == variant.stock else "the most per order"
                notes.append(f"{variant.display_name} limited to {final}, {reason}.")
            if final > had:
                added_units += final - had
                if had:
                    CartLine.objects.filter(cart=cart, variant_id=variant_id).update(quantity=final)
                else:
                    CartLine.objects.create(cart=cart, variant_id=variant_id, quantity=final)
        cart.last_merged_token = token
        cart.save(update_fields=["last_merged_token", "updated"])
        forget_personal(user.pk)  # the cart badge on cached pages
    guest_cart.clear()
    if added_units:
        noun = "item" if added_units == 1 else "items"
        verb = "was" if added_units == 1 else "were"
        notes.insert(0, f"{added_units} {noun} from your guest cart {verb} added.")
    logger.info("Cart merge for user %s: %s", user.pk, " ".join(notes) or "nothing to add")
    return notes


def orders_claim(*, user, email: str) -> int:
    """Link every guest order placed with a verified `email` to `user`. Returns how many."""
    claimed = Order.objects.filter(user__isnull=True, email__iexact=email.strip()).update(user=user)
    if claimed:
        forget_personal(user.pk)  # what they may review, on cached pages
        logger.info("User %s claimed %d guest order(s) placed with a verified email", user.pk, claimed)
    return claimed


# --- Address book and profile ---


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
