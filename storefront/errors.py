class StorefrontError(Exception):
    """Something the shopper (or staff) asked for that cannot be done; the message is fit to show them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
