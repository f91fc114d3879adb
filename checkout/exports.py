"""Staff exports of orders."""

import csv

from django.db.models import Sum
from django.http import StreamingHttpResponse

CSV_FIELDS = ["number", "created", "paid_at", "status", "payment_state", "email", "full_name", "country", "state",
              "currency", "subtotal", "discount_code", "discount", "shipping_method", "shipping", "tax", "tax_included",
              "total", "amount_paid", "amount_refunded", "items", "shipped_at", "carrier", "tracking_number"]

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell a spreadsheet shows as text: shopper-typed text starting like a formula gets a leading `'`.

    Only text is touched: the amounts, counts and dates the shop writes itself stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def orders_csv(queryset, filename: str) -> StreamingHttpResponse:
    """Orders as a CSV download, streamed in chunks (a year of orders never sits in memory)."""
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_FIELDS)
        for order in queryset.annotate(units=Sum("lines__quantity")).iterator(chunk_size=500):
            yield writer.writerow([csv_cell(value) for value in (
                order.display_number, order.created.isoformat(), order.paid_at.isoformat() if order.paid_at else "",
                order.status, order.payment_state, order.email, order.full_name, order.country, order.state,
                order.currency.upper(), order.subtotal, order.discount_code_text, order.discount_total,
                order.shipping_method_name, order.shipping_total, order.tax_total,
                "yes" if order.tax_included else "no", order.total, order.amount_paid, order.amount_refunded,
                order.units or 0, order.shipped_at.isoformat() if order.shipped_at else "",
                order.carrier, order.tracking_number,
            )])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
