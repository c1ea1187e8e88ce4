"""`openipt manage remind`: make the reminders that are due and queue their e-mails.

Safe to run every few minutes (from cron or a systemd timer): each reminder is made once per
thing it reminds about, and each e-mail is queued once. The e-mails are sent by the task
worker (`openipt manage db_worker`).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make the client reminders that are due now and queue their e-mails (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would be made")

    def handle(self, *args, **options):
        from openipt.practice.reminder_actions import make_due_reminders

        made, queued = make_due_reminders(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"{made} reminders would be made (dry run: nothing changed)")
        else:
            self.stdout.write(f"{made} reminders made, {queued} e-mails queued")
