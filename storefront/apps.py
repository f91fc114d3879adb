from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from storefront import signals  # noqa: F401  (cache invalidation)
