from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "openipt.groups"
    label = "groups"
    verbose_name = "Group IPT"

    def ready(self):
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import ClientPanel, NavItem, add_nav, add_panel
        from openipt.groups import actions, meeting_actions, report_actions, session_actions, supervision_link  # noqa: F401 - audit types
        from openipt.groups.queries.oversight import panel_context

        add_nav(NavItem(_("Groups"), "groups:list", ("admin", "supervisor", "therapist", "facilitator"), order=30,
                        namespace="groups"))
        add_panel("supervision", ClientPanel("groups", "groups/_supervision_panel.html", panel_context, order=40))
        supervision_link.register()

        from openipt.groups import record

        record.register()  # what the app holds about a client: subject-access export and erasure
