"""``wellchild ingest fhir``: a FHIR or Synthea export → the six contract files.

Every record goes through its declarative view, then the builders. A malformed record is
reported with its place (file and line or bundle entry), its resource id and the element;
by default any malformed record stops the ingest before a file is written, as a load
does, and ``skip_malformed`` writes the rest and lists them.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from wellchild.contract import BY_NAME
from wellchild.errors import InputError
from wellchild.ingest.fhir import sources
from wellchild.ingest.fhir.account import MAX_LISTED, Account, Problem
from wellchild.ingest.fhir.build import CLAIM_ENROLLMENT, Builder, Out
from wellchild.ingest.fhir.values import Malformed
from wellchild.ingest.fhir.views import Mapping, mapping

TABLE_ORDER = (
    "member",
    "enrollment",
    "pcp_assignment",
    "provider",
    "medical_claim",
    "dental_claim",
)
ACCOUNT_FILE = "ingest_account.json"


@dataclass(frozen=True)
class IngestResult:
    """Where the six files and the account were written, and the account itself."""

    out: Path
    files: dict[str, Path]
    account: Account


def ingest(
    folder: Path,
    out: Path,
    *,
    skip_malformed: bool = False,
    enrollment_from_claims: str | None = None,
) -> IngestResult:
    """Read ``folder`` (FHIR or Synthea CSV) and write the six contract files to ``out``.

    ``enrollment_from_claims`` (one of :data:`CLAIM_ENROLLMENT`) derives enrollment spans
    from the claims of members that no Coverage with a period names; without it such
    members have no enrollment, and the account warns.
    """
    if enrollment_from_claims is not None and enrollment_from_claims not in CLAIM_ENROLLMENT:
        raise InputError(
            f"--enrollment-from-claims expects one of {', '.join(CLAIM_ENROLLMENT)}, "
            f"found {enrollment_from_claims!r}."
        )
    account = Account()
    fmt = "synthea_csv" if sources.is_synthea_csv(folder) else "fhir"
    views = mapping(fmt)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        builder = Builder(
            account,
            spool,
            default_system=views.settings.get("code_system"),
            enrollment_from_claims=enrollment_from_claims,
        )
        for record in _records(folder, fmt, views, account):
            _take(record, views, builder, account)
        if account.problems and not skip_malformed:
            listed = "\n".join(f"  {p}" for p in account.problems[:MAX_LISTED])
            raise InputError(
                f"{len(account.problems):,} malformed record(s) in {folder}; "
                f"nothing was written.\n{listed}",
                hint="Fix the export, or pass --skip-malformed to ingest the rest and list them.",
            )
        if not builder.members:
            raise InputError(
                f"Nothing usable in {folder}: no Patient with a full birth date "
                f"({sum(account.read.values()):,} records read, "
                f"{len(account.files_unreadable):,} files unreadable); nothing was written.",
                hint="Give the folder of a FHIR or Synthea export that holds the children.",
            )
        files = _write_tables(builder, out, account)
    account.write(out / ACCOUNT_FILE)
    return IngestResult(out, {n: files[n] for n in TABLE_ORDER}, account)


def _write_tables(builder: Builder, out: Path, account: Account) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "member": _write(out, "member", builder.members.values(), account),
        "enrollment": _write(out, "enrollment", builder.enrollment(), account),
        "pcp_assignment": _write(out, "pcp_assignment", builder.pcp_assignment(), account),
        "provider": _write(out, "provider", _unique_providers(builder.providers()), account),
    }
    with _Writers(out, account) as writers:
        for table, row in builder.claim_lines():
            writers.write(table, row)
    return files | writers.paths


def _records(
    folder: Path, fmt: str, views: Mapping, account: Account
) -> Iterator[sources.Record | sources.Unreadable]:
    for path in sources.files(folder):
        if fmt == "synthea_csv":
            if path.name in views.views:
                yield from sources.read_csv(path)
            else:
                account.files_skipped[path.name] = views.skip.get(path.name, "not a Synthea table")
            continue
        kind = sources.kind_of(path)
        if kind == "ndjson":
            yield from sources.read_ndjson(path)
        elif kind == "json":
            yield from sources.read_json(path)
        else:
            account.files_skipped[path.name] = "not FHIR JSON or NDJSON"


def _take(
    record: sources.Record | sources.Unreadable, views: Mapping, builder: Builder, account: Account
) -> None:
    if isinstance(record, sources.Unreadable):
        account.problems.append(Problem(record.origin, "", "", record.message))
        if record.whole_file:
            account.files_unreadable[record.origin.partition(":")[0]] = record.message
        return
    account.read[record.kind] += 1
    view = views.views.get(record.kind)
    if view is None:
        account.skip(record.kind, views.skip.get(record.kind, "not used by the contract"))
        return
    resource = f"{record.kind}/{record.data.get('id')}" if "id" in record.data else ""
    try:
        for row in view.rows(record.data):
            builder.add(view.name, record.kind, record.origin, row)
        _contained_coverage(record, views, builder, account)
    except Malformed as exc:
        account.problems.append(Problem(record.origin, resource, exc.path, str(exc)))


def _contained_coverage(
    record: sources.Record, views: Mapping, builder: Builder, account: Account
) -> None:
    """A Coverage contained in a claim (as CARIN and Synthea put it) is coverage too."""
    view = views.views.get("Coverage")
    contained = record.data.get("contained")
    if view is None or not isinstance(contained, list):
        return
    kind = f"Coverage in {record.kind}"
    for item in contained:
        if isinstance(item, dict) and item.get("resourceType") == "Coverage":
            account.read[kind] += 1
            patient = (record.data.get("patient") or {}).get("reference")
            for row in view.rows(item):
                row["patient"] = row.get("patient") or patient
                builder.add(view.name, kind, record.origin, row)


def _columns(table: str, extra: Iterable[str]) -> list[str]:
    names = list(BY_NAME[table].names)
    return names + [c for c in extra if c not in names]


def _write(out: Path, table: str, rows: Iterable[Out], account: Account) -> Path:
    path = out / f"{table}.csv"
    account.rows[table] = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            account.rows[table] += 1
            if writer is None:
                writer = csv.DictWriter(handle, _columns(table, row))
                writer.writeheader()
            writer.writerow(row)
        if writer is None:
            csv.writer(handle).writerow(BY_NAME[table].names)
    return path


def _unique_providers(rows: Iterable[Out]) -> Iterator[Out]:
    """A practitioner listed twice for one practice (two roles there) is one provider row."""
    seen: set[tuple[object, object]] = set()
    for row in rows:
        key = (row["npi"], row["practice_id"])
        if key not in seen:
            seen.add(key)
            yield row


class _Writers:
    """The two claim files, written line by line as the spool is resolved."""

    def __init__(self, out: Path, account: Account) -> None:
        self.out = out
        self.account = account
        self.paths: dict[str, Path] = {}
        self._handles: dict[str, tuple[IO[str], csv.DictWriter[str]]] = {}

    def __enter__(self) -> _Writers:
        return self

    def write(self, table: str, row: Out) -> None:
        if table not in self._handles:
            path = self.out / f"{table}.csv"
            handle = path.open("w", encoding="utf-8", newline="")
            writer = csv.DictWriter(handle, _columns(table, row))
            writer.writeheader()
            self._handles[table] = (handle, writer)
            self.paths[table] = path
            self.account.rows[table] = 0
        self._handles[table][1].writerow(row)
        self.account.rows[table] += 1

    def __exit__(self, *exc: object) -> None:
        for handle, _ in self._handles.values():
            handle.close()
        for table in ("medical_claim", "dental_claim"):
            if table not in self.paths:
                self.paths[table] = _write(self.out, table, [], self.account)
