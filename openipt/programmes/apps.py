from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "openipt.programmes"
    label = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import NavItem, Setting, add_nav, add_setting
        from openipt.programmes import actions  # noqa: F401 - audit event types

        add_nav(
            NavItem(
                _("Programme"),
                "programmes:dashboard",
                ("manager", "admin", "supervisor"),
                order=80,
                namespace="programmes",
            )
        )
        add_setting(
            Setting(
                _("Programme: indicators, targets and DHIS2 codes"),
                "programmes:settings",
                _(
                    "The minimum number of sessions, small-number hiding, quality targets, and the "
                    "codes the monthly DHIS2 report uses."
                ),
                order=70,
            )
        )
