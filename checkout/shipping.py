"""Which shipping methods reach an address, and what each costs for a given parcel.

A shop with no shipping zones at all ships everywhere for free (one implicit
"Standard shipping" option), so a fresh install can sell before staff set rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from checkout.models import ShippingMethod, ShippingZone

ZERO = Decimal("0.00")
WORLD = "*"


@dataclass(frozen=True)
class ShippingOption:
    id: int | None  # None: the implicit free option of a shop without zones
    name: str
    price: Decimal
    estimate: str
    min_days: int | None
    max_days: int | None


FREE_EVERYWHERE = ShippingOption(id=None, name="Standard shipping", price=ZERO, estimate="", min_days=None,
                                 max_days=None)


def zone_for(*, country: str, state: str = "") -> ShippingZone | None:
    """The first zone (by position) that covers the address; a "*" zone catches countries no other names."""
    zones = list(ShippingZone.objects.all())
    for zone in zones:
        if WORLD not in zone.country_codes and zone.covers(country, state):
            return zone
    named = set().union(*(zone.country_codes for zone in zones)) if zones else set()
    if (country or "").upper() not in named:
        return next((zone for zone in zones if WORLD in zone.country_codes), None)
    return None


def shipping_options(*, country: str, state: str, weight_grams: int, items_value: Decimal) -> list[ShippingOption]:
    """The methods that reach (country, state), priced for a parcel of `weight_grams` whose items
    cost `items_value` (after any discount), cheapest first. Empty: the shop does not ship there."""
    if not ShippingZone.objects.exists():
        return [FREE_EVERYWHERE]
    zone = zone_for(country=country, state=state)
    if zone is None:
        return []
    options = []
    methods = ShippingMethod.objects.filter(zone=zone, active=True).prefetch_related("weight_bands")
    for method in methods:
        bands = list(method.weight_bands.all())
        if bands:
            band = next((b for b in bands if weight_grams <= b.up_to_grams), None)
            if band is None:
                continue  # too heavy for this method
            price = band.price
        else:
            price = method.price
        if method.free_above is not None and items_value >= method.free_above:
            price = ZERO
        options.append(ShippingOption(id=method.pk, name=method.name, price=price, estimate=method.estimate,
                                      min_days=method.min_days, max_days=method.max_days))
    return sorted(options, key=lambda option: (option.price, option.name))
