from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openipt.core"
    label = "core"
    verbose_name = "OpenIPT core"

    def ready(self) -> None:
        # Imports are made here, not at the top: Django imports apps.py before the apps' models are ready.
        from django.utils.translation import gettext_lazy as _

        from openipt.core.extensions import NavItem, Setting, add_nav, add_setting
        from openipt.core.metrics import register_core_gauges
        from openipt.core.prune import register_core_rows
        from openipt.core.requestid import connect_task_signals

        connect_task_signals()
        register_core_gauges()
        register_core_rows()

        staff = ("admin", "supervisor", "therapist", "facilitator")
        add_nav(NavItem(_("Caseload"), "clients:caseload", staff, order=10, namespace="clients"))
        add_nav(NavItem(_("People"), "accounts:people", ("admin",), order=80))
        add_nav(NavItem(_("Audit log"), "audit:log", ("admin",), order=85, namespace="audit"))
        add_nav(NavItem(_("Settings"), "accounts:settings", ("admin",), order=88))
        add_setting(Setting(_("Two-factor sign-in for staff"), "accounts:people",
                            _("Whether every member of staff must sign in with a code from their phone."),
                            order=10, anchor="security-heading"))
        add_nav(NavItem(_("Two-factor sign-in"), "accounts:mfa", staff, order=95))
        add_nav(NavItem(_("My course"), "practice:portal", ("client",), order=10))
