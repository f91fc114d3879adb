"""The admin index as the staff dashboard: sales, orders to ship, emails and stock that need
someone (the project layer may read every app)."""

from datetime import timedelta
from functools import wraps

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from checkout.models import Order, OutboxEmail
from storefront.stock import low_stock_summary

S = Order.Status


def dashboard_figures() -> dict:
    """What staff see first: sales, orders to ship, failed emails (the low-stock list is added by storefront)."""
    now = timezone.localtime()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = today - timedelta(days=today.weekday())
    paid = Order.objects.exclude(payment_state=Order.PaymentState.UNPAID)

    def sales(since):
        row = paid.filter(paid_at__gte=since).aggregate(
            orders=Count("id"), gross=Sum("amount_paid"), refunded=Sum("amount_refunded")
        )
        return {"orders": row["orders"], "net": (row["gross"] or 0) - (row["refunded"] or 0)}

    changelist = reverse("admin:checkout_order_changelist")
    return {
        "sales_today": sales(today),
        "sales_week": sales(week),
        "to_ship": Order.objects.filter(status__in=[S.PAID, S.PROCESSING]).count(),
        "to_ship_url": f"{changelist}?todo=ship",
        "waiting_stock": Order.objects.filter(status=S.PAID_OUT_OF_STOCK).count(),
        "waiting_stock_url": f"{changelist}?todo=stock",
        "needs_review": Order.objects.filter(needs_review=True).count(),
        "needs_review_url": f"{changelist}?todo=review",
        "failed_emails": OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count(),
        "failed_emails_url": f"{reverse('admin:checkout_outboxemail_changelist')}?status__exact=failed",
        "today_url": f"{changelist}?created__gte={today.date().isoformat()}",
        "week_url": f"{changelist}?created__gte={week.date().isoformat()}",
        "pending_emails": OutboxEmail.objects.filter(
            Q(status=OutboxEmail.Status.QUEUED) | Q(status=OutboxEmail.Status.SENDING)
        ).count(),
    }


def _with_dashboard(index):
    @wraps(index)
    def view(request, extra_context=None):
        figures = dashboard_figures() | low_stock_summary()
        return index(request, extra_context=(extra_context or {}) | {"dashboard": figures})

    return view


admin.site.index = _with_dashboard(admin.site.index)
