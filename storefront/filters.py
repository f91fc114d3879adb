"""The catalog's filters and sort, read from the query string by a Django form.

Catalog URLs are shared, bookmarked and crawled, so the form is tolerant: a value
that does not clean is ignored (its default is used), never an error page.

The form's result is `CatalogFilters`, a plain value: templates read `filters.sort`,
`filters.rating`, … and on a bound form those names would be its BoundFields. Its
`params()` is the canonical query string, which the page cache keys pages on
(`catalog_query`, `search_query`, `suggest_query`: the views' `@shared_page` declarations).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django import forms
from django.http import QueryDict

from storefront.catalog import category_tree

SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "rating": "Best rated",
}
DEFAULT_SORT = "newest"
SEARCH_DEFAULT_SORT = "relevance"
RATING_CHOICES = (4, 3, 2, 1)


def _decimal(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.strip().lstrip("$"))
    except (InvalidOperation, AttributeError):
        return None
    if not number.is_finite() or number < 0 or number > Decimal("1000000"):
        return None
    return number.quantize(Decimal("0.01"))


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except (TypeError, ValueError):
        return default


@dataclass
class CatalogFilters:
    query: str = ""
    category: str = ""  # slug of a category to narrow to (search page, or a subcategory)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    rating: int = 0
    sort: str = DEFAULT_SORT
    page: int = 1

    def params(self, **changes) -> dict[str, str]:
        """The query-string form, without defaults, so URLs stay short and canonical."""
        data = {
            "q": self.query,
            "category": self.category,
            "min_price": "" if self.price_min is None else f"{self.price_min:f}",
            "max_price": "" if self.price_max is None else f"{self.price_max:f}",
            "in_stock": "1" if self.in_stock else "",
            "rating": str(self.rating) if self.rating else "",
            "sort": self.sort,
            "page": str(self.page) if self.page > 1 else "",
        }
        data.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
        default_sort = SEARCH_DEFAULT_SORT if self.query else DEFAULT_SORT
        if data["sort"] == default_sort:
            data["sort"] = ""
        return {k: v for k, v in data.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.category or self.price_min is not None or self.price_max is not None
                    or self.in_stock or self.rating)


class CatalogFilterForm(forms.Form):
    """?q=&sort=&category=&min_price=&max_price=&in_stock=&rating=&page= of the search page
    (`search=True`) or a category page (which does not search: it has no `q`)."""

    q = forms.CharField(required=False, strip=False)
    sort = forms.ChoiceField(required=False)
    category = forms.CharField(required=False, strip=False)
    min_price = forms.CharField(required=False, strip=False)
    max_price = forms.CharField(required=False, strip=False)
    in_stock = forms.CharField(required=False, strip=False)
    rating = forms.CharField(required=False, strip=False)
    page = forms.CharField(required=False, strip=False)

    def __init__(self, data: QueryDict, *, search: bool = False):
        super().__init__(data)
        self.fields["sort"].choices = [(k, v) for k, v in SORTS.items() if search or k != "relevance"]
        if not search:
            del self.fields["q"]

    def clean_q(self) -> str:
        # Lower case as search reads it (search._words), so "Mug" and "mug" are one page.
        return " ".join(self.cleaned_data["q"].split())[:100].lower()

    def clean_category(self) -> str:
        slug = self.cleaned_data["category"]
        return slug if slug and category_tree().by_slug(slug) is not None else ""

    def clean_min_price(self) -> Decimal | None:
        return _decimal(self.cleaned_data["min_price"])

    def clean_max_price(self) -> Decimal | None:
        return _decimal(self.cleaned_data["max_price"])

    def clean_in_stock(self) -> bool:
        return self.cleaned_data["in_stock"] in ("1", "on", "true")

    def clean_rating(self) -> int:
        rating = _int(self.cleaned_data["rating"])
        return rating if rating in RATING_CHOICES else 0

    def clean_page(self) -> int:
        return max(1, min(_int(self.cleaned_data["page"], 1), 10_000))

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            data["min_price"], data["max_price"] = high, low
        return data

    @cached_property
    def filters(self) -> CatalogFilters:
        """The cleaned choice; a value that did not clean keeps its default (errors are never shown)."""
        self.is_valid()
        data = self.cleaned_data
        return CatalogFilters(
            query=data.get("q", ""),
            category=data.get("category", ""),
            price_min=data.get("min_price"),
            price_max=data.get("max_price"),
            in_stock=data.get("in_stock", False),
            rating=data.get("rating", 0),
            # Best match when there is a query to match (the rule `params` leaves out as the default).
            sort=data.get("sort") or (SEARCH_DEFAULT_SORT if data.get("q") else DEFAULT_SORT),
            page=data.get("page", 1),
        )


def catalog_query(params: QueryDict) -> dict[str, str]:
    """What a category page reads from its query string, canonical (its `@shared_page` declaration)."""
    return _listing_query(CatalogFilterForm(params), params)


def search_query(params: QueryDict) -> dict[str, str]:
    """What the search page reads from its query string, canonical (its `@shared_page` declaration)."""
    return _listing_query(CatalogFilterForm(params, search=True), params)


def suggest_query(params: QueryDict) -> dict[str, str]:
    """What the search suggestions read from their query string: the query alone."""
    query = CatalogFilterForm(params, search=True).filters.query
    return {"q": query} if query else {}


def _listing_query(form: CatalogFilterForm, params: QueryDict) -> dict[str, str]:
    query = form.filters.params()
    if params.get("more") == "1":  # htmx's "Load more" (storefront.views._render_listing)
        query["more"] = "1"
    return query
