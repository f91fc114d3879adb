"""Checkout's views, one module per screen family: cart, checkout (and payment returns), orders, webhooks."""
