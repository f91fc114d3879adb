"""allauth's and checkout's hooks call one service each; no business logic lives here."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
from django.contrib import messages
from django.dispatch import receiver

from accounts.models import User
from accounts.selectors import checkout_initial
from accounts.services import address_save_from_checkout, cart_merge, orders_claim
from checkout.cart import SessionCart
from checkout.forms import CheckoutForm
from checkout.hooks import checkout_prefill, order_placed
from checkout.models import Order


@receiver(user_logged_in, sender=User)
def merge_guest_cart(sender, request, user, **kwargs) -> None:
    notes = cart_merge(guest_cart=SessionCart(request.session), user=user)
    request._cart = None  # the request now shows the account's cart
    if notes:
        messages.info(request, " ".join(notes), extra_tags="cart-merge")


@receiver(email_confirmed, sender=EmailAddress)
def claim_guest_orders(sender, request, email_address, **kwargs) -> None:
    orders_claim(user=email_address.user, email=email_address.email)


@receiver(checkout_prefill, sender=CheckoutForm)
def prefill_checkout(sender, user, **kwargs) -> dict:
    return checkout_initial(user=user)


@receiver(order_placed, sender=Order)
def save_checkout_address(sender, order, user, address, save_address, **kwargs) -> None:
    if save_address and user.is_authenticated:
        address_save_from_checkout(user=user, data=address)
