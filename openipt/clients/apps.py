from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "openipt.clients"
    label = "clients"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from openipt.accounts.actions import add_invitation_listener
        from openipt.clients import import_actions  # noqa: F401 - registers its audit event types
        from openipt.clients.actions import link_invited_client

        add_invitation_listener(link_invited_client)

        from openipt.clients.queries import preferred_language_of
        from openipt.core.extensions import add_language_source

        add_language_source(preferred_language_of)

        from django.utils.translation import gettext_lazy as _

        from openipt.clients.record_queries import nav_past_retention
        from openipt.core.extensions import NavItem, Setting, add_nav, add_setting

        add_nav(NavItem(_("Records to review"), "clients:retention", ("admin",), order=85, count=nav_past_retention))
        add_setting(Setting(_("Keeping records"), "clients:retention",
                            _("How many years a record is kept after the last contact, and the records past it."),
                            order=60))
