from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "openipt.supervision"
    label = "supervision"
    verbose_name = "Supervision and fidelity"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import ClientPanel, NavItem, add_nav, add_panel
        from openipt.supervision import actions  # noqa: F401 - registers the audit event types
        from openipt.supervision.panels import session_panel_context
        from openipt.supervision.targets import course_session_target, register_target

        register_target("session", course_session_target)
        from openipt.supervision.meeting_targets import KIND as MEETING_KIND
        from openipt.supervision.meeting_targets import meeting_target, waiting_meetings_context

        register_target(MEETING_KIND, meeting_target)
        add_panel("supervision", ClientPanel("group-meetings", "supervision/_meetings_panel.html",
                                             waiting_meetings_context, order=40))
        add_nav(NavItem(_("Supervision"), "supervision:dashboard", ("admin", "supervisor"), order=30,
                        namespace="supervision"))
        add_nav(NavItem(_("My fidelity ratings"), "supervision:mine", ("therapist", "facilitator"), order=31,
                        namespace="supervision"))
        add_panel("session", ClientPanel("fidelity", "supervision/_session_panel.html", session_panel_context, order=30))
