from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The client portal's home page: it composes what the apps below show a client, and owns no data.

    Its navigation link ("My course", practice:portal) is registered by the core app, so every client page has it.
    """

    name = "openipt.portal"
    label = "portal"
    verbose_name = "Client portal"
