from django.contrib import admin

from storefront.models import Category, Product, ProductImage, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1
    min_num = 1  # every product has at least one variant
    fields = ["sku", "label", "price", "stock", "active", "position"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "alt", "position"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "active", "featured", "created"]
    list_filter = ["active", "featured", "category"]
    list_editable = ["active", "featured"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    inlines = [VariantInline, ProductImageInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "label", "price", "stock", "active"]
    list_filter = ["active", "product__category"]
    search_fields = ["sku", "product__name", "label"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
