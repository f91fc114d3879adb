from django.contrib import admin

from checkout.models import Order, OrderEvent, OrderLine, Payment, WebhookEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["product_name", "variant_label", "sku", "unit_price", "quantity", "line_total"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["provider", "session_id", "payment_intent", "status", "amount", "currency",
              "amount_received", "currency_received", "created"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created", "from_status", "to_status", "actor_label", "note"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["display_number", "created", "email", "full_name", "status", "total", "needs_review", "receipt_sent_at"]
    list_filter = ["status", "needs_review", ("created", admin.DateFieldListFilter)]
    search_fields = ["number", "email", "full_name"]
    date_hierarchy = "created"
    inlines = [OrderLineInline, PaymentInline, OrderEventInline]
    readonly_fields = [
        "number", "status", "currency", "subtotal", "total", "stock_held", "hold_expires_at",
        "created", "updated", "paid_at", "receipt_sent_at", "user",
    ]
    fieldsets = [
        (None, {"fields": ["number", "status", "user", "created", "paid_at", "receipt_sent_at"]}),
        ("Customer", {"fields": ["email", "full_name", "phone"]}),
        ("Shipping address", {"fields": ["address_line1", "address_line2", "city", "postal_code", "country"]}),
        ("Money", {"fields": ["currency", "subtotal", "total"]}),
        ("Stock", {"fields": ["stock_held", "hold_expires_at"]}),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Order numbers are searched as printed: any case, with or without the dash.
        from checkout.models import normalize_order_number

        normalized = normalize_order_number(search_term)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if normalized and normalized != search_term:
            queryset |= self.model.objects.filter(number=normalized)
        return queryset, may_have_duplicates

    @admin.display(description="Number", ordering="number")
    def display_number(self, obj: Order) -> str:
        return obj.display_number

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders stay for the books; cancel instead


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "received", "result", "livemode"]
    list_filter = ["type", "livemode"]
    search_fields = ["event_id", "result"]
    readonly_fields = ["event_id", "type", "livemode", "received", "payload", "result"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
