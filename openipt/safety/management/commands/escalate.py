"""`openipt manage escalate`: escalate overdue risk alerts and send waiting notifications.

Safe to run twice and after downtime: each escalation step is carried out once, and every step
that fell due while nothing ran is carried out on the next run (recorded with how late it was).
Run it every minute from cron, or leave it running with `--every 60`.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openipt.core import heartbeat, logs
from openipt.safety import notify


class Command(BaseCommand):
    help = "Escalate risk alerts nobody acknowledged in time and send (or retry) their notifications."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="keep running, once every SECONDS (for a service); default: run once and stop")
        parser.add_argument("--at", default="", metavar="ISO-TIME",
                            help="act as if it were this time (for drills and tests), e.g. 2026-03-01T10:30:00+00:00")

    def handle(self, *args, every: int = 0, at: str = "", **options):
        now = None
        if at:
            try:
                now = datetime.fromisoformat(at)
            except ValueError:
                raise CommandError(f"--at {at!r} is not a date and time such as 2026-03-01T10:30:00+00:00") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if every < 0:
            raise CommandError("--every must be a number of seconds above 0")
        while True:
            with logs.bound(None):  # one id per round, carried into its log lines and any task it queues
                result = notify.run_due(now)
            # Readiness (/readyz) fails when no runner has finished a round for a while. Only a round that held
            # the lock and finished counts: a runner that found another holding it knows nothing of that one's
            # progress, and beating then would keep /readyz green while a stuck holder escalates nothing.
            if not result.get("busy"):
                heartbeat.beat(heartbeat.ESCALATION)
            if result.get("busy"):
                self.stdout.write("another server is running the escalation job right now; nothing to do this round")
            else:
                self.stdout.write(
                    f"escalation steps carried out: {result.get('steps', 0)}; e-mails sent: {result.get('sent', 0)}; "
                    f"waiting to retry: {result.get('pending', 0)}; failed for good: {result.get('failed', 0)}"
                )
            if not every:
                return
            time.sleep(every)
