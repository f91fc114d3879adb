"""Personal slots: the few personal pieces of a page that is shared between shoppers.

The page cache (shop/pagecache.py) stores one rendering of a catalog page and serves it to every
guest, and another to every signed-in shopper. The pieces that differ between two signed-in shoppers
— a wishlist heart, the "Write a review" link — are slots: while a shared page renders, each is
written in its default form between two markers, and its other forms are recorded on the request.
The cache stores them with the page; for each visitor it puts back the form that fits them. Outside
a shared render, a slot is simply the visitor's own form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

SHARING_ATTRIBUTE = "_page_cache_candidate"  # set by the page cache while a page that may be shared renders
_SLOTS_ATTRIBUTE = "_personal_slots"
# Stands for the signed-in shopper's email address in a shared page (letters only: unchanged by escaping).
EMAIL_PLACEHOLDER = "PAGECACHESHOPPEREMAILPLACEHOLDER"


@dataclass(frozen=True)
class Slot:
    kind: str  # "wish", "review": who chooses the form (shop/pagecache.py)
    key: str  # what it is about, e.g. a product id
    default: str  # the form written into the shared page
    forms: Mapping[str, str]  # the other forms, by name

    def marked(self, ident: str, text: str) -> str:
        return f"<!--slot:{ident}-->{text}<!--/slot:{ident}-->"


def sharing(request: HttpRequest | None) -> bool:
    """Whether the page being rendered for `request` may be shared with other visitors."""
    return request is not None and getattr(request, SHARING_ATTRIBUTE, False)


def slot(request: HttpRequest, *, kind: str, key: str, default: str, forms: Mapping[str, str]) -> SafeString:
    """The slot's default form, marked, for a shared page; its other forms are kept on the request."""
    slots: dict[str, Slot] = request.__dict__.setdefault(_SLOTS_ATTRIBUTE, {})
    ident = f"{kind}-{key}-{len(slots)}"
    slots[ident] = Slot(kind=kind, key=key, default=default, forms=dict(forms))
    return mark_safe(slots[ident].marked(ident, default))


def slots_of(request: HttpRequest) -> dict[str, Slot]:
    """The slots written while this request's page rendered."""
    return getattr(request, _SLOTS_ATTRIBUTE, {})


def fill(content: bytes, slots: Mapping[str, Slot], choose: Callable[[Slot], str | None]) -> bytes:
    """`content` with each slot in the form `choose` names for this visitor (None: the default)."""
    for ident, item in slots.items():
        name = choose(item)
        if name is None or name not in item.forms:
            continue
        content = content.replace(item.marked(ident, item.default).encode(),
                                  item.marked(ident, item.forms[name]).encode(), 1)
    return content
