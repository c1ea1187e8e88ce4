from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "openipt.consent"
    label = "consent"
    verbose_name = "Consent"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.consent import actions, checks  # noqa: F401 - registers the audit event types and the start check
        from openipt.consent.queries.panels import (
            client_panel_context,
            course_panel_context,
            portal_panel_context,
        )
        from openipt.core.extensions import ClientPanel, Setting, add_client_panel, add_panel, add_setting

        add_setting(
            Setting(
                _("Consent and treatment contract"),
                "consent:settings",
                _(
                    "The form clients read and sign, its versions, and whether a signature is needed "
                    "before a course starts."
                ),
                order=25,
            )
        )
        add_client_panel(ClientPanel("consent", "consent/_client_panel.html", client_panel_context, order=3))
        add_panel(
            "course", ClientPanel("consent", "consent/_course_panel.html", course_panel_context, order=2)
        )
        add_panel(
            "portal", ClientPanel("consent", "consent/_portal_panel.html", portal_panel_context, order=2)
        )

        from openipt.consent import record

        record.register()  # what the app holds about a client: subject-access export and erasure
