from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "openipt.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self):
        from openipt.assessment import actions  # noqa: F401 - registers the audit event types
        from openipt.assessment.panels import client_panel_context, course_panel_context, portal_panel_context
        from openipt.core.extensions import ClientPanel, add_panel

        add_panel("client", ClientPanel("assessment", "assessment/_client_panel.html", client_panel_context, order=20))
        add_panel("course", ClientPanel("assessment", "assessment/_course_panel.html", course_panel_context, order=10))
        add_panel("portal", ClientPanel("assessment", "assessment/_portal_panel.html", portal_panel_context, order=20))
