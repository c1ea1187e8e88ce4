"""`openipt manage deliver_webhooks`: send the webhook messages that are due, and retry those that failed.

Safe to run on several servers at once: each message is claimed before it is sent. `openipt serve`
runs it every 10 seconds beside the escalation runner, in a process of its own, so a slow program at
the other end never delays an alert's escalation or e-mails.
"""

from __future__ import annotations

from openipt.api import webhook_actions
from openipt.core.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Send webhook messages that are due (and retry failed ones, with growing pauses)."

    def run_once(self) -> tuple[str, bool]:
        counts = webhook_actions.deliver_due()
        return (f"webhook messages delivered: {counts['delivered']}; "
                f"not delivered (retried later or given up): {counts['not_delivered']}",
                bool(counts["delivered"] or counts["not_delivered"]))
