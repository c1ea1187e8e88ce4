"""`openipt sms send-due`: queue the SMS reminders and check-ins that are due, and send what is waiting.

Safe to repeat and to run on several servers at once: each reminder has one row by its key, and each
message is claimed before it is sent. `--every N` keeps running (for a service); `openipt serve` runs
it every 30 seconds beside the webhook sender, so a reply to a worrying answer leaves within a minute.
"""

from __future__ import annotations

from openipt.core.repeating import RepeatingCommand
from openipt.sms import outbox_actions


class Command(RepeatingCommand):
    help = "Queue SMS reminders and check-ins that are due, and send the messages waiting (retrying failed ones)."

    def run_once(self) -> tuple[str, bool]:
        done = outbox_actions.send_due()
        c = done.counts
        return (f"sms: queued {done.queued}; sent {c['sent']}, held by the daily limit {c['held']}, "
                f"waiting for the morning {c['night']}, "
                f"to retry {c['retry']}, failed {c['failed']}, not sent (stopped or too late) {c['cancelled']}; "
                f"urgent e-mails sent {done.urgent.get('sent', 0)}, failed {done.urgent.get('failed', 0)}",
                bool(done.queued or any(c.values()) or any(done.urgent.values())))
