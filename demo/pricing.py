"""The demo shop's money setup: shipping zones and methods, one US state's sales tax, a few sale
prices and the code WELCOME10, so `make run` shows shipping, tax and discounts at checkout.
Runs once: when the shop already has shipping zones (the demo's or staff's own), it changes nothing."""

from decimal import Decimal

from checkout.models import DiscountCode, ShippingMethod, ShippingZone, TaxRate
from core.countries import SHIPPING_COUNTRIES
from storefront.models import Variant

SALE_EVERY = 7  # one variant in seven is on sale
SALE_MARKUP = Decimal("1.25")  # the "was" price is a quarter above today's


def pricing_load() -> dict[str, int]:
    created = {"zones": 0, "methods": 0, "tax_rates": 0, "codes": 0, "sales": 0}
    if ShippingZone.objects.exists():
        return created
    us, new = ShippingZone.objects.get_or_create(name="United States", defaults={"countries": "US", "position": 0})
    created["zones"] += new
    world, new = ShippingZone.objects.get_or_create(name="International", defaults={
        "countries": ", ".join(code for code, _ in SHIPPING_COUNTRIES if code != "US"), "position": 1,
    })
    created["zones"] += new
    for zone, name, values in [
        (us, "Standard", {"price": Decimal("5.00"), "free_above": Decimal("75.00"), "min_days": 3, "max_days": 5}),
        (us, "Express", {"price": Decimal("15.00"), "min_days": 1, "max_days": 2, "position": 1}),
        (world, "International", {"price": Decimal("25.00"), "free_above": Decimal("200.00"), "min_days": 6,
                                  "max_days": 12}),
    ]:
        created["methods"] += ShippingMethod.objects.get_or_create(zone=zone, name=name, defaults=values)[1]
    created["tax_rates"] += TaxRate.objects.get_or_create(
        country="US", state="US-CA", tax_class="standard", defaults={"name": "Sales tax", "rate": Decimal("7.25")},
    )[1]
    created["codes"] += DiscountCode.objects.get_or_create(
        code="WELCOME10", defaults={"kind": DiscountCode.Kind.PERCENT, "value": Decimal("10")},
    )[1]
    if not Variant.objects.filter(compare_at_price__isnull=False).exists():
        for variant in Variant.objects.order_by("id")[::SALE_EVERY][:12]:
            Variant.objects.filter(pk=variant.pk).update(
                compare_at_price=(variant.price * SALE_MARKUP).quantize(Decimal("1")) - Decimal("0.01")
            )
            created["sales"] += 1
    return created
