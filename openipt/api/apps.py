from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openipt.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openipt.api import (
            actions,  # noqa: F401 - registers the audit event types
            webhook_actions,
        )
        from openipt.api.models import IdempotentRequest, RateWindow
        from openipt.core.events import add_listener
        from openipt.core.extensions import Setting, add_setting
        from openipt.core.prune import register as register_prunable

        add_listener(webhook_actions.record_event)

        add_setting(Setting(_("API clients"), "api:clients",
                            _("Programs that read records and send questionnaire answers through the REST API."),
                            order=90))
        register_prunable("api idempotency answers", "answers kept so a retried API call gets the same answer",
                          lambda cutoff, now: IdempotentRequest.objects.filter(created_at__lt=cutoff))
        register_prunable("api rate windows", "per-minute call counts of API tokens",
                          lambda cutoff, now: RateWindow.objects.filter(minute__lt=cutoff))
        add_setting(Setting(_("Webhooks"), "api:webhooks",
                            _("Signed messages to another program when an alert is raised or escalated, a questionnaire "
                              "is completed or a course ends."), order=91))
