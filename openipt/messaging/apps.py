from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "openipt.messaging"
    label = "messaging"  # django.contrib.messages is "messages"
    verbose_name = "Secure messages"

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
        from openipt.messaging import actions  # noqa: F401 - registers the audit event types
        from openipt.messaging.actions import SOURCE
        from openipt.messaging.queries.panels import (
            alert_source_link,
            can_open_alert_source,
            client_panel_context,
            nav_count,
            portal_panel_context,
        )
        from openipt.safety.api import register_source_link

        add_nav(
            NavItem(
                _("Messages"), "messaging:mine", ("client",), order=16, namespace="messaging", count=nav_count
            )
        )
        add_nav(
            NavItem(
                _("Messages"),
                "messaging:inbox",
                ("supervisor", "therapist", "facilitator"),
                order=17,
                namespace="messaging",
                count=nav_count,
            )
        )
        add_setting(
            Setting(
                _("Message reply time"),
                "messaging:settings",
                _(
                    "How soon the clinic replies to a client's message, as clients see it on their Messages page."
                ),
                order=62,
            )
        )
        add_panel(
            "portal", ClientPanel("messages", "messaging/_portal_panel.html", portal_panel_context, order=8)
        )
        add_client_panel(
            ClientPanel("messages", "messaging/_client_panel.html", client_panel_context, order=38)
        )
        register_source_link(SOURCE, _("Open the message"), alert_source_link, can_open_alert_source)

        from openipt.messaging import record

        record.register()  # what the app holds about a client: subject-access export and erasure
