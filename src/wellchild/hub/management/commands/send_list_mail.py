"""The background sender of list mail: ``wellchild hub manage send_list_mail``."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wellchild.hub.mailing import domain


class Command(BaseCommand):
    help = "Send queued announcements in batches, retrying failures with growing delays."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then stop.")
        parser.add_argument("--poll", type=float, default=5.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            total = 0
            while sent := domain.send_batch():
                total += sent
            self.stdout.write(f"{total} messages sent.")
            return
        stopping: list[bool] = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            domain.run_worker(poll_seconds=options["poll"], stop=lambda: bool(stopping))
        except KeyboardInterrupt:
            return
