"""An order's page behind its secret link, and finding an order by email and order number."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from checkout.forms import TrackOrderForm
from checkout.models import Order, normalize_order_number
from checkout.selectors import order_for_page
from core.http import client_ip, rate_limited


@require_GET
def order_detail(request: HttpRequest, number: str, token: str) -> HttpResponse:
    order = order_for_page(number=number, token=token)
    template = "checkout/order.html#order-status" if request.htmx else "checkout/order.html"
    return render(request, template, {"order": order})


@require_http_methods(["GET", "POST"])
def order_track(request: HttpRequest) -> HttpResponse:
    not_found = "We couldn't find an order with that email and order number. Please check both and try again."
    if request.method == "POST":
        form = TrackOrderForm(request.POST)
        if form.is_valid():
            number = normalize_order_number(form.cleaned_data["number"])
            limit = settings.SHOP_TRACKING_RATE_LIMIT
            if rate_limited(f"track:ip:{client_ip(request)}", limit=limit) | rate_limited(
                f"track:order:{number}", limit=limit
            ):
                return render(request, "429.html", status=429)
            order = Order.objects.filter(number=number).first()
            email = form.cleaned_data["email"].strip().lower()
            if order is not None and hmac.compare_digest(order.email.strip().lower(), email):
                return redirect(order.get_absolute_url())
            form.add_error(None, not_found)
    else:
        form = TrackOrderForm()
    return render(request, "checkout/track.html", {"form": form})
