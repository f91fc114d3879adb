from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "checkout"
    verbose_name = "Checkout and orders"

    def ready(self) -> None:
        from checkout import signals  # noqa: F401  (answers the storefront's hooks)
