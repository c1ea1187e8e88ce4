from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openipt.accounts"
    label = "accounts"
