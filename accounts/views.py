from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import AddressForm, DeleteAccountForm, ProfileForm
from accounts.models import Address
from accounts.selectors import user_orders
from checkout.models import normalize_order_number


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(user_orders(user=request.user), 10).get_page(request.GET.get("page"))
    return render(request, "account/orders.html", {"page": page})


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    # Another user's order answers 404, exactly like one that does not exist.
    order = user_orders(user=request.user).filter(number=normalize_order_number(number)).first()
    if order is None:
        raise Http404("No such order.")
    template = "checkout/order.html#order-status" if request.htmx else "checkout/order.html"
    return render(request, template, {"order": order})


def _own_address(request: HttpRequest, pk: int) -> Address:
    return get_object_or_404(Address, pk=pk, user=request.user)


@login_required
@require_GET
def address_list(request: HttpRequest) -> HttpResponse:
    return render(request, "account/addresses.html", {"addresses": request.user.addresses.all()})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    address = _own_address(request, pk) if pk is not None else None
    if request.method == "POST" and "refresh" in request.POST:
        # The country changed: the form again with that country's states, nothing saved.
        form = AddressForm.refreshed(request.POST)
        if request.htmx:
            return render(request, "account/address_form.html#state-field", {"form": form, "refresh": True})
    elif request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            services.address_save(
                user=request.user, data=form.address(), address=address,
                make_default=form.cleaned_data["make_default"],
            )
            messages.success(request, "Address saved.")
            return redirect("accounts:addresses")
    else:
        form = AddressForm.for_address(address) if address else AddressForm()
    return render(request, "account/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.address_delete(user=request.user, address=_own_address(request, pk))
    messages.success(request, "Address deleted.")
    return redirect("accounts:addresses")


@login_required
@require_POST
def address_default(request: HttpRequest, pk: int) -> HttpResponse:
    services.address_set_default(user=request.user, address=_own_address(request, pk))
    messages.success(request, "Default address updated.")
    return redirect("accounts:addresses")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"full_name": request.user.full_name, "phone": request.user.phone})
    return render(request, "account/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, "Your account was deleted. Your past orders stay in our books without your contact details.")
        return redirect("storefront:home")
    return render(request, "account/delete.html", {"form": form})
