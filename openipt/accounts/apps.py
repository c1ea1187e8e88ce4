from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openipt.accounts"
    label = "accounts"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the apps' models are ready.
        from openipt.core.extensions import Setting, add_setting

        add_setting(Setting(_("Translations"), "accounts:translations",
                            _("How complete each language is, and signing off the translations nobody has checked yet."),
                            order=90))

        from openipt.accounts import record

        record.register()  # what the app holds about a client: subject-access export and erasure
