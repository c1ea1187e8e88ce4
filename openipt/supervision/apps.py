from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "openipt.supervision"
    label = "supervision"
    verbose_name = "Supervision and fidelity"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import ClientPanel, NavItem, add_nav, add_panel
        from openipt.supervision import actions, competency_actions  # noqa: F401 - registers the audit event types
        from openipt.supervision.queries.panels import session_panel_context

        # The kinds of session that can be rated, and the dashboard's waiting sessions and alert counts, are
        # registered by the apps that own them (courses, groups, safety), which sit above supervision.
        add_nav(NavItem(_("Supervision"), "supervision:dashboard", ("admin", "supervisor"), order=30,
                        namespace="supervision"))
        add_nav(NavItem(_("My fidelity ratings"), "supervision:mine", ("therapist", "facilitator"), order=31,
                        namespace="supervision"))
        add_nav(NavItem(_("My competency"), "supervision:competency_mine", ("facilitator",), order=32))
        add_panel("session", ClientPanel("fidelity", "supervision/_session_panel.html", session_panel_context, order=30))
