"""The admin index becomes the staff dashboard (the project may read every app)."""

from functools import wraps

from django.contrib import admin

from checkout.admin import dashboard_figures


def _with_dashboard(index):
    @wraps(index)
    def view(request, extra_context=None):
        figures = dashboard_figures()
        try:
            from storefront.selectors import low_stock_summary
        except ImportError:  # the catalog may not offer it
            low_stock_summary = None
        if low_stock_summary is not None:
            figures |= low_stock_summary()
        return index(request, extra_context=(extra_context or {}) | {"dashboard": figures})

    return view


admin.site.index = _with_dashboard(admin.site.index)
