"""allauth's signals call one service each; no business logic lives here."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.contrib import messages
from django.dispatch import receiver

from checkout.cart import SessionCart
from checkout.services import cart_merge, orders_claim


@receiver(user_logged_in)
def merge_guest_cart(sender, request, user, **kwargs) -> None:
    notes = cart_merge(guest_cart=SessionCart(request.session), user=user)
    request._cart = None  # the request now shows the account's cart
    if notes:
        messages.info(request, " ".join(notes), extra_tags="cart-merge")


@receiver(email_confirmed)
def claim_guest_orders(sender, request, email_address, **kwargs) -> None:
    orders_claim(user=email_address.user, email=email_address.email)
