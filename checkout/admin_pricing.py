"""Staff set up what pricing.py applies: shipping zones and methods, tax rates, discount codes."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from checkout.models import DiscountCode, ShippingMethod, ShippingWeightBand, ShippingZone, TaxRate


class ShippingMethodInline(admin.TabularInline):
    model = ShippingMethod
    extra = 0
    fields = ["name", "price", "free_above", "min_days", "max_days", "active", "position"]
    show_change_link = True  # weight bands are edited on the method's own page


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "countries", "states", "position", "methods"]
    list_editable = ["position"]
    inlines = [ShippingMethodInline]

    @admin.display(description="Methods")
    def methods(self, obj: ShippingZone) -> str:
        return ", ".join(m.name for m in obj.methods.all()) or "—"


class WeightBandInline(admin.TabularInline):
    model = ShippingWeightBand
    extra = 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "price", "free_above", "estimate", "active"]
    list_filter = ["zone", "active"]
    inlines = [WeightBandInline]


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "state", "tax_class", "rate"]
    list_filter = ["country", "tax_class"]
    search_fields = ["name", "country", "state"]


@admin.register(DiscountCode)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "value", "uses", "valid_from", "valid_until", "active", "orders_link"]
    list_filter = ["kind", "active"]
    search_fields = ["code"]
    filter_horizontal = ["categories", "products"]
    readonly_fields = ["times_used", "orders_link"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "value", "active"]}),
        ("Limits", {"fields": ["minimum_subtotal", "valid_from", "valid_until", "usage_limit", "per_customer_limit",
                               "times_used"]}),
        ("Only for", {"fields": ["categories", "products"]}),
        ("Orders", {"fields": ["orders_link"]}),
    ]

    @admin.display(description="Uses")
    def uses(self, obj: DiscountCode) -> str:
        return f"{obj.times_used} of {obj.usage_limit}" if obj.usage_limit is not None else str(obj.times_used)

    @admin.display(description="Orders with this code")
    def orders_link(self, obj: DiscountCode) -> str:
        if obj.pk is None:
            return "—"
        count = obj.orders.count()
        url = reverse("admin:checkout_order_changelist") + f"?discount_code__id__exact={obj.pk}"
        return format_html('<a href="{}">{} order{}</a>', url, count, "" if count == 1 else "s")
