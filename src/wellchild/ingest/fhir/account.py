"""What an ingest used, skipped and filled in, and why: the account printed after it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """A malformed resource: where it is, which resource, which element, what is wrong."""

    origin: str
    resource: str
    path: str
    message: str

    def __str__(self) -> str:
        who = f" {self.resource}" if self.resource else ""
        where = f" at {self.path}" if self.path else ""
        return f"{self.origin}{who}{where}: {self.message}"


@dataclass(frozen=True)
class StandIn:
    """A claim's provider whose NPI is missing or fails the check digit, kept under a
    stand-in identifier so its visits still count."""

    resource: str
    name: str
    source_npi: str | None
    stand_in: str

    def __str__(self) -> str:
        found = f"NPI {self.source_npi} fails the check digit" if self.source_npi else "no NPI"
        return f"{self.resource} ({self.name}): {found}; kept as {self.stand_in}"


@dataclass
class Account:
    """Counts by resource type (or CSV file): read, used as table rows, skipped by reason."""

    read: Counter[str] = field(default_factory=Counter)
    used: Counter[tuple[str, str]] = field(default_factory=Counter)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    filled: Counter[tuple[str, str]] = field(default_factory=Counter)
    files_skipped: dict[str, str] = field(default_factory=dict)
    files_unreadable: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    stand_ins: list[StandIn] = field(default_factory=list)
    enrollment_found: dict[str, str] = field(default_factory=dict)
    counties_unknown: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def skip(self, kind: str, reason: str, count: int = 1) -> None:
        self.skipped[(kind, reason)] += count

    def fill(self, column: str, reason: str) -> None:
        """A required contract value the source lacks, written as the documented unknown."""
        self.filled[(column, reason)] += 1

    def to_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "read": dict(sorted(self.read.items())),
            "used": [
                {"resource": k, "table": t, "count": n} for (k, t), n in sorted(self.used.items())
            ],
            "skipped": [
                {"resource": k, "reason": r, "count": n}
                for (k, r), n in sorted(self.skipped.items())
            ],
            "filled": [
                {"column": c, "reason": r, "count": n} for (c, r), n in sorted(self.filled.items())
            ],
            "files_skipped": self.files_skipped,
            "files_unreadable": self.files_unreadable,
            "problems": [str(p) for p in self.problems],
            "warnings": self.warnings,
            "provider_kinds": [
                {"evidence": e, "kind": k, "count": n} for (e, k), n in sorted(self.kinds.items())
            ],
            "npi_stand_ins": [
                {
                    "resource": s.resource,
                    "name": s.name,
                    "source_npi": s.source_npi,
                    "stand_in": s.stand_in,
                }
                for s in self.stand_ins
            ],
            "enrollment_found": dict(sorted(self.enrollment_found.items())),
            "counties_unknown": dict(sorted(self.counties_unknown.items())),
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    def render(self) -> str:
        """Plain text, one line per count, for the terminal; warnings first."""
        lines = [f"WARNING: {w}" for w in self.warnings]
        lines.append("Read:")
        lines += [f"  {kind}: {n:,}" for kind, n in sorted(self.read.items())]
        lines.append("Used:")
        lines += [f"  {k} -> {t}: {n:,}" for (k, t), n in sorted(self.used.items())]
        if self.skipped:
            lines.append("Skipped:")
            lines += [f"  {k}: {n:,} ({r})" for (k, r), n in sorted(self.skipped.items())]
        if self.filled:
            lines.append("Filled in as unknown:")
            lines += [f"  {c}: {n:,} ({r})" for (c, r), n in sorted(self.filled.items())]
        if self.kinds:
            lines.append("Provider kind, and the evidence that decided it:")
            lines += [f"  {k} from {e}: {n:,}" for (e, k), n in sorted(self.kinds.items())]
        if self.stand_ins:
            lines.append(f"Claim providers kept under a stand-in NPI: {len(self.stand_ins):,}")
            lines += [f"  {s}" for s in self.stand_ins[:MAX_LISTED]]
        if self.enrollment_found:
            found = Counter(self.enrollment_found.values())
            lines.append("Enrollment found, by member:")
            lines += [f"  {how}: {n:,}" for how, n in sorted(found.items())]
        if self.counties_unknown:
            lines.append("County unknown (no crosswalk entry for the ZIP or district):")
            lines += [f"  {w}: {n:,}" for w, n in sorted(self.counties_unknown.items())]
        if self.files_skipped:
            lines.append("Files not read:")
            lines += [f"  {name}: {why}" for name, why in sorted(self.files_skipped.items())]
        if self.files_unreadable:
            lines.append("Files unreadable:")
            lines += [f"  {name}: {why}" for name, why in sorted(self.files_unreadable.items())]
        if self.problems:
            lines.append(f"Malformed: {len(self.problems):,}")
            lines += [f"  {p}" for p in self.problems[:MAX_LISTED]]
        return "\n".join(lines)
