from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers that import no app: HTTP, cache, forms, template tags, the catalog version."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from huey.contrib.djhuey import HUEY

        from core.requestid import huey_carry_request_ids, request_id_clear

        request_finished.connect(request_id_clear, dispatch_uid="core.request_id_clear")
        huey_carry_request_ids(HUEY)
