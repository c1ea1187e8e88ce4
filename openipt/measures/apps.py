from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "openipt.measures"
    label = "measures"
    verbose_name = "Measures"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import NavItem, Panel, Setting, add_nav, add_panel, add_setting
        from openipt.measures import (
            actions,  # noqa: F401 - registers the audit event types
            link_actions,  # noqa: F401 - registers the audit event types
            settings_actions,  # noqa: F401 - registers the audit event types
        )
        from openipt.measures.engine import load_instruments
        from openipt.measures.queries import panels
        from openipt.safety.catalogue import register_instrument_catalogue

        add_nav(NavItem(_("Questionnaires due"), "measures:due", ("admin", "supervisor", "therapist", "facilitator"),
                        order=30, namespace="measures", count=panels.due_count))
        add_nav(NavItem(_("Exports"), "measures:export", ("admin",), order=80))
        add_setting(Setting(_("Questionnaires: not on track, caseness cut-offs and links"), "measures:settings",
                            _("When a client counts as not on track, the PHQ-9 and GAD-7 scores that count as a case, "
                              "and how long a questionnaire link stays valid."), order=20))
        add_panel("course", Panel("measures", "measures/_course_panel.html", panels.course_panel_context, order=20))
        add_panel("client", Panel("measures", "measures/_client_panel.html", panels.client_panel_context, order=20))
        add_panel("portal", Panel("measures", "measures/_portal_panel.html", panels.portal_panel_context, order=10))
        register_instrument_catalogue(load_instruments)

        from openipt.measures import record

        record.register()  # what the app holds about a client: subject-access export and erasure
