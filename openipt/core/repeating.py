"""A management command that does one round of work, once or every N seconds (for a service with no cron).

A subclass says what one round does in `run_once()`, returning the line to print, or None when the
round found nothing to do (nothing is printed then while repeating; a single run always prints).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class RepeatingCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="keep running, once every SECONDS (for a service); default: run once and stop")

    def run_once(self) -> tuple[str, bool]:
        """Do one round; return the line that reports it and whether the round did anything."""
        raise NotImplementedError

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            raise CommandError("--every must be a number of seconds above 0")
        while True:
            line, did_something = self.run_once()
            if did_something or not every:
                self.stdout.write(line)
            if not every:
                return
            time.sleep(every)
