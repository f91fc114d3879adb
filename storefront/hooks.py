"""Where the apps above the storefront (checkout) join in, without the storefront importing them.

Each hook is a signal sent with a sender; receivers live in the app that knows the answer.
"""

from django.dispatch import Signal

# Sent (sender=Product, user=..., product_id=...) to ask whether a signed-in shopper may
# review a product. A receiver returns True when they may (checkout: they bought it).
review_eligibility = Signal()

# Sent (sender=Product, user=...) to ask the same for every product at once: a receiver returns the ids of the
# products the shopper may review (checkout: those in their paid orders). Cached pages fill in the call to
# review from it (shop/pagecache.py), so it must agree with `review_eligibility`.
reviewable_products = Signal()

# Sent (sender=StockAlert for an alert's emails, Variant for the staff's low-stock digest; kind=..., to=...,
# subject=..., text=..., html=..., headers={...}) inside the caller's transaction to queue an email. The one
# receiver (checkout: its outbox) writes it in that transaction, to be sent after the commit, and returns its id.
email_queue = Signal()
