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
