from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from storefront.models import Category
from storefront.selectors import (
    DEFAULT_SORT,
    SORTS,
    category_products,
    product_cards,
    product_for_page,
    search_products,
)

PAGE_SIZE = 24


def _page(request: HttpRequest, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", DEFAULT_SORT)
    return sort if sort in SORTS else DEFAULT_SORT


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cards = product_cards()
    context = {
        "featured": list(cards.filter(featured=True).order_by("-created", "-id")[:8]),
        "newest": list(cards.order_by("-created", "-id")[:8]),
    }
    return render(request, "storefront/home.html", context)


@require_GET
@vary_on_headers("HX-Request")
def category(request: HttpRequest, slug: str) -> HttpResponse:
    current = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    sort = _sort(request)
    page = _page(request, category_products(category=current, sort=sort))
    context = {
        "category": current,
        "subcategories": list(current.children.all()),
        "page": page,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
    }
    template = "storefront/category.html#product-grid" if request.htmx else "storefront/category.html"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    sort = _sort(request)
    page = _page(request, search_products(query=query, sort=sort)) if query else None
    context = {
        "query": query,
        "page": page,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
    }
    return render(request, "storefront/search.html", context)


@require_GET
@vary_on_headers("HX-Request")
def product(request: HttpRequest, slug: str) -> HttpResponse:
    item = product_for_page(slug=slug)
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
        chosen = next((v for v in variants if v.stock > 0), variants[0])
    context = {
        "product": item,
        "variants": variants,
        "variant": chosen,
        "images": list(item.images.all()),
        "max_quantity": max(min(chosen.stock, settings.SHOP_MAX_LINE_QUANTITY), 1),
    }
    template = "storefront/product.html#variant-panel" if request.htmx else "storefront/product.html"
    return render(request, template, context)
