from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openipt.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        from django.db.models import Q
        from django.utils.translation import gettext_lazy as _

        from openipt.api import (
            actions,  # noqa: F401 - registers the audit event types
            view_actions,
            webhook_actions,
        )
        from openipt.api.models import (
            BulkExport,
            BulkFile,
            BulkStatus,
            IdempotentRequest,
            RateWindow,
            ViewChange,
        )
        from openipt.core.events import add_listener
        from openipt.core.extensions import Setting, add_setting, exempt_from_record
        from openipt.core.prune import register as register_prunable

        add_listener(webhook_actions.record_event, many=webhook_actions.record_events)
        add_listener(view_actions.record_access_change)
        exempt_from_record("api.ViewChange", "which clients came into or left a token holder's view: ids and times")
        register_prunable("api view changes", "which clients came into or left a token holder's view (the changes "
                          "feed sends them once)", lambda cutoff, now: ViewChange.objects.filter(at__lt=cutoff))

        add_setting(Setting(_("API clients"), "api:clients",
                            _("Programs that read records and send questionnaire answers through the REST API."),
                            order=90))
        register_prunable("api idempotency answers", "answers kept so a retried API call gets the same answer",
                          lambda cutoff, now: IdempotentRequest.objects.filter(created_at__lt=cutoff))
        register_prunable("api rate windows", "per-minute call counts of API tokens",
                          lambda cutoff, now: RateWindow.objects.filter(minute__lt=cutoff))
        # Expired FHIR bulk exports whatever their age; cancelled ones once older than the cut-off (a worker
        # may still be stopping). The files go first ("files" sorts before "exports"), in their own batches.
        def gone_exports(cutoff, now):
            return Q(expires_at__lte=now) | Q(status=BulkStatus.CANCELLED, created_at__lt=cutoff)

        register_prunable("api bulk export files", "the files of FHIR bulk exports that expired or were cancelled",
                          lambda cutoff, now: BulkFile.objects.filter(
                              export__in=BulkExport.objects.filter(gone_exports(cutoff, now))))
        register_prunable("api bulk exports", "FHIR bulk exports that expired or were cancelled",
                          lambda cutoff, now: BulkExport.objects.filter(gone_exports(cutoff, now)))
        add_setting(Setting(_("Webhooks"), "api:webhooks",
                            _("Signed messages to another program when an alert is raised or escalated, a questionnaire "
                              "is completed or a course ends."), order=91))

        from openipt.api.fhir import record

        record.register()  # the FHIR resources of a whole record, for the subject-access export
