from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "openipt.supervision"
    label = "supervision"
