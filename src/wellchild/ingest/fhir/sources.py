"""Read an input folder as a stream of records, one at a time, so memory stays flat.

A folder holds FHIR (Bulk Data NDJSON files, one resource per line; JSON files with one
resource or a Bundle) or a Synthea CSV export (recognised by its ``patients.csv``). Only
the folder's own files are read, not sub-folders, because exports often keep a second
copy of the same data beside the first (Synthea's bundles and their NDJSON flattening).
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from wellchild.errors import InputError

SYNTHEA_MARKER = "patients.csv"


@dataclass(frozen=True)
class Record:
    """One resource (or CSV row) and where it was read: ``file:line`` or ``file#entry``."""

    origin: str
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Unreadable:
    """A line or file that is not a resource; reported with its place."""

    origin: str
    message: str
    whole_file: bool = False


def is_synthea_csv(folder: Path) -> bool:
    """True when ``folder`` is a Synthea CSV export."""
    return (folder / SYNTHEA_MARKER).is_file()


def files(folder: Path) -> list[Path]:
    """The folder's files in name order; raises InputError when there is nothing to read."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder.", hint="Give the folder of the export.")
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not found:
        raise InputError(f"{folder} holds no files.")
    return found


def _open(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return path.open(encoding="utf-8-sig")


def _resource(value: Any, origin: str) -> Record | Unreadable:
    if not isinstance(value, dict):
        return Unreadable(origin, "is not a JSON object")
    kind = value.get("resourceType")
    if not isinstance(kind, str) or not kind:
        return Unreadable(origin, "has no resourceType")
    return Record(origin, kind, value)


def _not_text(path: Path, line: int | None, exc: Exception) -> Unreadable:
    """A file that is not UTF-8 text (random bytes, a binary export, a broken gzip)."""
    where = f"{path.name}:{line}" if line else path.name
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1].hex()
        why = f"is not UTF-8 text (byte 0x{byte} cannot be decoded): not a FHIR file"
    else:
        why = f"cannot be read as text ({exc}): not a FHIR file"
    return Unreadable(where, why, whole_file=True)


UNREADABLE = (UnicodeDecodeError, gzip.BadGzipFile, EOFError, zlib.error)


def read_ndjson(path: Path) -> Iterator[Record | Unreadable]:
    """One resource per line; blank lines are allowed (some exporters end with one).

    A line that is not UTF-8 makes the rest of the file unreadable: it is reported once,
    with the line where reading stopped.
    """
    number = 0
    try:
        with _open(path) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                origin = f"{path.name}:{number}"
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Unreadable(origin, f"is not valid JSON ({exc.msg} at column {exc.colno})")
                    continue
                yield _resource(value, origin)
    except UNREADABLE as exc:
        yield _not_text(path, number + 1, exc)


def read_json(path: Path) -> Iterator[Record | Unreadable]:
    """A resource, or a Bundle whose entries are yielded one by one."""
    try:
        with _open(path) as handle:
            value = json.load(handle)
    except json.JSONDecodeError as exc:
        yield Unreadable(f"{path.name}:{exc.lineno}", f"is not valid JSON ({exc.msg})")
        return
    except UNREADABLE as exc:
        yield _not_text(path, None, exc)
        return
    if isinstance(value, dict) and value.get("resourceType") == "Bundle":
        for index, entry in enumerate(value.get("entry") or []):
            yield _resource((entry or {}).get("resource"), f"{path.name}#entry[{index}]")
        return
    yield _resource(value, path.name)


def read_csv(path: Path) -> Iterator[Record | Unreadable]:
    """Rows of a CSV file as records of kind ``<file name>``; line 1 is the header."""
    number = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield Record(f"{path.name}:{number}", path.name, dict(row))
    except (UnicodeDecodeError, csv.Error) as exc:
        yield _not_text(path, number + 1, exc)


def kind_of(path: Path) -> str:
    """``ndjson``, ``json`` or ``other`` by file name."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".ndjson"):
        return "ndjson"
    if name.endswith(".json"):
        return "json"
    return "other"
