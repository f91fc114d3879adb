"""Checkout's one exception type."""


class CheckoutError(Exception):
    """Something the shopper (or staff) must be told, in words fit for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
