from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "openipt.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from openipt.assessment import actions  # noqa: F401 - registers the audit event types
        from openipt.assessment.api import current_formulation, formulation_page_url, timeline_events
        from openipt.assessment.queries import (
            client_panel_context,
            course_panel_context,
            portal_panel_context,
        )
        from openipt.core.extensions import ClientPanel, add_panel
        from openipt.courses.formulation import VersionedFormulation, register_versioned_formulation
        from openipt.measures.queries.summary import add_event_source

        add_panel("client", ClientPanel("assessment", "assessment/_client_panel.html", client_panel_context, order=20))
        add_panel("course", ClientPanel("assessment", "assessment/_course_panel.html", course_panel_context, order=10))
        add_panel("portal", ClientPanel("assessment", "assessment/_portal_panel.html", portal_panel_context, order=20))
        add_event_source(timeline_events)
        register_versioned_formulation(VersionedFormulation(current_formulation, formulation_page_url))

        from openipt.assessment import record

        record.register()  # what the app holds about a client: subject-access export and erasure
