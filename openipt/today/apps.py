from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "openipt.today"
    label = "today"
    verbose_name = "Today and the week calendar"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import NavItem, Setting, add_nav, add_setting
        from openipt.today import actions  # noqa: F401 - registers the audit event types

        staff = ("admin", "supervisor", "therapist", "facilitator")
        add_nav(NavItem(_("Today"), "today:today", staff, order=5))
        add_nav(NavItem(_("Week"), "today:week", ("supervisor", "therapist", "facilitator"), order=24))
        add_setting(Setting(_("Working hours"), "today:working_hours",
                            _("The days and hours the week calendar offers free times in when a session is moved."),
                            order=40))
