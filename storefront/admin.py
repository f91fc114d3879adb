from django import forms
from django.contrib import admin, messages
from django.db.models import F

from storefront.errors import StorefrontError
from storefront.images import image_file_stored
from storefront.listing_data import product_listing_refresh
from storefront.models import (
    Category,
    OptionType,
    OptionValue,
    Page,
    Product,
    ProductImage,
    Review,
    StockAlert,
    StockMovement,
    Variant,
    WishlistItem,
)
from storefront.reviews import review_delete, review_set_hidden
from storefront.stock import stock_adjust


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class OptionValueInline(admin.TabularInline):
    model = OptionValue
    extra = 1
    fields = ["value", "swatch", "position"]


@admin.register(OptionType)
class OptionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]
    inlines = [OptionValueInline]


@admin.register(OptionValue)
class OptionValueAdmin(admin.ModelAdmin):
    list_display = ["value", "option_type", "swatch", "position"]
    list_filter = ["option_type"]
    search_fields = ["value", "option_type__name"]
    list_select_related = ["option_type"]


class VariantStockForm(forms.ModelForm):
    """Stock is never typed as a number to overwrite: staff add or remove units,
    with a reason, and the stock service applies the change to the current value."""

    adjust_by = forms.IntegerField(
        required=False, label="Add / remove",
        help_text="Units to add (e.g. 12) or remove (e.g. -2). The current stock is read when you save.",
    )
    adjust_reason = forms.ChoiceField(
        choices=StockMovement.Reason.choices, initial=StockMovement.Reason.RESTOCK, required=False, label="Why",
    )
    adjust_note = forms.CharField(max_length=300, required=False, label="Note")

    class Meta:
        model = Variant
        exclude = ["stock"]

    def clean(self):
        data = super().clean()
        if data.get("adjust_by") and not data.get("adjust_reason"):
            self.add_error("adjust_reason", "Say why the stock changes.")
        return data


def _save_variant_keeping_stock(variant: Variant) -> None:
    """Save what staff edited, but never the stock column (sales may have changed it)."""
    if variant.pk:
        fields = [f.name for f in Variant._meta.concrete_fields if not f.primary_key and f.name != "stock"]
        variant.save(update_fields=fields)
    else:
        variant.stock = 0  # a new variant starts empty; its first stock is an adjustment
        variant.save()


def _apply_adjustment(request, form) -> None:
    change = form.cleaned_data.get("adjust_by") or 0
    if not change:
        return
    reason = form.cleaned_data.get("adjust_reason") or StockMovement.Reason.OTHER
    try:
        stock_adjust(variant_id=form.instance.pk, change=change, reason=reason,
                              note=form.cleaned_data.get("adjust_note", ""), actor=request.user)
    except StorefrontError as error:
        messages.error(request, error.message)


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    can_delete = False
    fields = ["created", "change", "stock_after", "reason", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantStockForm
    extra = 1
    min_num = 1  # every product has at least one variant
    fields = ["sku", "label", "option_values", "price", "compare_at_price", "weight_grams", "stock", "adjust_by", "adjust_reason", "adjust_note",
              "low_stock_threshold", "image", "active", "position"]
    readonly_fields = ["stock"]
    autocomplete_fields = ["option_values"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "image":  # only this product's pictures
            product_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = ProductImage.objects.filter(product_id=product_id) if product_id else (
                ProductImage.objects.none())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _image_before_upload(image: ProductImage) -> ProductImage | None:
    """The row as stored before a new file is saved on it (None for a new row). Its renditions are emptied:
    they belong to the old file, and pages show the new original until the worker draws new ones."""
    stored = ProductImage.objects.filter(pk=image.pk).first() if image.pk else None
    image.renditions = {}
    return stored


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "alt", "position"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "active", "featured", "price_from", "in_stock", "rating_avg", "rating_count",
                    "created"]
    list_filter = ["active", "featured", "category"]
    list_editable = ["active", "featured"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    readonly_fields = ["price_from", "in_stock", "rating_avg", "rating_count"]
    inlines = [VariantInline, ProductImageInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Variant:
            self._save_variants(request, formset)
            return
        if formset.model is not ProductImage:
            super().save_formset(request, form, formset, change)
            return
        uploads = [f for f in formset.forms if "image" in f.changed_data and f not in formset.deleted_forms]
        replaced = {f: _image_before_upload(f.instance) for f in uploads}
        super().save_formset(request, form, formset, change)  # a deleted row's files go in its post_delete
        for image_form in uploads:
            if image_form.instance.pk:
                image_file_stored(image=image_form.instance, replaced=replaced[image_form])

    def _save_variants(self, request, formset) -> None:
        for variant in formset.save(commit=False):
            _save_variant_keeping_stock(variant)
        formset.save_m2m()
        for variant in formset.deleted_objects:
            variant.delete()
        # Prices and active flags as saved; a stock adjustment below that crosses zero refreshes again.
        product_listing_refresh(product_ids=[formset.instance.pk])
        for variant_form in formset.forms:
            if variant_form.instance.pk and variant_form not in formset.deleted_forms:
                _apply_adjustment(request, variant_form)


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock_level"

    def lookups(self, request, model_admin):
        return [("low", "Low (at or below threshold)"), ("out", "Sold out")]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(stock__lte=F("low_stock_threshold"), active=True)
        if self.value() == "out":
            return queryset.filter(stock=0)
        return queryset


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    form = VariantStockForm
    list_display = ["sku", "product", "label", "price", "stock", "low_stock_threshold", "active"]
    list_filter = [StockLevelFilter, "active", "product__category"]
    search_fields = ["sku", "product__name", "label"]
    list_select_related = ["product"]
    autocomplete_fields = ["product", "option_values"]
    readonly_fields = ["stock"]
    inlines = [StockMovementInline]
    fieldsets = [
        (None, {"fields": ["product", "sku", "label", "option_values", "price", "compare_at_price", "weight_grams",
                           "image", "active", "position"]}),
        ("Stock", {"fields": ["stock", "adjust_by", "adjust_reason", "adjust_note", "low_stock_threshold"]}),
    ]

    def save_model(self, request, obj, form, change):
        moved_from = Variant.objects.filter(pk=obj.pk).values_list("product_id", flat=True).first()
        _save_variant_keeping_stock(obj)
        product_listing_refresh(product_ids=[obj.product_id] + ([moved_from] if moved_from else []))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _apply_adjustment(request, form)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        product_listing_refresh(product_ids=[obj.product_id])

    def delete_queryset(self, request, queryset):
        product_ids = list(queryset.values_list("product_id", flat=True))
        super().delete_queryset(request, queryset)
        product_listing_refresh(product_ids=product_ids)


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["created", "variant", "change", "stock_after", "reason", "actor", "note"]
    list_filter = ["reason", ("created", admin.DateFieldListFilter)]
    search_fields = ["variant__sku", "variant__product__name", "note"]
    list_select_related = ["variant", "variant__product", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ["alt", "product", "position", "width", "height"]
    search_fields = ["alt", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    readonly_fields = ["renditions"]

    def save_model(self, request, obj, form, change):
        if "image" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        replaced = _image_before_upload(obj)
        super().save_model(request, obj, form, change)
        image_file_stored(image=obj, replaced=replaced)


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
            review_set_hidden(review=obj, hidden=obj.hidden)
        else:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        review_delete(review=obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            review_delete(review=review)

    @admin.action(description="Hide selected reviews")
    def hide_reviews(self, request, queryset):
        for review in queryset:
            review_set_hidden(review=review, hidden=True)

    @admin.action(description="Show selected reviews again")
    def show_reviews(self, request, queryset):
        for review in queryset:
            review_set_hidden(review=review, hidden=False)


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "variant", "created", "confirmed", "confirmed_at", "notified_at"]
    list_filter = ["confirmed_at", "notified_at"]
    readonly_fields = ["created", "confirmed_at", "confirmation_sent_at", "notified_at"]
    search_fields = ["email", "variant__sku"]
    list_select_related = ["variant"]
    raw_id_fields = ["variant"]

    @admin.display(boolean=True, description="Confirmed", ordering="confirmed_at")
    def confirmed(self, alert: StockAlert) -> bool:
        """Only confirmed alerts are emailed on restock (a guest confirms through the emailed link)."""
        return alert.confirmed_at is not None


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "created"]
    search_fields = ["user__email", "product__name"]
    list_select_related = ["user", "product"]
    raw_id_fields = ["user", "product"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "updated"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "body"]
    fields = ["title", "slug", "position", "body"]
