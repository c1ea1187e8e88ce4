from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openipt.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openipt.api import actions  # noqa: F401 - registers the audit event types
        from openipt.core.extensions import Setting, add_setting

        add_setting(Setting(_("API clients"), "api:clients",
                            _("Programs that read records and send questionnaire answers through the REST API."),
                            order=90))
