from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "openipt.couples"
    label = "couples"
