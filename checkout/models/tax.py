"""Tax rates by country (optionally state) and tax class. Whether catalog prices include tax is a
shop setting (SHOP_PRICES_INCLUDE_TAX); checkout/pricing.py applies the rates."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from storefront.models import TaxClass


class TaxRate(models.Model):
    name = models.CharField(max_length=60, default="Tax", help_text="What receipts call it, e.g. “VAT” or “Sales tax”.")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 code, e.g. US or DE.")
    state = models.CharField(
        max_length=10, blank=True,
        help_text="Optional ISO 3166-2 code, e.g. US-CA. A state's rate replaces its country's rate.",
    )
    tax_class = models.CharField(max_length=10, choices=TaxClass.choices, default=TaxClass.STANDARD)
    rate = models.DecimalField(
        max_digits=6, decimal_places=3, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent, e.g. 19 or 8.875.",
    )

    class Meta:
        ordering = ["country", "state", "tax_class"]
        constraints = [
            models.UniqueConstraint(fields=["country", "state", "tax_class"], name="one_tax_rate_per_place_and_class"),
        ]

    def __str__(self) -> str:
        place = self.state or self.country
        return f"{self.name} {self.rate.normalize()} % ({place}, {self.get_tax_class_display().lower()})"

    def save(self, *args, **kwargs):
        self.country = self.country.upper()
        self.state = self.state.upper()
        super().save(*args, **kwargs)
