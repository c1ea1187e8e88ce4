from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "openipt.clients"
    label = "clients"
