import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from core.htmx import is_fragment_request
from core.http import absolute_url, client_ip, rate_limited, safe_next
from core.pagecache import cached_for_catalog, no_query, page_shows, shared_page
from core.slots import EMAIL_PLACEHOLDER, sharing
from storefront import alerts  # the module; two of its services share their names with views below
from storefront import wishlist as wishlist_services  # the module; `wishlist` is a view below
from storefront.catalog import category_tree, home_products
from storefront.errors import StorefrontError
from storefront.filters import SORTS, CatalogFilterForm, catalog_query, search_query, suggest_query
from storefront.listing import product_listing
from storefront.models import Page, Product
from storefront.pages import page_blocks
from storefront.product_page import product_page, product_query
from storefront.reviews import ReviewData, review_save
from storefront.search import no_results_help, search_suggestions
from storefront.selectors import review_of, user_can_review, wishlist_ids, wishlist_products

LISTING_SORTS = [(k, v) for k, v in SORTS.items() if k != "relevance"]


def _listing_context(request: HttpRequest, listing, *, path: str) -> dict:
    filters = listing.filters

    def url(**changes) -> str:
        params = filters.params(**({"page": ""} | changes))
        return f"{path}?{urlencode(params)}" if params else path

    for facet in listing.category_facets:
        facet.params = {"href": url(category="" if facet.selected else facet.value)}
    for facet in listing.rating_facets:
        facet.params = {"href": url(rating="" if facet.selected else facet.value)}
    next_params = filters.params(page=listing.next_page)
    page_shows(request, (item.pk for item in listing.products))
    return {
        "listing": listing,
        "filters": filters,
        "wishlisted": wishlist_ids(request.user),
        "next_url": f"{path}?{urlencode(next_params)}",
        "clear_url": url(category="", min_price="", max_price="", in_stock="", rating=""),
        "in_stock_url": url(in_stock="" if filters.in_stock else "1"),
    }


@shared_page(query=no_query)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = home_products() | {
        "wishlisted": wishlist_ids(request.user),
        "canonical": absolute_url("/"),
    }
    page_shows(request, (item.pk for item in context["featured"] + context["newest"]))
    return render(request, "storefront/home.html", context)


@shared_page(query=catalog_query)
@require_GET
@vary_on_headers("HX-Request")
def category(request: HttpRequest, slug: str) -> HttpResponse:
    tree = category_tree()
    current = tree.by_slug(slug)
    if current is None:
        raise Http404("No such category.")
    filters = CatalogFilterForm(request.GET).filters  # a category page does not search; the search page does
    listing = product_listing(filters=filters, scope=current, append=is_fragment_request(request) and
                              request.GET.get("more") == "1")
    path = current.url
    context = _listing_context(request, listing, path=path) | {
        "category": current,
        "breadcrumbs": tree.ancestors(current.id)[:-1],
        "subcategories": tree.children_of(current.id),
        "sorts": LISTING_SORTS,
        "path": path,
        "canonical": absolute_url(path),
    }
    return _render_listing(request, "storefront/category.html", context)


def _render_listing(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = _render_listing_page(request, template, context)
    listing, filters = context.get("listing"), context["filters"]
    if (listing is not None and listing.past_the_end) or filters.price_min is not None or filters.price_max is not None:
        # Not for the page cache: a typed price range is one shopper's own and has no end of
        # values, and every page number past the end is the same empty list.
        patch_cache_control(response, private=True)
    return response


def _render_listing_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    if is_fragment_request(request) and "listing" in context:
        if request.GET.get("more") == "1":  # "Load more": the link pushes its own URL
            return render(request, f"{template}#product-page", context)
        params = context["filters"].params()
        return push_url(render(request, f"{template}#results", context),
                        f"{context['path']}?{urlencode(params)}" if params else context["path"])
    return render(request, template, context)


@shared_page(query=search_query)
@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    filters = CatalogFilterForm(request.GET, search=True).filters
    listing = None
    if filters.query:
        listing = product_listing(filters=filters, append=is_fragment_request(request) and
                                  request.GET.get("more") == "1")
    path = reverse("storefront:search")
    context = {
        "query": filters.query,
        "filters": filters,
        "sorts": list(SORTS.items()),
        "path": path,
        "canonical": absolute_url(f"{path}?{urlencode({'q': filters.query})}" if filters.query else path),
        "noindex": True,
    }
    if listing is not None:
        context |= _listing_context(request, listing, path=path)
        if not listing.total and not filters.active:
            # Nothing to filter: other spellings, popular products and the categories instead.
            context["no_results"] = help_ = no_results_help(query=filters.query)
            page_shows(request, (item.pk for item in help_.popular))
    return _render_listing(request, "storefront/search.html", context)


@shared_page(query=suggest_query)
@require_GET
@vary_on_headers("HX-Request")
def suggest(request: HttpRequest) -> HttpResponse:
    query = CatalogFilterForm(request.GET, search=True).filters.query
    if not is_fragment_request(request):  # without JavaScript the full results page is the answer
        return redirect(f"{reverse('storefront:search')}?{urlencode({'q': query})}")
    # The same for every shopper: cached per query and catalog version, also for shoppers with a session.
    html = cached_for_catalog(f"suggest:{query}", lambda: render_to_string(
        "includes/suggestions.html", {"query": query, "suggestions": search_suggestions(query=query)},
    ))
    return HttpResponse(html)


@shared_page(query=product_query)
@require_GET
@vary_on_headers("HX-Request")
def product(request: HttpRequest, slug: str) -> HttpResponse:
    page = product_page(
        slug=slug, params=request.GET, user=request.user, htmx=bool(request.htmx),
        trigger=request.htmx.trigger_name if request.htmx else "", full=not is_fragment_request(request),
    )
    if page is None:
        raise Http404("No such product.")
    if page.redirect_to:
        return redirect(page.redirect_to)
    page_shows(request, [page.product.pk, *(item.pk for item in page.related)])
    context = page.context() | {
        # On a page shared between signed-in shoppers, each one's own address is filled in by the page cache.
        "alert_email": (EMAIL_PLACEHOLDER if sharing(request) else request.user.email)
        if request.user.is_authenticated else "",
    }
    if is_fragment_request(request):
        response = push_url(render(request, "storefront/product.html#variant-update", context), page.variant_url)
    else:
        response = render(request, "storefront/product.html", context)
    if not page.shareable(request.GET.dict()):
        # Not one of the product's shareable addresses: option values (htmx's variant panel, which
        # also depends on the HX-Trigger-Name header) or a ?variant= or ?image= this product does not have.
        patch_cache_control(response, private=True)
    return response


# --------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def review(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Product.objects.visible(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{item.get_absolute_url()}#reviews")
    existing = review_of(user=request.user, product=item)
    can_review = user_can_review(user=request.user, product_id=item.pk)
    error = ""
    values = {"rating": existing.rating if existing else 0, "title": existing.title if existing else "",
              "body": existing.body if existing else ""}
    if request.method == "POST":
        try:
            rating = int(request.POST.get("rating") or 0)
        except ValueError:
            rating = 0
        values = {"rating": rating, "title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        try:
            review_save(user=request.user, product=item, data=ReviewData(**values))
        except StorefrontError as exc:
            error = exc.message
        else:
            messages.success(request, "Thank you: your review is published." if not existing
                             else "Your review is updated.")
            target = f"{item.get_absolute_url()}#reviews"
            if request.htmx:
                return HttpResponseClientRedirect(target)
            return redirect(target)
    context = {"product": item, "existing": existing, "can_review": can_review, "error": error, "values": values,
               "stars": [5, 4, 3, 2, 1], "noindex": True}
    template = "storefront/review_form.html#review-form" if is_fragment_request(request) else "storefront/review_form.html"
    # htmx swaps only 2xx answers: an invalid review shown in place is a 200; without JS, a 400 page.
    return render(request, template, context, status=400 if error and not request.htmx else 200)


# --------------------------------------------------------------------------
# Wishlist
# --------------------------------------------------------------------------


@login_required
@require_GET
def wishlist(request: HttpRequest) -> HttpResponse:
    products = wishlist_products(request.user)
    return render(request, "storefront/wishlist.html", {
        "products": products, "wishlisted": {p.pk for p in products}, "noindex": True,
    })


@require_POST
def wishlist_toggle(request: HttpRequest, product_id: int) -> HttpResponse:
    item = get_object_or_404(Product.objects.visible(), pk=product_id)
    back = safe_next(request, item.get_absolute_url())
    if not request.user.is_authenticated:
        wishlist_services.wishlist_remember_for_guest(session=request.session, product_id=item.pk)
        messages.info(request, f"Sign in to save {item.name} to your wishlist. We will add it as soon as you have.")
        login = f"{reverse('account_login')}?{urlencode({'next': back})}"
        if request.htmx:
            return HttpResponseClientRedirect(login)
        return HttpResponseRedirect(login)
    try:
        saved = wishlist_services.wishlist_toggle(user=request.user, product_id=item.pk)
    except StorefrontError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if request.htmx:
        return render(request, "includes/wishlist_button.html", {
            "product": item, "saved": saved, "next": back, "announce": True,
        })
    messages.success(request, f"Saved {item.name} to your wishlist." if saved
                     else f"Removed {item.name} from your wishlist.")
    return redirect(back)


# --------------------------------------------------------------------------
# Back in stock
# --------------------------------------------------------------------------


STOCK_ALERT_LIMIT_PER_IP = 5  # sign-ups a minute from one client
STOCK_ALERT_LIMIT_PER_ADDRESS = 5  # sign-ups an hour for one address (each may send it a confirmation)
STOCK_ALERT_LIMITED = "You have asked for several alerts just now. Please wait a little and try again."


def _stock_alert_limited(request: HttpRequest, email: str) -> bool:
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]  # no addresses in the cache
    return rate_limited(f"stock-alert:ip:{client_ip(request)}", limit=STOCK_ALERT_LIMIT_PER_IP) | rate_limited(
        f"stock-alert:email:{address}", limit=STOCK_ALERT_LIMIT_PER_ADDRESS, window=60 * 60
    )


@require_POST
def stock_alert(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Product.objects.visible(), slug=slug)
    try:
        variant_id = int(request.POST.get("variant") or 0)
    except ValueError:
        variant_id = 0
    if not item.variants.filter(pk=variant_id).exists():
        variant_id = 0
    email = request.POST.get("email", "")
    back = f"{item.get_absolute_url()}?variant={variant_id}" if variant_id else item.get_absolute_url()
    if _stock_alert_limited(request, email):
        if request.htmx:  # htmx swaps only 2xx answers; the message goes where the others go
            return render(request, "storefront/product.html#stock-alert-feedback",
                          {"message": STOCK_ALERT_LIMITED, "ok": False})
        return render(request, "429.html", {"limit_message": STOCK_ALERT_LIMITED, "back_url": back,
                                            "back_label": f"Back to {item.name}"}, status=429)
    shown = email.strip().lower()
    try:
        if not variant_id:
            raise StorefrontError("Please choose an option first.")
        if alerts.stock_alert_subscribe(variant_id=variant_id, email=email, user=request.user):
            message = f"Thanks! We will email {shown} once when it is back."
        else:
            message = f"Almost done: we sent a link to {shown}. Confirm it and we will email you once when it is back."
        ok = True
    except StorefrontError as exc:
        message, ok = exc.message, False
    if request.htmx:
        return render(request, "storefront/product.html#stock-alert-feedback", {"message": message, "ok": ok},
                      status=200)
    (messages.success if ok else messages.error)(request, message)
    return redirect(back)


def _stock_alert_page(request: HttpRequest, *, action: str, alert, error: str = "") -> HttpResponse:
    if error:
        return render(request, "storefront/stock_alert.html", {"error": error}, status=400)
    done = alert is None if action == "unsubscribe" else alert.confirmed_at is not None
    return render(request, "storefront/stock_alert.html", {
        "action": action, "done": done, "alert": alert, "product": alert.variant.product if alert else None,
    })


@require_http_methods(["GET", "POST"])
def stock_alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email. GET shows a button and changes nothing (mail scanners
    follow links); the shopper's POST confirms."""
    try:
        if request.method == "POST":
            alert = alerts.stock_alert_confirm(token=token)
        else:
            alert = alerts.stock_alert_for_link(token=token, purpose="confirm")
            if alert is None:
                raise StorefrontError(alerts.ALERT_GONE)
    except StorefrontError as exc:
        return _stock_alert_page(request, action="confirm", alert=None, error=exc.message)
    return _stock_alert_page(request, action="confirm", alert=alert)


@csrf_exempt  # RFC 8058 one-click: the mail provider POSTs without a form; the signed link is the key
@require_http_methods(["GET", "POST"])
def stock_alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link in every alert email. GET shows a button; POST (or the one-click header) does it."""
    try:
        if request.method == "POST":
            alerts.stock_alert_unsubscribe(token=token)
            alert = None
        else:
            alert = alerts.stock_alert_for_link(token=token, purpose="unsubscribe")
    except StorefrontError as exc:
        return _stock_alert_page(request, action="unsubscribe", alert=None, error=exc.message)
    return _stock_alert_page(request, action="unsubscribe", alert=alert)


# --------------------------------------------------------------------------
# robots.txt
# --------------------------------------------------------------------------


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /checkout/",
        "Disallow: /accounts/",
        "Disallow: /orders/",
        "Disallow: /wishlist/",
        "Disallow: /search/suggest/",
        "Allow: /",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """A policy page staff write in the admin. Not in the page cache: an edit shows on the next request."""
    policy = get_object_or_404(Page, slug=slug)
    return render(request, "storefront/page.html", {
        "page": policy, "blocks": page_blocks(policy.body), "canonical": absolute_url(policy.get_absolute_url()),
    })
