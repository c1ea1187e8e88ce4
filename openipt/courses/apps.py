from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "openipt.courses"
    label = "courses"
    verbose_name = "Treatment courses"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import (
            Banner,
            ClientPanel,
            NavItem,
            add_banner,
            add_client_panel,
            add_nav,
            add_panel,
        )
        from openipt.courses import actions, goal_actions, screening_actions  # noqa: F401 - registers the audit event types
        from openipt.courses.queries.panels import (
            client_panel_context,
            course_steps_context,
            position_banner,
            start_checks_panel_context,
        )

        staff = ("admin", "supervisor", "therapist", "facilitator")
        add_nav(NavItem(_("Courses"), "courses:list", staff, order=20))
        add_nav(NavItem(_("Calendar"), "courses:calendar", ("supervisor", "therapist", "facilitator"), order=25))
        add_client_panel(ClientPanel("courses", "courses/_client_panel.html", client_panel_context, order=10))
        add_banner(Banner("course-position", position_banner, order=10))
        add_panel("course", ClientPanel("start-checks", "courses/_start_checks_panel.html", start_checks_panel_context,
                                        order=1))
        from openipt.courses import ending_actions, review_actions  # noqa: F401 - audit event types

        review_actions.connect()
        from openipt.courses import supervision_link

        supervision_link.register()
        add_panel("course", ClientPanel("course-steps", "courses/_steps_panel.html", course_steps_context, order=5))

        from openipt.courses import record

        record.register()  # what the app holds about a client: subject-access export and erasure
