"""`openipt manage deliver_webhooks`: send the webhook messages that are due, and retry those that failed.

Safe to run on several servers at once: each message is claimed before it is sent. `openipt serve`
runs it every 10 seconds beside the escalation runner, in a process of its own, so a slow program at
the other end never delays an alert's escalation or e-mails.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openipt.api import webhook_actions


class Command(BaseCommand):
    help = "Send webhook messages that are due (and retry failed ones, with growing pauses)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="keep running, once every SECONDS (for a service); default: run once and stop")

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            raise CommandError("--every must be a number of seconds above 0")
        while True:
            counts = webhook_actions.deliver_due()
            if counts["delivered"] or counts["not_delivered"] or not every:
                self.stdout.write(f"webhook messages delivered: {counts['delivered']}; "
                                  f"not delivered (retried later or given up): {counts['not_delivered']}")
            if not every:
                return
            time.sleep(every)
