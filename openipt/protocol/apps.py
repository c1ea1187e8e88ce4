from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    name = "openipt.protocol"
    label = "protocol"
