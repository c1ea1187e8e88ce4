from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "openipt.couples"
    label = "couples"
    verbose_name = "Couples IPT"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from openipt.core.extensions import ClientPanel, add_panel
        from openipt.couples import actions, screen_actions  # noqa: F401 - registers audit event types and the start check
        from openipt.couples.queries import course_panel_context, portal_panel_context

        add_panel("course", ClientPanel("couples", "couples/_course_panel.html", course_panel_context, order=5))
        add_panel("portal", ClientPanel("couples", "couples/_portal_panel.html", portal_panel_context, order=5))
        from openipt.couples import api

        api.register()

        from openipt.couples import record

        record.register()  # what the app holds about a client: subject-access export and erasure
