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


@dataclass
class Account:
    """Counts by resource type (or CSV file): read, used as table rows, skipped by reason."""

    read: Counter[str] = field(default_factory=Counter)
    used: Counter[tuple[str, str]] = field(default_factory=Counter)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    filled: Counter[tuple[str, str]] = field(default_factory=Counter)
    files_skipped: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

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
            "problems": [str(p) for p in self.problems],
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    def render(self) -> str:
        """Plain text, one line per count, for the terminal."""
        lines = ["Read:"]
        lines += [f"  {kind}: {n:,}" for kind, n in sorted(self.read.items())]
        lines.append("Used:")
        lines += [f"  {k} -> {t}: {n:,}" for (k, t), n in sorted(self.used.items())]
        if self.skipped:
            lines.append("Skipped:")
            lines += [f"  {k}: {n:,} ({r})" for (k, r), n in sorted(self.skipped.items())]
        if self.filled:
            lines.append("Filled in as unknown:")
            lines += [f"  {c}: {n:,} ({r})" for (c, r), n in sorted(self.filled.items())]
        if self.files_skipped:
            lines.append("Files not read:")
            lines += [f"  {name}: {why}" for name, why in sorted(self.files_skipped.items())]
        if self.problems:
            lines.append(f"Malformed: {len(self.problems):,}")
            lines += [f"  {p}" for p in self.problems[:MAX_LISTED]]
        return "\n".join(lines)
