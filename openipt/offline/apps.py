from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "openipt.offline"
    label = "offline"
    verbose_name = "Offline facilitator app"

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py before the apps' models are ready.
        from openipt.offline import actions  # noqa: F401 - audit event types
