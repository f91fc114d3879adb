"""Discount codes: percentage, fixed amount or free shipping, with limits. A code's use is
counted when an order is placed and given back when that order's hold is released, like stock."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class DiscountCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage off the items"
        FIXED = "fixed", "Fixed amount off the items"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    code = models.CharField(max_length=40, unique=True, help_text="What shoppers type; any case works.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
        help_text="Percent (e.g. 10) or an amount in the shop's currency; ignored for free shipping.",
    )
    minimum_subtotal = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))],
        help_text="The items must cost at least this much. Empty: no minimum.",
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Uses in all. Empty: unlimited.")
    per_customer_limit = models.PositiveIntegerField(null=True, blank=True,
                                                     help_text="Uses per email address. Empty: unlimited.")
    times_used = models.PositiveIntegerField(default=0, editable=False,
                                             help_text="Orders placed with it and not cancelled or expired.")
    categories = models.ManyToManyField("storefront.Category", blank=True, related_name="+",
                                        help_text="Only items in these categories (and their subcategories).")
    products = models.ManyToManyField("storefront.Product", blank=True, related_name="+",
                                      help_text="Only these products. With neither: every item.")
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(usage_limit__isnull=True) | models.Q(times_used__lte=models.F("usage_limit")),
                name="discount_code_within_usage_limit",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100), name="discount_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = normalize_code(self.code)
        super().save(*args, **kwargs)


def normalize_code(text: str) -> str:
    """What a shopper typed → the stored form: upper case, no surrounding or inner spaces."""
    return "".join((text or "").split()).upper()[:40]
