"""The cart: add, change, remove, and a discount code applied or removed, page and htmx partial."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from checkout.cart import cart_for_request
from checkout.errors import CheckoutError
from checkout.forms import AddToCartForm, CartQuantityForm, DiscountCodeForm
from checkout.services import cart as cart_services
from checkout.views.cart_cache import cart_shown
from checkout.views.shopper import (
    CART_LIMITED,
    cart_changes_limited,
    code_of,
    code_set,
    forget_paid_cart,
    quote_for,
    ship_to_known,
)
from core.http import safe_next
from storefront.catalog import featured_products


def _render_cart(request: HttpRequest, *, error: str = "", notice: str = "", code_error: str = "") -> HttpResponse:
    forget_paid_cart(request)
    destination = ship_to_known(request)
    summary = None
    if code_of(request):  # a cart with a code is priced afresh (cart_cache.py); without one, perhaps not
        summary = quote_for(request, destination=destination)
        if summary.code_problem:
            code_error = code_error or f"{summary.code_problem} The code was removed."
            code_set(request, "")
            summary = None
    shown = cart_shown(request, destination=destination, summary=summary, code_error=code_error)
    context = {
        "count": shown.count, "cart_grid": shown.grid, "error": error, "notice": notice,
        # An empty cart suggests where to go next; a full one needs no extra query.
        "featured": [] if shown.count else featured_products(limit=4),
    }
    template = "checkout/cart.html#cart-lines" if request.htmx else "checkout/cart.html"
    return render(request, template, context)


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    return _render_cart(request)


def _limited(htmx_answer: Callable[[HttpRequest], HttpResponse]):
    """Cart changes are limited per client (SHOP_CART_RATE_LIMIT a minute): past it, the friendly 429 page,
    or for htmx the message where this action's answers go (htmx swaps only 2xx answers)."""
    def decorator(view):
        @wraps(view)
        def limited_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not cart_changes_limited(request):
                return view(request, *args, **kwargs)
            if request.htmx:
                return htmx_answer(request)
            return render(request, "429.html", {
                "limit_message": CART_LIMITED, "back_url": safe_next(request, reverse("checkout:cart")),
                "back_label": "Back to the shop" if request.POST.get("next") else "Back to your cart",
            }, status=429)
        return limited_view
    return decorator


def _add_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "includes/add_feedback.html",
                  {"message": CART_LIMITED, "ok": False, "cart_count": cart_for_request(request).count()})


def _cart_limited(request: HttpRequest) -> HttpResponse:
    return _render_cart(request, error=CART_LIMITED)


@require_POST
@_limited(_add_limited)
def cart_add(request: HttpRequest) -> HttpResponse:
    cart = cart_for_request(request)
    form = AddToCartForm(request.POST)
    added = None
    try:
        if not form.is_valid():
            raise CheckoutError(form.first_error())
        added = cart_services.cart_add(
            cart=cart, variant_id=form.cleaned_data["variant"], quantity=form.cleaned_data["quantity"]
        )
        message, ok = added.message, True
    except CheckoutError as error:
        message, ok = error.message, False
    if request.htmx:
        # The feedback beside the button, the badge and (after an add) the cart notification: no quote.
        return render(
            request,
            "includes/add_feedback.html",
            {"message": message, "ok": ok, "cart_count": cart.count(), "added": added},
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
@_limited(_cart_limited)
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
@_limited(_cart_limited)
def cart_remove(request: HttpRequest, variant_id: int) -> HttpResponse:
    notice = cart_services.cart_remove(cart=_own_line(request, variant_id), variant_id=variant_id)
    if request.htmx:
        return _render_cart(request, notice=notice)
    messages.success(request, notice)
    return redirect("checkout:cart")


@require_POST
@_limited(_cart_limited)
def cart_code_apply(request: HttpRequest) -> HttpResponse:
    """"Apply": the code is checked against this cart now; kept in the session when it applies."""
    form = DiscountCodeForm(request.POST)
    notice = error = ""
    if not form.is_valid():
        error = form.first_error()
    else:
        code_set(request, form.cleaned_data["code"])
        summary = quote_for(request, destination=ship_to_known(request))
        if summary.code_problem:
            code_set(request, "")
            error = summary.code_problem
        else:
            notice = f"Discount code {summary.code} applied."
    if request.htmx:
        return _render_cart(request, notice=notice, code_error=error)
    (messages.error if error else messages.success)(request, error or notice)
    return redirect("checkout:cart")


@require_POST
@_limited(_cart_limited)
def cart_code_remove(request: HttpRequest) -> HttpResponse:
    had = code_of(request)
    code_set(request, "")
    notice = f"Discount code {had} removed." if had else "No discount code to remove."
    if request.htmx:
        return _render_cart(request, notice=notice)
    messages.success(request, notice)
    return redirect(safe_next(request, reverse("checkout:cart")))
