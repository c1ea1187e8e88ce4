"""`openipt sms send-due`: queue the SMS reminders and check-ins that are due, and send what is waiting.

Safe to repeat and to run on several servers at once: each reminder has one row by its key, and each
message is claimed before it is sent. `--every N` keeps running (for a service); `openipt serve` runs
it every 30 seconds beside the webhook sender, so a reply to a worrying answer leaves within a minute.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openipt.sms import outbox_actions


class Command(BaseCommand):
    help = "Queue SMS reminders and check-ins that are due, and send the messages waiting (retrying failed ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="keep running, once every SECONDS (for a service); default: run once and stop")

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            raise CommandError("--every must be a number of seconds above 0")
        while True:
            done = outbox_actions.send_due()
            c = done.counts
            if done.queued or any(c.values()) or not every:
                self.stdout.write(f"sms: queued {done.queued}; sent {c['sent']}, held by the daily limit {c['held']}, "
                                  f"to retry {c['retry']}, failed {c['failed']}, not sent (stopped or too late) "
                                  f"{c['cancelled']}", )
            if not every:
                return
            time.sleep(every)
