from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "openipt.offline"
    label = "offline"
    verbose_name = "Offline facilitator app"

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import NavItem, add_nav
        from openipt.offline import (
            actions,  # noqa: F401 - audit event types
            record,
        )
        from openipt.offline.views import nav_count

        record.register()  # what the app holds about a client: subject-access export and erasure
        # The count after the link: changes from tablets still to settle (for supervisors and admins, the organisation's).
        add_nav(NavItem(_("Tablets"), "offline:home", ("admin", "supervisor", "therapist", "facilitator"), order=32,
                        namespace="offline", count=nav_count))
