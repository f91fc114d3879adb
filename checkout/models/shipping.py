"""Where the shop ships and what it costs: zones of countries (optionally states), methods per
zone with a price, a free-above amount, optional weight bands and a delivery estimate."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


def _codes(text: str) -> set[str]:
    return {part.strip().upper() for part in (text or "").replace(";", ",").split(",") if part.strip()}


class ShippingZone(models.Model):
    name = models.CharField(max_length=100)
    countries = models.CharField(
        max_length=2000,
        help_text="Country codes (ISO 3166-1), comma-separated, e.g. “US” or “DE, FR, IT”. "
                  "“*” is every country no other zone names.",
    )
    states = models.CharField(
        max_length=2000, blank=True,
        help_text="Optional: only these states or provinces (ISO 3166-2), e.g. “US-CA, US-NY”. Empty: the whole country.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Zones are tried in this order; the first that "
                                                                      "covers an address is used.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def country_codes(self) -> set[str]:
        return _codes(self.countries)

    @property
    def state_codes(self) -> set[str]:
        return _codes(self.states)

    def covers(self, country: str, state: str = "") -> bool:
        """Whether an address in `country` (and `state`, an ISO 3166-2 code) is in this zone."""
        country = (country or "").upper()
        if country not in self.country_codes:
            return False
        states = {code for code in self.state_codes if code.startswith(f"{country}-")}
        return not states or (state or "").upper() in states


class ShippingMethod(models.Model):
    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="methods")
    name = models.CharField(max_length=100, help_text="What the shopper sees, e.g. “Standard” or “Express”.")
    price = models.DecimalField(**MONEY, default=Decimal("0"),
                                help_text="The price when no weight band applies.")
    free_above = models.DecimalField(
        **MONEY, null=True, blank=True,
        help_text="Free when the items (after any discount) cost at least this much. Empty: never free.",
    )
    min_days = models.PositiveSmallIntegerField(default=1, help_text="Delivery estimate, in business days.")
    max_days = models.PositiveSmallIntegerField(default=5)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_days__gte=models.F("min_days")),
                                   name="shipping_estimate_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.zone.name}: {self.name}"

    @property
    def estimate(self) -> str:
        if self.min_days == self.max_days:
            return f"{self.min_days} business day{'s' if self.min_days != 1 else ''}"
        return f"{self.min_days}–{self.max_days} business days"


class ShippingWeightBand(models.Model):
    """With bands, a method's price follows the parcel's weight; heavier than every band: not offered."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="weight_bands")
    up_to_grams = models.PositiveIntegerField(help_text="Parcels up to this weight (grams) cost the price below.")
    price = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["up_to_grams"]
        constraints = [
            models.UniqueConstraint(fields=["method", "up_to_grams"], name="one_price_per_weight_band"),
        ]

    def __str__(self) -> str:
        return f"up to {self.up_to_grams} g"
