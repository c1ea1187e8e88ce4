from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "openipt.sms"
    label = "sms"
    verbose_name = "SMS"

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
        from openipt.safety.api import register_source_link
        from openipt.sms import actions, inbound_actions  # noqa: F401 - registers the audit event types
        from openipt.sms.queries import (
            alert_source_link,
            can_open_alert_source,
            client_panel_context,
            today_panel_context,
        )

        add_client_panel(ClientPanel("sms", "sms/_client_panel.html", client_panel_context, order=4))
        # Worrying words from an unknown number: on Today beside the open alerts, until an admin closes them.
        add_panel("today", ClientPanel("sms-urgent", "sms/_today_panel.html", today_panel_context, order=5))
        add_setting(Setting(_("Text messages (SMS)"), "sms:settings",
                            _("The SMS gateway, its daily limit, and the hour reminders are sent."), order=60))
        add_nav(NavItem(_("SMS"), "sms:outbox", ("admin",), order=84, namespace="sms"))
        register_source_link("sms.smsreply", _("Open the text message"), alert_source_link, can_open_alert_source)
        # A follow-up for a reply nobody could read names the check-in it answered (or, without one, the consent).
        register_source_link("sms.smsmessage", _("Open the text message"), alert_source_link, can_open_alert_source)
        register_source_link("sms.smsconsent", _("Open the text message"), alert_source_link, can_open_alert_source)

        from openipt.sms import record

        record.register()  # what the app holds about a client: subject-access export and erasure
