"""``wellchild hub manage audit_verify``: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wellchild.hub.portal import audit
from wellchild.hub.portal.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain and list every record that does not follow "
        "from the one before it (changed, inserted or after a deleted record)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        breaks = list(audit.verify())
        for found in breaks:
            after = f"after record {found.previous_id}" if found.previous_id else "first record"
            self.stdout.write(
                f"BREAK at record {found.id} ({found.at:%Y-%m-%d %H:%M:%S %Z}, {after}): "
                "changed, inserted out of the chain, or a record before it was deleted"
            )
        if breaks:
            raise CommandError(f"The audit log's chain is broken in {len(breaks)} places.")
        self.stdout.write(f"{total} audit records; the chain is whole.")
