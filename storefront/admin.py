from django.contrib import admin, messages

from storefront import services
from storefront.models import (
    Category,
    OptionType,
    OptionValue,
    Product,
    ProductImage,
    Review,
    StockAlert,
    Variant,
    WishlistItem,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class OptionValueInline(admin.TabularInline):
    model = OptionValue
    extra = 1
    fields = ["value", "position"]


@admin.register(OptionType)
class OptionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]
    inlines = [OptionValueInline]


@admin.register(OptionValue)
class OptionValueAdmin(admin.ModelAdmin):
    list_display = ["value", "option_type", "position"]
    list_filter = ["option_type"]
    search_fields = ["value", "option_type__name"]
    list_select_related = ["option_type"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1
    min_num = 1  # every product has at least one variant
    fields = ["sku", "label", "option_values", "price", "stock", "image", "active", "position"]
    autocomplete_fields = ["option_values"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "image":  # only this product's pictures
            product_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = ProductImage.objects.filter(product_id=product_id) if product_id else (
                ProductImage.objects.none())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "alt", "position"]


def _notify_restocks(forms) -> int:
    """For each changed variant form: tell the stock service what the stock was and is."""
    restocked = 0
    for form in forms:
        if not form.instance.pk or "stock" not in form.changed_data:
            continue
        old = form.initial.get("stock") or 0
        if services.variant_stock_changed(variant_id=form.instance.pk, old_stock=old,
                                          new_stock=form.instance.stock):
            restocked += 1
    return restocked


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "active", "featured", "rating_avg", "rating_count", "created"]
    list_filter = ["active", "featured", "category"]
    list_editable = ["active", "featured"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    readonly_fields = ["rating_avg", "rating_count"]
    inlines = [VariantInline, ProductImageInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            for image_form in formset.forms:
                if image_form.instance.pk and "image" in image_form.changed_data:
                    services.image_renditions_make(image=image_form.instance)
        elif formset.model is Variant:
            restocked = _notify_restocks(formset.forms)
            if restocked:
                messages.info(request, f"{restocked} option(s) back in stock: waiting shoppers will be emailed.")


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "label", "price", "stock", "active"]
    list_filter = ["active", "product__category"]
    search_fields = ["sku", "product__name", "label"]
    list_select_related = ["product"]
    autocomplete_fields = ["product", "option_values"]
    list_editable = ["stock"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "stock" in form.changed_data:
            if services.variant_stock_changed(variant_id=obj.pk, old_stock=form.initial.get("stock") or 0,
                                              new_stock=obj.stock):
                messages.info(request, f"{obj.sku} is back in stock: waiting shoppers will be emailed.")


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ["alt", "product", "position", "width", "height"]
    search_fields = ["alt", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    readonly_fields = ["renditions"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            services.image_renditions_make(image=obj)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["product", "user", "rating", "title", "verified", "hidden", "created"]
    list_filter = ["hidden", "verified", "rating"]
    search_fields = ["product__name", "user__email", "title", "body"]
    list_select_related = ["product", "user"]
    readonly_fields = ["product", "user", "rating", "title", "body", "verified", "created", "updated"]
    fields = readonly_fields[:6] + ["hidden"] + readonly_fields[6:]
    actions = ["hide_reviews", "show_reviews"]

    def has_add_permission(self, request):
        return False  # reviews come from customers, through the shop

    def save_model(self, request, obj, form, change):
        # Only `hidden` is editable: go through the service so the product's rating follows.
        if change and "hidden" in form.changed_data:
            services.review_set_hidden(review=obj, hidden=obj.hidden)
        else:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.review_delete(review=obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.review_delete(review=review)

    @admin.action(description="Hide selected reviews")
    def hide_reviews(self, request, queryset):
        for review in queryset:
            services.review_set_hidden(review=review, hidden=True)

    @admin.action(description="Show selected reviews again")
    def show_reviews(self, request, queryset):
        for review in queryset:
            services.review_set_hidden(review=review, hidden=False)


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "variant", "created", "notified_at"]
    list_filter = ["notified_at"]
    search_fields = ["email", "variant__sku"]
    list_select_related = ["variant"]
    raw_id_fields = ["variant"]


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "created"]
    search_fields = ["user__email", "product__name"]
    list_select_related = ["user", "product"]
    raw_id_fields = ["user", "product"]
