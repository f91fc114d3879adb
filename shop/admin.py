"""The admin index becomes the staff dashboard (the project may read every app)."""

from functools import wraps

from django.contrib import admin

from checkout.admin import dashboard_figures
from storefront.stock import low_stock_summary


def _with_dashboard(index):
    @wraps(index)
    def view(request, extra_context=None):
        figures = dashboard_figures() | low_stock_summary()
        return index(request, extra_context=(extra_context or {}) | {"dashboard": figures})

    return view


admin.site.index = _with_dashboard(admin.site.index)
