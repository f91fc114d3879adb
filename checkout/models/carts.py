"""A signed-in shopper's cart (a guest's lives in the session: checkout/cart.py)."""

from django.conf import settings
from django.db import models


class Cart(models.Model):
    """A signed-in shopper's cart: one per user, so it follows them across devices."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart")
    # The last guest cart folded in at sign-in, so a second tab signing in adds it only once.
    last_merged_token = models.CharField(max_length=64, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("storefront.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_line_per_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cartline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"
