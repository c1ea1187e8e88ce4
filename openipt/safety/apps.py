from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "openipt.safety"
    label = "safety"
    verbose_name = "Clinical safety"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import (
            Banner,
            ClientPanel,
            NavItem,
            Setting,
            add_banner,
            add_client_panel,
            add_nav,
            add_panel,
            add_setting,
        )
        from openipt.core.metrics import add_gauge
        from openipt.safety import actions  # noqa: F401 - registers the audit event types
        from openipt.safety.api import open_alert_counts_by_staff
        from openipt.safety.queries.metrics import email_lag_seconds, escalation_lag_seconds
        from openipt.safety.queries.panels import (
            client_banner,
            client_panel_context,
            portal_help_context,
            portal_panel_context,
            staff_banner,
        )
        from openipt.supervision.api import register_dashboard_source

        staff = ("admin", "supervisor", "therapist", "facilitator")
        add_nav(NavItem(_("Alerts"), "safety:alerts", staff, order=15, namespace="safety"))
        add_setting(Setting(_("Risk rules"), "safety:settings", _("Which answers and words raise a safety alert."),
                            order=30, anchor="rules-heading"))
        add_setting(Setting(_("Safeguarding lead"), "safety:safeguarding_lead",
                            _("Who is told at once when a client's words may point to a child being harmed."), order=31))
        add_setting(Setting(_("Escalation timing"), "safety:timing",
                            _("How long an alert waits for someone to act before it is passed on."), order=32))
        add_setting(Setting(_("Crisis contacts"), "safety:settings",
                            _("The helplines clients see after a risk signal and on \"Get help now\", per language."),
                            order=33, anchor="contacts-heading"))
        add_banner(Banner("safety-alerts", staff_banner, order=1))
        add_banner(Banner("safety-help", client_banner, order=2))
        add_client_panel(ClientPanel("safety", "safety/_client_panel.html", client_panel_context, order=5))
        add_panel("portal", ClientPanel("safety", "safety/_portal_panel.html", portal_panel_context, order=5))
        add_panel("portal_help", ClientPanel("safety-help", "safety/_portal_help.html", portal_help_context, order=1))
        register_dashboard_source("alert_counts", open_alert_counts_by_staff)
        add_gauge("openipt_alert_escalation_lag_seconds",
                  "Seconds since the most overdue escalation step of an unacknowledged alert fell due (0: none overdue).",
                  escalation_lag_seconds)
        add_gauge("openipt_alert_email_lag_seconds",
                  "Seconds since the oldest alert e-mail waiting to be sent or retried fell due (0: none waiting).",
                  email_lag_seconds)

        from openipt.safety import record

        record.register()  # what the app holds about a client: subject-access export and erasure
