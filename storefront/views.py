import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from core.htmx import is_fragment_request
from core.http import absolute_url, safe_next
from core.pagecache import cached_for_catalog, shared_page
from storefront import selectors, services
from storefront.models import Product, Review
from storefront.selectors import SORTS, CatalogFilters
from storefront.errors import StorefrontError
from storefront.services import ReviewData

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
    return {
        "listing": listing,
        "filters": filters,
        "wishlisted": selectors.wishlist_ids(request.user),
        "next_url": f"{path}?{urlencode(next_params)}",
        "clear_url": url(category="", min_price="", max_price="", in_stock="", rating=""),
        "in_stock_url": url(in_stock="" if filters.in_stock else "1"),
    }


@shared_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = selectors.home_products() | {
        "wishlisted": selectors.wishlist_ids(request.user),
        "canonical": absolute_url("/"),
    }
    return render(request, "storefront/home.html", context)


@shared_page
@require_GET
@vary_on_headers("HX-Request")
def category(request: HttpRequest, slug: str) -> HttpResponse:
    tree = selectors.category_tree()
    current = tree.by_slug(slug)
    if current is None:
        raise Http404("No such category.")
    filters = CatalogFilters.from_query(request.GET)
    filters.query = ""  # a category page does not search; the search page does
    listing = selectors.product_listing(filters=filters, scope=current, append=is_fragment_request(request) and
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
    if is_fragment_request(request) and "listing" in context:
        if request.GET.get("more") == "1":  # "Load more": the link pushes its own URL
            return render(request, f"{template}#product-page", context)
        params = context["filters"].params()
        return push_url(render(request, f"{template}#results", context),
                        f"{context['path']}?{urlencode(params)}" if params else context["path"])
    return render(request, template, context)


@shared_page
@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    filters = CatalogFilters.from_query(request.GET, search=True)
    listing = None
    if filters.query:
        listing = selectors.product_listing(filters=filters, append=is_fragment_request(request) and
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
    return _render_listing(request, "storefront/search.html", context)


@shared_page
@require_GET
@vary_on_headers("HX-Request")
def suggest(request: HttpRequest) -> HttpResponse:
    query = " ".join((request.GET.get("q") or "").split())[:100]
    if not is_fragment_request(request):  # without JavaScript the full results page is the answer
        return redirect(f"{reverse('storefront:search')}?{urlencode({'q': query})}")
    # The same for every shopper: cached per query and catalog version, also for shoppers with a session.
    html = cached_for_catalog(f"suggest:{query}", lambda: render_to_string(
        "includes/suggestions.html", {"query": query, "suggestions": selectors.search_suggestions(query=query)},
    ))
    return HttpResponse(html)


@shared_page
@require_GET
@vary_on_headers("HX-Request")
def product(request: HttpRequest, slug: str) -> HttpResponse:
    item = selectors.product_for_page(slug=slug)
    if item is None:
        raise Http404("No such product.")
    variants = list(item.variants.all())
    if not variants:
        raise Http404("No such product.")

    chosen = None
    requested = request.GET.get("variant")
    if requested:
        chosen = next((v for v in variants if str(v.pk) == requested), None)
    if chosen is None:
        changed = request.htmx.trigger_name if request.htmx else ""
        chosen = selectors.variant_from_options(variants, request.GET, changed or "")
        if chosen is not None and not request.htmx:
            # The no-JavaScript form sent option values: settle on one shareable URL.
            return redirect(f"{item.get_absolute_url()}?variant={chosen.pk}")
    if chosen is None:
        chosen = next((v for v in variants if v.stock > 0), variants[0])

    images = list(item.images.all())
    photo = next((i for i in images if i.pk == chosen.image_id), images[0] if images else None)
    context = {
        "product": item,
        "variants": variants,
        "variant": chosen,
        "option_groups": selectors.option_groups(variants, chosen),
        "photo": photo,
        "images": images,
        "max_quantity": max(min(chosen.stock, settings.SHOP_MAX_LINE_QUANTITY), 1),
        "wishlisted": selectors.wishlist_ids(request.user),
        "alert_email": request.user.email if request.user.is_authenticated else "",
    }
    variant_url = f"{item.get_absolute_url()}?variant={chosen.pk}"
    if is_fragment_request(request):
        return push_url(render(request, "storefront/product.html#variant-update", context), variant_url)

    tree = selectors.category_tree()
    can_review = selectors.user_bought_product(user=request.user, product_id=item.pk)
    context |= {
        "breadcrumbs": tree.ancestors(item.category_id),
        "reviews": selectors.product_reviews(product=item),
        "my_review": selectors.review_of(user=request.user, product=item) if can_review else None,
        "can_review": can_review,
        "related": selectors.related_products(product=item),
        "canonical": absolute_url(item.get_absolute_url()),
        "currency": settings.SHOP_CURRENCY.upper(),
        "json_ld": _product_json_ld(item, variants, images, tree.ancestors(item.category_id)),
    }
    return render(request, "storefront/product.html", context)


def _availability(stock: int) -> str:
    return "https://schema.org/InStock" if stock > 0 else "https://schema.org/OutOfStock"


def _product_json_ld(item: Product, variants, images, crumbs) -> str:
    """schema.org Product (offers, availability, rating) and BreadcrumbList, as JSON."""
    currency = settings.SHOP_CURRENCY.upper()
    url = absolute_url(item.get_absolute_url())
    prices = [v.price for v in variants]
    in_stock = sum(v.stock for v in variants)
    if len(variants) == 1:
        offers = {"@type": "Offer", "price": f"{prices[0]:.2f}", "priceCurrency": currency,
                  "availability": _availability(in_stock), "url": url, "sku": variants[0].sku}
    else:
        offers = {"@type": "AggregateOffer", "lowPrice": f"{min(prices):.2f}", "highPrice": f"{max(prices):.2f}",
                  "offerCount": len(variants), "priceCurrency": currency, "availability": _availability(in_stock),
                  "offers": [
                      {"@type": "Offer", "sku": v.sku, "name": v.label or item.name, "price": f"{v.price:.2f}",
                       "priceCurrency": currency, "availability": _availability(v.stock),
                       "url": f"{url}?variant={v.pk}"}
                      for v in variants
                  ]}
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": item.name,
        "description": item.description,
        "url": url,
        "sku": variants[0].sku,
        "category": item.category.name,
        "brand": {"@type": "Brand", "name": settings.SHOP_NAME},
        "image": [absolute_url(i.image.url) if i.image.url.startswith("/") else i.image.url for i in images],
        "offers": offers,
    }
    if item.rating_count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": f"{item.rating_avg:.2f}",
                                   "reviewCount": item.rating_count, "bestRating": "5", "worstRating": "1"}
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": c.name, "item": absolute_url(c.url)}
            for n, c in enumerate(crumbs, start=1)
        ] + [{"@type": "ListItem", "position": len(crumbs) + 1, "name": item.name, "item": url}],
    }
    text = json.dumps([data, breadcrumbs], ensure_ascii=False)
    # Safe inside <script>: no "</script>", no HTML comment openers.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def review(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Product.objects.visible(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{item.get_absolute_url()}#reviews")
    existing = Review.objects.filter(product=item, user=request.user).first()
    can_review = selectors.user_bought_product(user=request.user, product_id=item.pk)
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
            services.review_save(user=request.user, product=item, data=ReviewData(**values))
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
    products = selectors.wishlist_products(request.user)
    return render(request, "storefront/wishlist.html", {
        "products": products, "wishlisted": {p.pk for p in products}, "noindex": True,
    })


@require_POST
def wishlist_toggle(request: HttpRequest, product_id: int) -> HttpResponse:
    item = get_object_or_404(Product.objects.visible(), pk=product_id)
    back = safe_next(request, item.get_absolute_url())
    if not request.user.is_authenticated:
        services.wishlist_remember_for_guest(session=request.session, product_id=item.pk)
        messages.info(request, f"Sign in to save {item.name} to your wishlist. We will add it as soon as you have.")
        login = f"{reverse('account_login')}?{urlencode({'next': back})}"
        if request.htmx:
            return HttpResponseClientRedirect(login)
        return HttpResponseRedirect(login)
    try:
        saved = services.wishlist_toggle(user=request.user, product_id=item.pk)
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
    try:
        if not variant_id:
            raise StorefrontError("Please choose an option first.")
        services.stock_alert_subscribe(variant_id=variant_id, email=email)
        message, ok = f"Thanks! We will email {email.strip().lower()} once when it is back.", True
    except StorefrontError as exc:
        message, ok = exc.message, False
    if request.htmx:
        return render(request, "storefront/product.html#stock-alert-feedback", {"message": message, "ok": ok},
                      status=200)
    (messages.success if ok else messages.error)(request, message)
    return redirect(f"{item.get_absolute_url()}?variant={variant_id}" if variant_id else item.get_absolute_url())


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
