from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "openipt.practice"
    label = "practice"
    verbose_name = "Between sessions"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import (
            ClientPanel,
            NavItem,
            Setting,
            add_client_panel,
            add_nav,
            add_panel,
            add_setting,
        )
        from openipt.practice import (  # noqa: F401 - registers the audit event types
            actions,
            rehearsal_actions,
            reminder_actions,
            worksheet_actions,
        )
        from openipt.practice.queries.panels import client_panel_context, course_panel_context

        client = ("client",)
        # "My course" (practice:portal) is registered by the core app.
        add_nav(NavItem(_("Reading"), "practice:reading_list", client, order=11))
        add_nav(NavItem(_("My log"), "practice:log", client, order=12))
        add_nav(NavItem(_("Worksheets"), "practice:worksheets", client, order=13))
        add_nav(NavItem(_("Practise"), "practice:rehearsals", client, order=14))
        add_nav(NavItem(_("Reminders"), "practice:reminders", client, order=15))
        add_setting(Setting(_("Practice partner"), "practice:partner_settings",
                            _("The automated partner clients practise hard conversations with: scripted, or a "
                              "language model you connect."), order=60))
        add_client_panel(ClientPanel("practice", "practice/_client_panel.html", client_panel_context, order=40))
        add_panel("course", ClientPanel("interval-history", "practice/_course_panel.html", course_panel_context,
                                        order=20))
        add_panel("session", ClientPanel("interval-history", "practice/_course_panel.html",
                                         lambda request, session: course_panel_context(request, session.course), order=20))

        from openipt.practice import worksheetdefs
        from openipt.protocol.pieces import register_source

        # Worksheets' and the rehearsal scenarios' words in each language are content pieces: reviewed and
        # counted with the protocol's.
        register_source("worksheets", worksheetdefs.pieces)
        register_source("rehearsal", rehearsal_actions.scenario_pieces)
        from openipt.practice.feedback_words import analyser_pieces

        # The communication analyser's Spanish and Swahili tips (in its pattern files) are reviewed the same way.
        register_source("analyser", analyser_pieces)

        from openipt.practice import record

        record.register()  # what the app holds about a client: subject-access export and erasure
