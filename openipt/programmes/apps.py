from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "openipt.programmes"
    label = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.accounts import site_actions  # noqa: F401 - audit event types of the sites pages
        from openipt.clients import site_actions as client_site_actions  # noqa: F401
        from openipt.core.extensions import NavItem, Setting, add_nav, add_setting
        from openipt.groups import site_actions as group_site_actions  # noqa: F401
        from openipt.programmes import actions, snapshot_actions  # noqa: F401 - audit event types

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
        add_setting(
            Setting(
                _("Sites"),
                "programmes:sites",
                _(
                    "The clinics, villages or districts you work in, each with its time zone; which staff, "
                    "groups and clients belong to each."
                ),
                order=71,
            )
        )
