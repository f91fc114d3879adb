from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self) -> None:
        from shop import (
            checks,  # noqa: F401  (registers the configuration checks)
            dashboard,  # noqa: F401  (the admin index becomes the staff dashboard)
        )
