"""The demo shop's policy pages: returns, shipping, privacy, terms and contact, in the plain-text form staff
edit in the admin (storefront.models.Page). The shipping page is written from the shipping methods in the
database, so it says what checkout charges. A page that already exists is left as staff wrote it."""

from django.conf import settings

from checkout.models import ShippingMethod
from core.templatetags.money import money
from storefront.models import Page

RETURNS = """Not quite right? Send it back within 30 days of delivery for a full refund. Returns are free.

## How to return something
1. Write to us with your order number (it is on your receipt) and what you would like to return.
2. We email you a prepaid return label within one working day.
3. Pack the item in its original packaging if you still have it, and drop the parcel at the carrier.

## Your refund
We refund the price you paid, and the shipping if the whole order comes back, to the card you paid with,
within 5 working days of the parcel reaching us. Your bank may take a few more days to show it.

## What we cannot take back
Items that have been used, washed or damaged after delivery, and gift cards. If something arrives broken or
is not what you ordered, tell us within 30 days: we replace or refund it, and you keep nothing you did not want.
"""

PRIVACY = """We keep only what we need to deliver your order and look after your account, and we never sell it.

## What we keep
Your name, email address, phone number and delivery address; what you ordered and paid; and, if you make an
account, your saved addresses and wishlist. Card details go straight to our payment provider, Stripe: we never
see or store them.

## What we use it for
Delivering your order, emailing you about it (receipt, shipping, refunds) and answering your questions. We
email you about anything else, such as a product back in stock, only when you ask us to.

## Who else sees it
Stripe, to take your payment; the carrier, to deliver your parcel; our email provider, to send your emails.
Nobody else.

## Your choices
You can see and change your details under Account, and delete your account there at any time. Orders stay
in our books for as long as the tax authorities require, then we delete them. Write to us for a copy of
everything we hold about you.
"""

TERMS = """These terms apply when you buy from {shop}.

## Prices and payment
Prices are shown in {currency} and include everything listed at checkout: the items, shipping, any discount
and tax. You pay when you place your order; your card is charged by Stripe.

## Your order
Your order is a contract once we email your receipt. If an item turns out to be out of stock after you paid,
we tell you at once and refund it in full.

## Delivery and returns
Delivery times and costs are on the Shipping page; you can send anything back within 30 days, free, as the
Returns page explains.

## If something goes wrong
Tell us and we will put it right: replace, repair or refund. Nothing in these terms takes away your rights
under consumer law.
"""

CONTACT = """We are a small team and we read every message. Write to us and a person answers within one working day.

## Email
hello@northwind.example

## Your order
Have your order number to hand (it is on your receipt): you can also track your order from the link at the
bottom of every page, with your email address and order number.

## Post
{shop}, 1 Workshop Lane, Portland, OR 97201, United States
"""


def _unwrapped(text: str) -> str:
    """The texts above are wrapped to fit this file; staff type a paragraph as one line, and a line break
    inside a paragraph shows on the page. Numbered steps keep their own lines."""
    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        lines = paragraph.split("\n")
        heading = [lines.pop(0)] if lines[0].startswith("## ") else []
        body = lines if all(line[:1].isdigit() for line in lines) else [" ".join(lines)] if lines else []
        paragraphs.append("\n".join(heading + body))
    return "\n\n".join(paragraphs) + "\n"


def _shipping_text() -> str:
    """What each shipping method costs and how long it takes, from the database."""
    paragraphs = ["We pack every order by hand and hand it to the carrier within one working day."]
    methods = list(ShippingMethod.objects.filter(active=True).select_related("zone")
                   .order_by("zone__position", "position", "id"))
    for zone_name in dict.fromkeys(m.zone.name for m in methods):
        paragraphs.append(f"## {zone_name}")
        for method in (m for m in methods if m.zone.name == zone_name):
            price = money(method.price) if method.price else "free"
            line = f"{method.name}: {price}"
            if method.free_above is not None:
                line += f", free on orders over {money(method.free_above)}"
            if method.min_days and method.max_days:
                line += f"; arrives in {method.min_days} to {method.max_days} working days"
            paragraphs.append(line + ".")
    paragraphs += [
        "## Tracking",
        "When your parcel leaves us we email you its tracking link. You can also follow your order from the "
        "link at the bottom of every page.",
        "## Returns",
        "Returns are free within 30 days: see the Returns page.",
    ]
    return "\n\n".join(paragraphs) + "\n"


def pages_load() -> int:
    """Create the policy pages that do not exist yet; returns how many were created. A second run reads
    one column and writes nothing."""
    present = set(Page.objects.values_list("slug", flat=True))
    shop, currency = settings.SHOP_NAME, settings.SHOP_CURRENCY.upper()
    pages = [
        ("returns", "Free 30-day returns", lambda: RETURNS),
        ("shipping", "Shipping", _shipping_text),
        ("privacy", "Privacy", lambda: PRIVACY),
        ("terms", "Terms of sale", lambda: TERMS.format(shop=shop, currency=currency)),
        ("contact", "Contact us", lambda: CONTACT.format(shop=shop)),
    ]
    new = [
        Page(slug=slug, title=title, body=_unwrapped(body()), position=position)
        for position, (slug, title, body) in enumerate(pages) if slug not in present
    ]
    for page in new:
        page.save()  # one by one: each save tells the footer's cache (storefront.signals)
    return len(new)
