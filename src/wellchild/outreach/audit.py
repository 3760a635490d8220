"""The audit log of member-level exports: one JSON line per export, append only.

Every command that writes named children (gap lists, referral forms, the referral
register) records who ran it, when, for which practice, how many children and which
files. The log is opened in append mode only; nothing in wellchild rewrites or deletes
it. Messages carry member counts, never names.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Sequence
from pathlib import Path

from wellchild import config

config.register(
    config.Setting(
        "audit_log",
        None,
        "Append-only file (JSON lines) recording every export of member-level data "
        "(gap lists, referral forms, referral registers); unset means `<db>.audit.jsonl` "
        "beside the store.",
        Path,
    )
)


def log_path(db: Path) -> Path:
    """The audit log in force for a store."""
    path: Path | None = config.get("audit_log")
    return path if path is not None else db.with_name(db.name + ".audit.jsonl")


def record(
    db: Path,
    *,
    action: str,
    practice_id: str | None,
    children: int,
    files: Sequence[Path],
) -> Path:
    """Append one export to the log and return the log's path."""
    path = log_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "user": getpass.getuser(),
        "pid": os.getpid(),
        "action": action,
        "practice_id": practice_id,
        "children": children,
        "files": [str(f) for f in files],
    }
    with path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return path


def read(db: Path) -> list[dict[str, object]]:
    """Every entry of a store's audit log, oldest first."""
    path = log_path(db)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
