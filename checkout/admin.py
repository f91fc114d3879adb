"""The back office for orders: lifecycle actions, refunds, the outbox, exports."""

from datetime import datetime, time, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from checkout.admin_forms import ConfirmForm, ExportForm, NoteForm, ReasonForm, RefundForm, ShipForm
from checkout.errors import CheckoutError
from checkout.exports import orders_csv
from checkout.models import (
    Order,
    OrderEvent,
    OrderLine,
    OutboxEmail,
    Payment,
    Refund,
    WebhookEvent,
    normalize_order_number,
)
from checkout.services.history import order_note_add
from checkout.services.lifecycle import (
    order_allocate_stock,
    order_cancel_by_staff,
    order_mark_delivered,
    order_mark_processing,
    order_ship,
)
from checkout.services.outbox import email_resend, receipt_resend
from checkout.services.refunds import order_refund

S = Order.Status


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    template = "admin/edit_inline/readonly_tabular.html"  # no empty header cells (axe), a scrollable region

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


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["created", "amount", "reason", "source", "created_by", "provider_refund_id"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    verbose_name_plural = "history"
    fields = ["created", "kind", "from_status", "to_status", "actor_label", "note"]
    readonly_fields = fields


class OutboxEmailInline(ReadOnlyInline):
    model = OutboxEmail
    verbose_name_plural = "emails"
    fields = ["created", "kind", "to", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    show_change_link = True


class WaitingToShipFilter(admin.SimpleListFilter):
    title = "to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [("ship", "Waiting to ship"), ("review", "Needs review"), ("stock", "Paid, waiting for stock")]

    def queryset(self, request, queryset):
        if self.value() == "ship":
            return queryset.filter(status__in=[S.PAID, S.PROCESSING])
        if self.value() == "review":
            return queryset.filter(needs_review=True)
        if self.value() == "stock":
            return queryset.filter(status=S.PAID_OUT_OF_STOCK)
        return queryset


# Each staff action on one order: label, form, the service call, and when it applies
# (read from the status machine on Order, so the two never disagree).
ACTIONS = {
    "processing": ("Mark processing", ConfirmForm,
                   lambda o, d, u: order_mark_processing(order=o, actor=u),
                   lambda o: o.can_become(S.PROCESSING)),
    "ship": ("Ship", ShipForm,
             lambda o, d, u: order_ship(order=o, actor=u, **d),
             lambda o: o.can_become(S.SHIPPED) or o.can_become(S.PROCESSING)),
    "delivered": ("Mark delivered", ConfirmForm,
                  lambda o, d, u: order_mark_delivered(order=o, actor=u),
                  lambda o: o.can_become(S.DELIVERED)),
    "allocate": ("Allocate stock", ConfirmForm,
                 lambda o, d, u: order_allocate_stock(order=o, actor=u),
                 lambda o: o.status == S.PAID_OUT_OF_STOCK),
    "refund": ("Refund", RefundForm,
               lambda o, d, u: order_refund(order=o, actor=u, **d),
               lambda o: o.refundable > 0),
    "cancel": ("Cancel order", ReasonForm,
               lambda o, d, u: order_cancel_by_staff(order=o, actor=u, **d),
               lambda o: o.can_become(S.CANCELLED)),
    "note": ("Add note", NoteForm,
             lambda o, d, u: order_note_add(order=o, actor=u, **d),
             lambda o: True),
    "resend_receipt": ("Resend receipt", ConfirmForm,
                       lambda o, d, u: receipt_resend(order=o, actor=u),
                       lambda o: o.payment_state != Order.PaymentState.UNPAID),
}


def actions_for(order: Order) -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _, _, applies) in ACTIONS.items() if applies(order)]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # Seven short columns, so Status, Payment state, Total and Needs review fit beside the filters at 1280 px.
    list_display = ["display_number", "placed", "customer", "status", "payment_state", "total", "needs_review"]
    list_filter = [WaitingToShipFilter, "status", "payment_state", "needs_review", ("created", admin.DateFieldListFilter),
                   ("discount_code", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "email", "full_name", "tracking_number"]
    date_hierarchy = "created"
    inlines = [OrderLineInline, PaymentInline, RefundInline, OrderEventInline, OutboxEmailInline]
    readonly_fields = [
        "number", "status", "payment_state", "currency", "subtotal", "discount_total", "discount_code_text",
        "shipping_total", "shipping_method_name", "shipping_estimate", "tax_total", "tax_label", "tax_included",
        "total", "amount_paid", "amount_refunded",
        "stock_held", "hold_expires_at", "created", "updated", "paid_at", "receipt_sent_at", "shipped_at",
        "delivered_at", "cancelled_at", "user", "carrier", "tracking_number", "tracking_url", "address",
    ]
    fieldsets = [
        (None, {"fields": ["number", "status", "payment_state", "user", "created", "paid_at", "receipt_sent_at"]}),
        ("Customer", {"fields": ["email", "full_name", "phone"]}),
        ("Shipping address", {"fields": ["address", "address_line1", "address_line2", "city", "postal_code", "state",
                                         "country"]}),
        ("Shipping", {"fields": ["shipping_method_name", "shipping_estimate", "carrier", "tracking_number",
                                 "tracking_url", "shipped_at", "delivered_at"]}),
        ("Money", {"fields": ["currency", "subtotal", "discount_code_text", "discount_total", "shipping_total",
                              "tax_label", "tax_total", "tax_included", "total", "amount_paid", "amount_refunded",
                              "cancelled_at"]}),
        ("Stock", {"fields": ["stock_held", "hold_expires_at"]}),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
    ]
    actions = ["bulk_processing", "bulk_ship", "bulk_delivered", "bulk_cancel", "bulk_resend_receipt", "export_selected"]
    change_form_template = "admin/checkout/order/change_form.html"
    change_list_template = "admin/checkout/order/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        # Order numbers are searched as printed: any case, with or without the dash.
        normalized = normalize_order_number(search_term)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if normalized and normalized != search_term:
            queryset |= self.model.objects.filter(number=normalized)
        return queryset, may_have_duplicates

    @admin.display(description="Number", ordering="number")
    def display_number(self, obj: Order) -> str:
        return obj.display_number

    @admin.display(description="Placed", ordering="created")
    def placed(self, obj: Order) -> str:
        return date_format(timezone.localtime(obj.created), "M j, H:i")

    @admin.display(description="Customer", ordering="email")
    def customer(self, obj: Order) -> str:
        return format_html('{}<br><span class="quiet">{}</span>', Truncator(obj.full_name).chars(28),
                           Truncator(obj.email).chars(32))

    @admin.display(description="As printed")
    def address(self, obj: Order) -> str:
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.postal_address.lines()))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders stay for the books; cancel instead

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra_context = (extra_context or {}) | {"order_actions": actions_for(order) if order else []}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        own = [
            path("export/", self.admin_site.admin_view(self.export_view), name="checkout_order_export"),
            path("<int:object_id>/packing-slip/", self.admin_site.admin_view(self.packing_slip_view),
                 name="checkout_order_packing_slip"),
            path("<int:object_id>/do/<str:action>/", self.admin_site.admin_view(self.action_view),
                 name="checkout_order_action"),
        ]
        return own + super().get_urls()

    # --- one order ----------------------------------------------------------

    def action_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        if action not in ACTIONS:
            raise PermissionDenied
        order = get_object_or_404(Order, pk=object_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        label, form_class, run, _ = ACTIONS[action]
        initial = {"amount": order.refundable} if action == "refund" else {}
        form = form_class(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                run(order, form.cleaned_data, request.user)
            except CheckoutError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"{label}: done for order {order.display_number}.")
                return redirect("admin:checkout_order_change", order.pk)
        context = self.admin_site.each_context(request) | {
            "title": f"{label} · order {order.display_number}", "order": order, "form": form,
            "action_label": label, "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/checkout/order/action.html", context)

    def packing_slip_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        order = get_object_or_404(Order.objects.prefetch_related("lines"), pk=object_id)
        if not self.has_view_permission(request, order):
            raise PermissionDenied
        return render(request, "admin/checkout/order/packing_slip.html", {"order": order})

    # --- exports --------------------------------------------------------------

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET or None)
        if request.GET and form.is_valid():
            tz = timezone.get_current_timezone()
            start = datetime.combine(form.cleaned_data["start"], time.min, tzinfo=tz)
            end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=tz)
            queryset = Order.objects.filter(created__gte=start, created__lt=end).order_by("created", "id")
            name = f"orders-{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv"
            return orders_csv(queryset, name)
        context = self.admin_site.each_context(request) | {
            "title": "Export orders to CSV", "form": form, "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/checkout/order/export.html", context)

    # --- bulk actions ---------------------------------------------------------

    def _bulk(self, request, queryset, label: str, run) -> None:
        done, failed = 0, []
        for order in queryset:
            try:
                run(order)
                done += 1
            except CheckoutError as error:
                failed.append(error.message)
        if done:
            self.message_user(request, f"{label}: {done} order(s).", messages.SUCCESS)
        for message in failed[:10]:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="Mark selected orders processing", permissions=["change"])
    def bulk_processing(self, request, queryset):
        self._bulk(request, queryset, "Marked processing",
                   lambda o: order_mark_processing(order=o, actor=request.user))

    @admin.action(description="Mark selected orders delivered", permissions=["change"])
    def bulk_delivered(self, request, queryset):
        self._bulk(request, queryset, "Marked delivered",
                   lambda o: order_mark_delivered(order=o, actor=request.user))

    @admin.action(description="Resend the receipt of selected orders", permissions=["change"])
    def bulk_resend_receipt(self, request, queryset):
        self._bulk(request, queryset, "Receipt queued again",
                   lambda o: receipt_resend(order=o, actor=request.user))

    @admin.action(description="Export selected orders to CSV", permissions=["view"])
    def export_selected(self, request, queryset):
        return orders_csv(queryset.order_by("created", "id"), "orders-selected.csv")

    @admin.action(description="Cancel selected orders (stock returned, payments refunded)", permissions=["change"])
    def bulk_cancel(self, request, queryset):
        if request.POST.get("confirm") == "yes":
            reason = request.POST.get("reason", "")[:500]
            self._bulk(request, queryset, "Cancelled",
                       lambda o: order_cancel_by_staff(order=o, reason=reason, actor=request.user))
            return None
        context = self.admin_site.each_context(request) | {
            "title": "Cancel orders", "orders": queryset, "action": "bulk_cancel", "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/checkout/order/bulk_cancel.html", context)

    @admin.action(description="Ship selected orders…", permissions=["change"])
    def bulk_ship(self, request, queryset):
        if request.POST.get("confirm") == "yes":
            carrier = request.POST.get("carrier", "")[:80]
            url_template = request.POST.get("tracking_url_template", "")[:400]

            def ship(order):
                number = request.POST.get(f"tracking_{order.pk}", "")[:120]
                url = url_template.replace("{number}", number) if url_template and number else ""
                order_ship(order=order, carrier=carrier, tracking_number=number, tracking_url=url,
                                    actor=request.user)

            self._bulk(request, queryset, "Shipped", ship)
            return None
        context = self.admin_site.each_context(request) | {
            "title": "Ship orders", "orders": queryset, "action": "bulk_ship", "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/checkout/order/bulk_ship.html", context)


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "to", "order", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "kind", ("created", admin.DateFieldListFilter)]
    search_fields = ["to", "subject", "order__number"]
    readonly_fields = ["order", "kind", "to", "subject", "status", "attempts", "last_error", "created", "sent_at",
                       "preview", "body_text", "headers"]
    fields = readonly_fields
    actions = ["resend"]
    list_select_related = ["order"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="last error")
    def short_error(self, obj: OutboxEmail) -> str:
        return obj.last_error[:80]

    @admin.display(description="HTML preview")
    def preview(self, obj: OutboxEmail) -> str:
        url = reverse("admin:checkout_outboxemail_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">Open the HTML version</a>', url)

    def get_urls(self):
        return [
            path("<int:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="checkout_outboxemail_preview"),
        ] + super().get_urls()

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        email = get_object_or_404(OutboxEmail, pk=object_id)
        if not self.has_view_permission(request, email):
            raise PermissionDenied
        response = HttpResponse(email.body_html)
        # The stored HTML is our own template's output; still, nothing in it may run.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:"
        return response

    @admin.action(description="Send selected emails again", permissions=["change"])
    def resend(self, request, queryset):
        done = 0
        for email in queryset:
            try:
                email_resend(email=email, actor=request.user)
                done += 1
            except CheckoutError as error:
                self.message_user(request, error.message, messages.ERROR)
        if done:
            self.message_user(request, f"{done} email(s) queued again.", messages.SUCCESS)


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


from checkout import admin_pricing  # noqa: E402, F401  (registers shipping, tax and discount code admin)
