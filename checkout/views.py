import hmac
import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checkout.cart import cart_for_request, cart_summary
from checkout.errors import CheckoutError
from checkout.forms import AddToCartForm, CartQuantityForm, CheckoutForm, TrackOrderForm
from checkout.gateways import demo as demo_gateway
from checkout.gateways import stripe as stripe_gateway
from checkout.hooks import checkout_prefill, order_placed
from checkout.models import Order, Payment, normalize_order_number
from checkout.selectors import checkout_token_pending, order_for_page
from checkout.services import cart as cart_services
from checkout.services.orders import order_place
from checkout.services.payments import (
    demo_payment_complete,
    order_cancel_by_shopper,
    order_confirm_return,
    payment_start,
)
from checkout.services.webhooks import webhook_event_process
from core.http import client_ip, rate_limited, safe_next

logger = logging.getLogger(__name__)

PENDING_ORDER_KEY = "pending_order"
PAYMENT_CANCELLED = "Payment cancelled. Nothing was charged, and your cart is as you left it."


def _render_cart(request: HttpRequest, *, error: str = "", notice: str = "") -> HttpResponse:
    cart = cart_for_request(request)
    _forget_paid_cart(request)
    context = {"summary": cart_summary(cart), "error": error, "notice": notice}
    template = "checkout/cart.html#cart-lines" if request.htmx else "checkout/cart.html"
    return render(request, template, context)


def _forget_paid_cart(request: HttpRequest) -> None:
    """Once the order placed from this browser is paid, its cart is emptied."""
    number = request.session.get(PENDING_ORDER_KEY)
    if number and cart_services.cart_settle_pending_order(cart=cart_for_request(request), number=number):
        del request.session[PENDING_ORDER_KEY]


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    return _render_cart(request)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    cart = cart_for_request(request)
    form = AddToCartForm(request.POST)
    try:
        if not form.is_valid():
            raise CheckoutError(form.first_error())
        message, ok = cart_services.cart_add(
            cart=cart, variant_id=form.cleaned_data["variant"], quantity=form.cleaned_data["quantity"]
        ), True
    except CheckoutError as error:
        message, ok = error.message, False
    if request.htmx:
        return render(
            request,
            "includes/add_feedback.html",
            {"message": message, "ok": ok, "cart_count": cart.count()},
        )
    (messages.success if ok else messages.error)(request, message)
    return HttpResponseRedirect(safe_next(request, reverse("checkout:cart")))


def _own_line(request: HttpRequest, variant_id: int):
    """A line of this shopper's own cart; anything else (another shopper's, a stale id) is 404."""
    cart = cart_for_request(request)
    if not cart.quantity_of(variant_id):
        raise Http404("No such line in your cart.")
    return cart


@require_POST
def cart_update(request: HttpRequest, variant_id: int) -> HttpResponse:
    cart = _own_line(request, variant_id)
    try:
        form = CartQuantityForm(request.POST)
        if not form.is_valid():
            raise CheckoutError(form.first_error())
        notice = cart_services.cart_update(cart=cart, variant_id=variant_id, quantity=form.cleaned_data["quantity"])
        error = ""
    except CheckoutError as exc:
        notice, error = "", exc.message
    if request.htmx:
        return _render_cart(request, error=error, notice=notice)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("checkout:cart")


@require_POST
def cart_remove(request: HttpRequest, variant_id: int) -> HttpResponse:
    notice = cart_services.cart_remove(cart=_own_line(request, variant_id), variant_id=variant_id)
    if request.htmx:
        return _render_cart(request, notice=notice)
    messages.success(request, notice)
    return redirect("checkout:cart")


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_for_request(request)
    _forget_paid_cart(request)
    summary = cart_summary(cart)
    if not summary.lines:
        messages.info(request, "Your cart is empty.")
        return redirect("checkout:cart")
    if not summary.can_checkout:
        messages.error(request, "Some items in your cart need your attention before checkout.")
        return redirect("checkout:cart")
    error = ""
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            try:
                order = order_place(
                    cart=cart,
                    details=form.details(),
                    checkout_token=form.cleaned_data["checkout_token"],
                    user=request.user,
                )
                request.session[PENDING_ORDER_KEY] = order.number
                order_placed.send(
                    sender=Order, order=order, user=request.user, address=form.address(),
                    save_address=form.cleaned_data["save_address"],
                )
                url = payment_start(
                    order=order,
                    success_url=request.build_absolute_uri(reverse("checkout:success"))
                    + "?session_id={CHECKOUT_SESSION_ID}",
                    cancel_url=request.build_absolute_uri(
                        reverse("checkout:cancel", kwargs={"number": order.number, "token": order.access_token})
                    ),
                )
                return HttpResponseRedirect(url, status=303)
            except CheckoutError as exc:
                error = exc.message
                if not checkout_token_pending(token=form.cleaned_data["checkout_token"]):
                    # Nothing was created: the next try is a new attempt with a fresh token.
                    form = CheckoutForm(data={**request.POST.dict(), "checkout_token": uuid.uuid4().hex})
                    form.is_valid()
    else:
        initial = {"checkout_token": uuid.uuid4().hex}
        if request.user.is_authenticated:
            for _, values in checkout_prefill.send(sender=CheckoutForm, user=request.user):
                initial |= values or {}
        form = CheckoutForm(initial=initial)
    return render(
        request,
        "checkout/checkout.html",
        {"form": form, "summary": summary, "error": error, "hold_minutes": settings.SHOP_HOLD_MINUTES},
    )


@require_GET
def checkout_success(request: HttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")[:255]
    order = order_confirm_return(session_id=session_id) if session_id else None
    if order is None:
        raise Http404("No such checkout.")
    _forget_paid_cart(request)
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
    _forget_paid_cart(request)
    return render(request, "checkout/success.html", {"order": payment.order})


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


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events, verified by signature. The only CSRF-exempt view."""
    try:
        event = stripe_gateway.webhook_event_construct(request.body, request.headers.get("Stripe-Signature"))
    except Exception as exc:  # ValueError (bad JSON) or SignatureVerificationError
        logger.warning("Refused a webhook: %s", exc)
        return HttpResponse("Invalid signature or payload.", status=400, content_type="text/plain")
    event_data = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    try:
        result = webhook_event_process(event=event_data)
    except OperationalError as exc:  # a lock wait timed out, or the database blinked
        logger.warning("Webhook %s (%s) deferred: %s", event_data.get("id"), event_data.get("type"), exc)
        response = HttpResponse("Busy; please retry.", status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response
    except Exception:
        logger.exception("Webhook %s (%s) failed; Stripe will retry", event_data.get("id"), event_data.get("type"))
        return HttpResponse("Temporary failure; please retry.", status=500, content_type="text/plain")
    return HttpResponse(result, status=200, content_type="text/plain")
