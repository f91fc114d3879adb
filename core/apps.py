from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers that import no app: HTTP, cache, forms, template tags, the catalog version."""

    name = "core"
    verbose_name = "Core"
