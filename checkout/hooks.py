"""Where the apps above checkout (accounts) join in, without checkout importing them.

Each hook is a signal sent with a sender; receivers live in the app that cares.
"""

from django.dispatch import Signal

# Sent (sender=CheckoutForm, user=...) when the checkout form is first shown to a
# signed-in shopper. A receiver returns a dict of initial values, or None.
checkout_prefill = Signal()

# Sent (sender=Order, order=..., user=..., address=PostalAddress, save_address=bool)
# once the checkout form has placed an order. Receivers must not change the order.
order_placed = Signal()
