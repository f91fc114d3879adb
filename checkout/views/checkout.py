"""Checkout: the shopper's details, the shipping method and the totals, then off to pay; and the
pages a payment returns to (success, cancel, and the demo payment page)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from checkout.cart import cart_for_request
from checkout.errors import CheckoutError
from checkout.forms import CheckoutForm
from checkout.gateways import demo as demo_gateway
from checkout.hooks import checkout_prefill, order_placed
from checkout.models import Order, Payment
from checkout.pricing import Destination, quote_figures
from checkout.selectors import checkout_token_pending, order_for_page
from checkout.services.placing import order_place_for_cart
from checkout.services.payments import (
    demo_payment_complete,
    order_cancel_by_shopper,
    order_confirm_return,
    payment_start,
)
from checkout.views.shopper import (
    ORDERS_LIMITED,
    PENDING_ORDER_KEY,
    cart_pending_orders,
    code_of,
    code_set,
    forget_paid_cart,
    orders_limited,
    quote_for,
    ship_to_known,
    ship_to_remember,
)

PAYMENT_CANCELLED = "Payment cancelled. Nothing was charged, and your cart is as you left it."
ALREADY_PAID = "Your earlier payment for this cart has just come through: here is your order. Nothing new was placed."
# What changed when the page asks for fresh totals: the country (new states, methods and totals),
# the state (new methods and totals) or the shipping method (new totals).
REFRESH_REGIONS = {"country": ["state-field", "postal-code-field", "shipping-methods", "checkout-summary"],
                   "state": ["shipping-methods", "checkout-summary"],
                   "method": ["checkout-summary"]}


def _initial(request: HttpRequest) -> dict:
    initial = {"checkout_token": uuid.uuid4().hex}
    if request.user.is_authenticated:
        for _, values in checkout_prefill.send(sender=CheckoutForm, user=request.user):
            initial |= values or {}
    known = ship_to_known(request)
    if known is not None and "country" not in initial:
        initial |= {"country": known.country, "state": known.state}
    return initial


def _method_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    forget_paid_cart(request)
    refresh = request.POST.get("refresh", "") if request.method == "POST" else ""
    if request.method == "POST" and not refresh:
        form = CheckoutForm(request.POST)
        values = request.POST
    else:
        # A refresh re-renders what the shopper typed without judging it yet (a state of another country dropped).
        form = CheckoutForm.refreshed(request.POST) if refresh else CheckoutForm(initial=_initial(request))
        values = form.initial
    destination = Destination((values.get("country") or form.fields["country"].initial or "").upper(),
                              (values.get("state") or "").upper())
    email = values.get("email") or ""
    summary = quote_for(request, destination=destination, shipping_method_id=_method_id(values.get("shipping_method")),
                        email=email)
    if not summary.lines:
        messages.info(request, "Your cart is empty.")
        return redirect("checkout:cart")
    if not summary.can_checkout:
        messages.error(request, "Some items in your cart need your attention before checkout.")
        return redirect("checkout:cart")
    error, status = "", 200
    if code_of(request) and summary.code_problem:
        error = f"{summary.code_problem} The code was removed."
        code_set(request, "")
        summary = quote_for(request, destination=destination,
                            shipping_method_id=_method_id(values.get("shipping_method")), email=email)
    ship_to_remember(request, destination)
    form.offer_shipping(summary.shipping_options, chosen=summary.shipping_option)
    if request.method == "POST" and not refresh and not error and form.is_valid():
        if summary.shipping_problem:
            error = summary.shipping_problem
        elif orders_limited(request):
            error, status = ORDERS_LIMITED, 429
        else:
            try:
                return _place_and_pay(request, form)
            except CheckoutError as exc:
                error = exc.message
                if not checkout_token_pending(token=form.cleaned_data["checkout_token"]):
                    # Nothing was created: the next try is a new attempt with a fresh token.
                    form = CheckoutForm(data={**request.POST.dict(), "checkout_token": uuid.uuid4().hex})
                    form.offer_shipping(summary.shipping_options, chosen=summary.shipping_option)
                    form.is_valid()
    context = {"form": form, "summary": summary, "figures": quote_figures(summary), "error": error,
               "hold_minutes": settings.SHOP_HOLD_MINUTES}
    if refresh in REFRESH_REGIONS and request.htmx:
        first, *others = REFRESH_REGIONS[refresh]
        html = render_to_string(f"checkout/checkout.html#{first}", context, request=request)
        html += "".join(render_to_string(f"checkout/checkout.html#{name}", context | {"oob": True}, request=request)
                        for name in others)
        return HttpResponse(html)
    return render(request, "checkout/checkout.html", context, status=status)


def _place_and_pay(request: HttpRequest, form: CheckoutForm) -> HttpResponse:
    order = order_place_for_cart(
        cart=cart_for_request(request),
        details=form.details(code=code_of(request)),
        checkout_token=form.cleaned_data["checkout_token"],
        user=request.user,
        earlier=cart_pending_orders(request),
    )
    request.session[PENDING_ORDER_KEY] = order.number
    if order.status != Order.Status.PENDING_PAYMENT:  # the cart's earlier order was paid meanwhile
        forget_paid_cart(request)
        messages.info(request, ALREADY_PAID)
        return redirect(order.get_absolute_url())
    order_placed.send(
        sender=Order, order=order, user=request.user, address=form.address(),
        save_address=form.cleaned_data["save_address"],
    )
    url = payment_start(
        order=order,
        success_url=request.build_absolute_uri(reverse("checkout:success")) + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=request.build_absolute_uri(
            reverse("checkout:cancel", kwargs={"number": order.number, "token": order.access_token})
        ),
    )
    return HttpResponseRedirect(url, status=303)


@require_GET
def checkout_success(request: HttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")[:255]
    order = order_confirm_return(session_id=session_id) if session_id else None
    if order is None:
        raise Http404("No such checkout.")
    forget_paid_cart(request)
    return render(request, "checkout/success.html", {"order": order})


@require_GET
def checkout_cancel(request: HttpRequest, number: str, token: str) -> HttpResponse:
    order = order_for_page(number=number, token=token)
    try:
        order = order_cancel_by_shopper(order=order)
    except CheckoutError as exc:
        messages.error(request, exc.message)
        return redirect("checkout:cart")
    if order.status == Order.Status.PAID:
        return redirect(order.get_absolute_url())
    messages.info(request, PAYMENT_CANCELLED)
    return redirect("checkout:cart")


def _demo_payment(session_id: str) -> Payment:
    """The demo payment behind the page; 404 whenever demo payments are off (debug off or a key set)."""
    if not demo_gateway.enabled():
        raise Http404("Demo payments are off.")
    payment = Payment.objects.select_related("order").filter(
        session_id=session_id, provider=Payment.Provider.DEMO
    ).first()
    if payment is None:
        raise Http404("No such payment.")
    return payment


@require_http_methods(["GET", "POST"])
def demo_pay(request: HttpRequest, session_id: str) -> HttpResponse:
    """Stands in for Stripe Checkout when no key is set, in debug only."""
    payment = _demo_payment(session_id)
    if request.method == "POST":
        if request.POST.get("action") == "pay":
            demo_payment_complete(session_id=session_id, pay=True)
            return redirect("checkout:success_demo", session_id=session_id)
        demo_payment_complete(session_id=session_id, pay=False)
        messages.info(request, PAYMENT_CANCELLED)
        return redirect("checkout:cart")
    return render(request, "checkout/demo_pay.html", {"order": payment.order, "payment": payment})


@require_GET
def demo_success(request: HttpRequest, session_id: str) -> HttpResponse:
    payment = _demo_payment(session_id)
    forget_paid_cart(request)
    return render(request, "checkout/success.html", {"order": payment.order})
