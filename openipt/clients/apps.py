from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "openipt.clients"
    label = "clients"

    def ready(self):
        from openipt.accounts.actions import add_invitation_listener
        from openipt.clients.actions import link_invited_client

        add_invitation_listener(link_invited_client)
