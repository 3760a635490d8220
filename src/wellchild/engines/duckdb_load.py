"""Validate an input folder and load it into the store, all or nothing.

The load reads each file once into a typed staging table (every value normalised, every
unusable value kept aside with its row), runs every check of the contract, and only
when no error-level problem exists replaces the input tables, rebuilds the core tables
and records what was loaded, in one transaction. A failed load rolls back; a killed one
never commits; a first load is built in a side file and renamed into place. Either way
the store holds the previous load or the new one, never a mix.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from wellchild import __version__, config
from wellchild.contract import BY_NAME, TABLES
from wellchild.contract.schema import (
    Column,
    KnownProvider,
    NoOverlap,
    NotFuture,
    Ordered,
    References,
    Severity,
    Unique,
    WithinLife,
)
from wellchild.engines.duckdb_sql import (
    BAD_VALUE,
    BY_VALUE,
    MACROS,
    bad_text,
    literal,
    quote,
    sql_type,
    stored,
    trimmed,
    value_valid,
)
from wellchild.engines.duckdb_store import SCHEMA_VERSION, connect, dumps, remove_store_files
from wellchild.errors import LoadRejected, StoreError
from wellchild.ingest.report import Example, LoadReport, Problem
from wellchild.ingest.tabular import SourceFile, bare_quotes, discover, file_error, read_bytes

BAD = "bad__"  # prefix of the columns that keep unusable values aside while checking

Progress = Callable[[str, float], None]
"""Called with a description of the step and the fraction of the load done so far."""

_REJECTS = {
    "MISSING COLUMNS": ("row_short", "the row has fewer values than the header has columns"),
    "TOO MANY COLUMNS": ("row_long", "the row has more values than the header has columns"),
    "UNQUOTED VALUE": ("quote", "a quoted value is not closed, or a quote stands inside a value"),
    "INVALID ENCODING": ("encoding", "the row is not UTF-8 text"),
    "LINE SIZE OVER MAXIMUM": ("row_too_long", "the row is longer than 2 MB"),
}


@dataclass(frozen=True)
class LoadResult:
    """A finished load: where, what (rows per table), and the warnings it counted."""

    db: Path
    report: LoadReport
    rows: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Check:
    """One row-level check, as SQL over the staging table ``s`` and its joins."""

    id: str
    severity: Severity
    column: str | None
    message: str
    expected: str
    cond: str
    found: str
    hint: str = ""
    joins: tuple[str, ...] = ()


@dataclass
class Staged:
    """A file read into its staging table, and how to turn row ids into row numbers."""

    source: SourceFile
    name: str
    rows: int
    first_row: int
    base_rowid: int = 0
    rejected: list[int] = field(default_factory=list)

    def row_number(self, rowid: int) -> int:
        """The spreadsheet row of a staged row, skipping rows the reader rejected."""
        rowid -= self.base_rowid
        number = rowid + self.first_row
        for _ in range(len(self.rejected) + 1):
            shift = bisect.bisect_right(self.rejected, number)
            candidate = rowid + self.first_row + shift
            if candidate == number:
                break
            number = candidate
        return number


def load_folder(
    folder: Path,
    db: Path,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Validate ``folder`` against the contract and load it into the store ``db``.

    Raises
    ------
    LoadRejected
        When any error-level problem is found; the exception's ``report`` lists every
        problem and the store is left exactly as it was.
    """
    started = time.perf_counter()
    folder = folder.expanduser()
    report = LoadReport(source=str(folder.resolve()))
    sources = discover(folder, report)
    fresh = not db.exists()
    if db.exists() and db.is_dir():
        raise StoreError(
            f"--db {db} is a folder.", hint="Pass a file path such as ./wellchild.duckdb."
        )
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_side_files(db)
    target = db.with_name(f".{db.name}.loading-{os.getpid()}") if fresh else db
    con = connect(target)
    try:
        loader = _Loader(con, report, today or dt.date.today(), progress)
        # Everything happens in one transaction: the files are read straight into the
        # input tables, checked there, and either committed whole or rolled back.
        while True:
            con.execute("BEGIN TRANSACTION")
            failed = loader.read(sources)
            if failed is None:
                break
            con.execute("ROLLBACK")  # an unreadable file: read the others again without it
            failed.usable = False
            loader.reset()
        loader.check()
        if not report.ok:
            con.execute("ROLLBACK")
            raise LoadRejected(
                f"{report.summary()} in {folder}. Nothing was loaded.", report=report
            )
        loader.finish(started)
        loader.step("Saving", 0.98)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        con.close()
        if fresh:
            remove_store_files(target)
        raise
    con.close()
    if fresh:
        _claim(target, db)
    return LoadResult(
        db=db, report=report, rows=dict(report.rows), seconds=time.perf_counter() - started
    )


def _claim(side: Path, db: Path) -> None:
    """Put a first load's side file in place as the store, unless another load got there
    first: a rename would silently replace that load's store (and its load would have
    reported success for data that is gone), a hard link refuses to."""
    try:
        os.link(side, db)
    except FileExistsError:
        remove_store_files(side)
        raise StoreError(
            f"Another load created the store {db} while this one ran; this load was not "
            "saved and the store holds the other one.",
            hint="Run one load at a time into a store; run this load again to replace it.",
        ) from None
    except OSError:  # a file system without hard links: the rename is the best it has
        os.replace(side, db)
        return
    side.unlink()


def _remove_stale_side_files(db: Path) -> None:
    """Side files of first loads that were killed before their rename."""
    for side in db.parent.glob(f".{db.name}.loading-*"):
        pid_text = side.name.rsplit("-", 1)[-1].split(".")[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if side.is_dir():  # the engine's spill folder
                shutil.rmtree(side)
            else:
                side.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Loader:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        report: LoadReport,
        today: dt.date,
        progress: Progress | None,
    ) -> None:
        self.con = con
        self.report = report
        self.today = today
        self.progress = progress
        self.examples: int = config.get("problem_examples")
        self.staged: dict[str, Staged] = {}
        self.distinct_done: set[str] = set()
        for macro in MACROS:
            con.execute(macro)

    def step(self, what: str, done: float) -> None:
        if self.progress is not None:
            self.progress(what, done)

    # -- reading ---------------------------------------------------------------------

    def reset(self) -> None:
        self.staged = {}
        self.distinct_done = set()
        self.report.rows.clear()
        # Problems found while reading are found again; those about files stay.
        self.report.problems[:] = [p for p in self.report.problems if p.count == 0]

    def read(self, sources: list[SourceFile]) -> SourceFile | None:
        """Read every usable file into its input table; the first unreadable one is
        reported and returned (the caller rolls back and reads the others again)."""
        usable = [s for s in sources if s.usable]
        sizes = {s.table.name: max(s.path.stat().st_size, 1) for s in usable}
        total = sum(sizes.values()) or 1
        done = 0.0
        for source in usable:
            self.step(f"Reading {source.label}", 0.6 * done / total)
            staged = self._stage(source)
            if staged is None:
                return source
            self.staged[source.table.name] = staged
            self.report.rows[source.table.name] = staged.rows
            done += sizes[source.table.name]
        return None

    def check(self) -> None:
        for checked, table in enumerate(TABLES):
            if table.name in self.staged:
                label = self.staged[table.name].source.label
                self.step(f"Checking {label}", 0.6 + 0.25 * checked / len(TABLES))
                self._check(self.staged[table.name])

    def _stage(self, source: SourceFile) -> Staged | None:
        table = source.table
        name = f"input__{table.name}"
        if source.format == "csv":
            columns = (
                "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(source.columns))) + "}"
            )
            reader = (
                f"read_csv({literal(str(source.path))}, header = true, auto_detect = false, "
                f"columns = {columns}, delim = ',', quote = '\"', escape = '\"', "
                f"strict_mode = true, store_rejects = true, "
                f"rejects_table = 'rejects__{table.name}', rejects_scan = 'scans__{table.name}', "
                f"max_line_size = 2097152)"
            )
            raw = [f"c{i}" for i in range(len(source.columns))]
            first_row = 2
        else:
            reader = f"read_parquet({literal(str(source.path))})"
            raw = [f"CAST({quote(c)} AS VARCHAR)" for c in source.columns]
            first_row = 1
        texts = [f"{trimmed(r)} AS v{i}" for i, r in enumerate(raw)]
        selects: list[str] = []
        for column in table.columns:
            position = source.mapping.get(column.name)
            if position is None:
                selects.append(f"CAST(NULL AS {sql_type(column)}) AS {quote(column.name)}")
                continue
            v = f"v{position}"
            # Typed values keep what can be read; a value that breaks an error-level rule
            # rejects the whole load, so it never reaches a committed table.
            typed = f"CAST({stored(column, v)} AS {sql_type(column)})"
            selects.append(f"{typed} AS {quote(column.name)}")
            bad = bad_text(column, v)
            if bad is not None:
                selects.append(f"{bad} AS {quote(BAD + column.name)}")
        for position in source.extra:
            extra = source.columns[position].strip().lower()
            selects.append(f"v{position} AS {quote(extra)}")
        sql = (
            f"CREATE OR REPLACE TABLE {name} AS SELECT {', '.join(selects)} "
            f"FROM (SELECT {', '.join(texts)} FROM {reader})"
        )
        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            self._unreadable(source, str(exc).splitlines()[0][:200])
            return None
        counted = self.con.execute(f"SELECT count(*), min(rowid) FROM {name}").fetchone()
        assert counted is not None
        if source.rows is not None and int(counted[0]) != source.rows:
            self._unreadable(source, f"{counted[0]:,} rows read of the {source.rows:,} promised")
            return None
        staged = Staged(
            source=source,
            name=name,
            rows=int(counted[0]),
            first_row=first_row,
            base_rowid=int(counted[1] or 0),
        )
        if source.format == "csv":
            staged.rejected = self._rejects(staged)
            self._bare_quotes(staged)
        return staged

    def _error(
        self,
        source: SourceFile,
        check: str,
        message: str,
        expected: str,
        examples: list[tuple[int | None, str]],
        hint: str,
        count: int = 0,
    ) -> None:
        """Report an error about a whole file or its raw rows (no column)."""
        self.report.add(
            file_error(
                source.path,
                check,
                message,
                expected,
                hint=hint,
                examples=tuple(Example(row=r, found=f) for r, f in examples[: self.examples]),
                count=count,
            )
        )

    def _unreadable(self, source: SourceFile, found: str) -> None:
        if source.format == "csv":
            self._error(
                source,
                "file_unreadable",
                "the file cannot be read",
                "a CSV file (UTF-8, comma separated, header row)",
                [(None, found)],
                "Open the file in a text editor or re-export it from its source.",
            )
        else:
            self._error(
                source,
                "file_unreadable",
                "the Parquet file is damaged: its row groups cannot all be read",
                "a complete Parquet file",
                [(None, found)],
                "Write the file again; a copy may have been cut short.",
            )

    def _bare_quotes(self, staged: Staged) -> None:
        """Report double quotes inside values that are not in quotes (``1"U``).

        The engine's reader takes such a value as it stands, so the raw file is read
        again, only when some value holds a double quote at all (rare in clean data).
        """
        texts = [
            quote(c.name)
            for c in staged.source.table.columns
            if c.name in staged.source.mapping and sql_type(c) == "VARCHAR"
        ] + [quote(staged.source.columns[p].strip().lower()) for p in staged.source.extra]
        if not texts:
            return
        where = " OR ".join(f"contains({t}, '\"')" for t in texts)
        if not self._scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM {staged.name} WHERE {where} LIMIT 1)"
        ):
            return
        found = bare_quotes(read_bytes(staged.source.path))
        if not found:
            return
        self._error(
            staged.source,
            "quote",
            "a double quote stands inside a value that is not in quotes",
            'a value holding quotes written in double quotes: "1""U"',
            [(line, text) for line, text in found],
            "Values holding quotes must be in double quotes, with quotes inside "
            'doubled (""). Export the file again as CSV.',
            count=len(found),
        )

    def _rejects(self, staged: Staged) -> list[int]:
        table = staged.source.table.name
        rows = self.con.execute(
            f"SELECT line, error_type, error_message, line_byte_position FROM rejects__{table} "
            "ORDER BY line"
        ).fetchall()
        if not rows:
            return []
        by_type: dict[str, dict[int, str]] = {}
        by_position: dict[str, dict[int, int]] = {}
        for line, error_type, message, position in rows:  # one per missing value: count rows
            by_type.setdefault(str(error_type), {}).setdefault(int(line), str(message))
            by_position.setdefault(str(error_type), {})[int(line)] = int(position or 0)
        for error_type, items in by_type.items():
            check, message = _REJECTS.get(
                error_type, ("row_malformed", f"the row cannot be read ({error_type.lower()})")
            )
            expected = f"{len(staged.source.columns)} comma-separated values, as in the header"
            if check == "encoding":
                expected = "UTF-8 text"
            cut = self._cut_short(staged, error_type, by_position[error_type])
            if cut is not None:
                text = items.pop(cut)
                self._error(
                    staged.source,
                    "cut_short",
                    "the last row is incomplete and has no line break at its end: the file "
                    "may be cut short",
                    expected + ", then a line break",
                    [(cut, _reject_found(error_type, text))],
                    "Copy or export the file again; compare its size with the original's.",
                    count=1,
                )
                if not items:
                    continue
            self._error(
                staged.source,
                check,
                message,
                expected,
                [(line, _reject_found(error_type, text)) for line, text in items.items()],
                "Values holding commas, quotes or line breaks must be in double quotes, with "
                'quotes inside doubled (""). Export the file again as CSV.'
                if check != "encoding"
                else "Save the file as 'CSV UTF-8' or convert it with iconv.",
                count=len(items),
            )
        return sorted({int(r[0]) for r in rows})

    @staticmethod
    def _cut_short(staged: Staged, error_type: str, positions: dict[int, int]) -> int | None:
        """The rejected line that is the file's unfinished last line, if one is: it
        starts on the last line, or is a quote left open until the end of the file."""
        at = staged.source.last_line_at
        if at is None or not positions:
            return None
        line = max(positions)
        if positions[line] >= at or error_type == "UNQUOTED VALUE":
            return line
        return None

    # -- checking --------------------------------------------------------------------

    def _check(self, staged: Staged) -> None:
        table = staged.source.table
        checks = self._value_checks(staged) + self._rule_checks(staged)
        # One scan per set of joins: a scan with many joins costs more than several
        # scans with few (checks that need no join share one scan).
        groups: dict[tuple[str, ...], list[Check]] = {}
        for check in checks:
            groups.setdefault(check.joins, []).append(check)
        for joins, group in groups.items():
            counts = ", ".join(f"count(*) FILTER (WHERE {c.cond})" for c in group)
            result = self.con.execute(
                f"SELECT {counts} FROM {staged.name} s {' '.join(joins)}"
            ).fetchone()
            assert result is not None
            for check, count in zip(group, result, strict=True):
                if count:
                    self._report(staged, check, int(count))
        for rule in table.rules:
            if isinstance(rule, Unique):
                self._unique(staged, rule)
            elif isinstance(rule, NoOverlap):
                self._overlap(staged, rule)

    def _value_checks(self, staged: Staged) -> list[Check]:
        checks: list[Check] = []
        for column in staged.source.table.columns:
            if column.name not in staged.source.mapping:
                continue
            name = quote(column.name)
            has_bad = bad_text(column, "x") is not None
            if column.required:
                bad = f" AND s.{quote(BAD + column.name)} IS NULL" if has_bad else ""
                checks.append(
                    Check(
                        id="required",
                        severity=Severity.ERROR,
                        column=column.name,
                        message="a required value is empty",
                        expected=f"a value ({column.expected})",
                        cond=f"s.{name} IS NULL{bad}",
                        found="'(empty)'",
                        hint=f"Every row needs {column.name}."
                        + (f" {column.notes.capitalize()}." if column.notes else ""),
                    )
                )
            if column.kind in BY_VALUE:
                bad_values = self._bad_values(staged, column)
                if not self._scalar(f"SELECT count(*) FROM {bad_values}"):
                    continue  # every distinct value is fine: no row can fail
                alias = f"badv_{column.name}"
                cond = f"{alias}.k IS NOT NULL"
                found = _found(column, f"s.{name}")
                joins: tuple[str, ...] = (
                    f"LEFT JOIN {self._bad_values(staged, column)} {alias} ON s.{name} = {alias}.k",
                )
            elif has_bad:
                bad_col = f"s.{quote(BAD + column.name)}"
                cond, found, joins = f"{bad_col} IS NOT NULL", _found(column, bad_col), ()
            else:
                continue
            checks.append(
                Check(
                    id=f"bad_{column.kind.value}",
                    severity=column.severity,
                    column=column.name,
                    message=f"{column.name} {BAD_VALUE[column.kind]}",
                    expected=column.expected,
                    cond=cond,
                    found=found,
                    hint=column.hint
                    + (
                        " The line is kept and the value simply matches nothing."
                        if column.severity is Severity.WARNING
                        else ""
                    ),
                    joins=joins,
                )
            )
        return checks

    def _bad_values(self, staged: Staged, column: Column) -> str:
        """A temporary table of a column's distinct values that break its kind: codes and
        NPIs repeat a lot, so each distinct value is tested once."""
        table = staged.source.table.name
        distinct = f"distinct__{table}"
        if distinct not in self.distinct_done:  # one scan collects every such column
            present = [
                c.name
                for c in staged.source.table.columns
                if c.kind in BY_VALUE and c.name in staged.source.mapping
            ]
            which = " ".join(f"WHEN grouping({quote(c)}) = 0 THEN {literal(c)}" for c in present)
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {distinct} AS SELECT CASE {which} END AS col, "
                f"coalesce({', '.join(f'CAST({quote(c)} AS VARCHAR)' for c in present)}) AS k "
                f"FROM {staged.name} GROUP BY GROUPING SETS "
                f"({', '.join(f'({quote(c)})' for c in present)})"
            )
            self.distinct_done.add(distinct)
        name = f"bad_values__{table}__{column.name}"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT k FROM {distinct} "
            f"WHERE col = {literal(column.name)} AND k IS NOT NULL "
            f"AND NOT coalesce({value_valid(column, 'k')}, FALSE)"
        )
        return name

    def _rule_checks(self, staged: Staged) -> list[Check]:
        table = staged.source.table
        present = set(staged.source.mapping)
        checks: list[Check] = []
        for index, rule in enumerate(table.rules):
            if isinstance(rule, Ordered) and {rule.earlier, rule.later} <= present:
                a, b = f"s.{quote(rule.earlier)}", f"s.{quote(rule.later)}"
                checks.append(
                    Check(
                        id="order",
                        severity=rule.severity,
                        column=rule.later,
                        message=f"{rule.later} is before {rule.earlier}",
                        expected=f"{rule.later} on or after {rule.earlier}",
                        cond=f"{b} < {a}",
                        found=f"'{rule.later} ' || {b} || ' < {rule.earlier} ' || {a}",
                        hint=f"Check both dates; {rule.earlier} and {rule.later} may have been "
                        "swapped.",
                    )
                )
            elif isinstance(rule, NotFuture) and rule.column in present:
                c = f"s.{quote(rule.column)}"
                checks.append(
                    Check(
                        id="future",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is in the future",
                        expected=f"a date on or before today ({self.today.isoformat()})",
                        cond=f"{c} > DATE '{self.today.isoformat()}'",
                        found=f"CAST({c} AS VARCHAR)",
                        hint="A date in the future is usually a typo in the year.",
                    )
                )
            elif isinstance(rule, References) and rule.column in present:
                target = self.staged.get(rule.table)
                if target is None:
                    continue
                alias = f"r{index}"
                c = f"s.{quote(rule.column)}"
                join = (
                    f"LEFT JOIN (SELECT DISTINCT {quote(rule.target)} AS k FROM "
                    f"{target.name}) {alias} ON {c} = {alias}.k"
                )
                if (rule.table, rule.target, rule.column) == ("member", "member_id", "member_id"):
                    alias, join = "life", self._life_join()  # one join serves both rules
                checks.append(
                    Check(
                        id=f"unknown_{rule.target}",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is not in {rule.table}",
                        expected=f"a {rule.target} listed in {target.source.label}",
                        cond=f"{c} IS NOT NULL AND {alias}.k IS NULL"
                        + (  # a value of the wrong shape is reported once, as such
                            f" AND {value_valid(table.column(rule.column), c)}"
                            if table.column(rule.column).kind in BY_VALUE
                            else ""
                        ),
                        found=c,
                        hint=rule.hint,
                        joins=(join,),
                    )
                )
            elif isinstance(rule, WithinLife) and rule.column in present:
                member = self.staged.get("member")
                if member is None:
                    continue
                alias = "life"
                c = f"s.{quote(rule.column)}"
                join = self._life_join()
                checks.append(
                    Check(
                        id="before_birth",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is before the child's birth_date",
                        expected=f"{rule.column} on or after birth_date in member",
                        cond=f"{c} < {alias}.birth",
                        found=f"{c} || ' < birth ' || {alias}.birth",
                        hint="The line is kept; check the date or the member_id.",
                        joins=(join,),
                    )
                )
                checks.append(
                    Check(
                        id="after_death",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is after the child's death_date",
                        expected=f"{rule.column} on or before death_date in member",
                        cond=f"{c} > {alias}.death",
                        found=f"{c} || ' > death ' || {alias}.death",
                        hint="The line is kept; check the date or the member_id.",
                        joins=(join,),
                    )
                )
            elif isinstance(rule, KnownProvider):
                provider = self.staged.get("provider")
                if provider is None:
                    continue
                joins, conds = [], []
                for column in rule.columns:
                    alias = f"p_{column}"
                    c = f"s.{quote(column)}" if column in present else "NULL"
                    joins.append(
                        f"LEFT JOIN (SELECT DISTINCT npi AS k FROM {provider.name}) {alias} "
                        f"ON {c} = {alias}.k"
                    )
                    conds.append(f"{alias}.k IS NULL")
                shown = (
                    " || ', ' || ".join(
                        f"'{c} ' || coalesce(s.{quote(c)}, '(empty)')"
                        for c in rule.columns
                        if c in present
                    )
                    or "'(no NPI columns)'"
                )
                checks.append(
                    Check(
                        id="unknown_provider",
                        severity=rule.severity,
                        column=", ".join(rule.columns),
                        message="no NPI on the line names a provider in provider",
                        expected="a rendering or billing NPI listed in provider",
                        cond=" AND ".join(conds),
                        found=shown,
                        hint=rule.hint,
                        joins=tuple(joins),
                    )
                )
        return checks

    def _life_join(self) -> str:
        """Each row's child (alias ``life``): whether it exists, its birth and death."""
        member = self.staged["member"]
        return (
            f"LEFT JOIN (SELECT member_id AS k, min(birth_date) AS birth, "
            f"max(death_date) AS death FROM {member.name} GROUP BY member_id) life "
            f"ON s.member_id = life.k"
        )

    def _report(self, staged: Staged, check: Check, count: int) -> None:
        member = "s.member_id" if "member_id" in staged.source.mapping else "NULL"
        rows = self.con.execute(
            f"SELECT s.rowid, CAST({check.found} AS VARCHAR), {member} FROM {staged.name} s "
            # the engine keeps table order, so the first rows found are the first in the file
            f"{' '.join(check.joins)} WHERE {check.cond} LIMIT {self.examples}"
        ).fetchall()
        self.report.add(
            Problem(
                severity=check.severity,
                file=staged.source.label,
                column=check.column,
                check=check.id,
                message=check.message,
                expected=check.expected,
                count=count,
                examples=tuple(
                    Example(row=staged.row_number(int(r[0])), found=str(r[1]), member_id=r[2])
                    for r in rows
                ),
                hint=check.hint,
            )
        )

    def _unique(self, staged: Staged, rule: Unique) -> None:
        if not set(rule.columns) <= set(staged.source.mapping):
            return
        key = ", ".join(quote(c) for c in rule.columns)
        not_null = " AND ".join(f"{quote(c)} IS NOT NULL" for c in rule.columns)
        count = self._scalar(
            f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {staged.name} "
            f"WHERE {not_null} GROUP BY {key} HAVING count(*) > 1)"
        )
        if not count:
            return
        shown = " || ', ' || ".join(f"'{c} ' || CAST({quote(c)} AS VARCHAR)" for c in rule.columns)
        member = "member_id" if "member_id" in staged.source.mapping else "NULL"
        rows = self.con.execute(
            f"SELECT rowid, {shown}, first_rowid, {member} FROM (SELECT rowid, *, "
            f"min(rowid) OVER (PARTITION BY {key}) AS first_rowid, "
            f"row_number() OVER (PARTITION BY {key} ORDER BY rowid) AS k "
            f"FROM {staged.name} WHERE {not_null}) WHERE k > 1 ORDER BY rowid "
            f"LIMIT {self.examples}"
        ).fetchall()
        names = ", ".join(rule.columns)
        self.report.add(
            Problem(
                severity=rule.severity,
                file=staged.source.label,
                column=names,
                check="duplicate_key",
                message=f"the key ({names}) is repeated",
                expected=f"each ({names}) once: {staged.source.table.grain}",
                count=count,
                examples=tuple(
                    Example(
                        row=staged.row_number(int(r[0])),
                        found=f"{r[1]}, already on row {staged.row_number(int(r[2]))}",
                        member_id=r[3],
                    )
                    for r in rows
                ),
                hint="Remove the repeated rows, or give each its own key.",
            )
        )

    def _overlap(self, staged: Staged, rule: NoOverlap) -> None:
        if not {rule.by, rule.start} <= set(staged.source.mapping):
            return
        end = quote(rule.end) if rule.end in staged.source.mapping else "NULL"
        inner = (
            f"SELECT rowid, {quote(rule.by)} AS who, {quote(rule.start)} AS s, "
            f"max(coalesce({end}, DATE '9999-12-31')) OVER (PARTITION BY {quote(rule.by)} "
            f"ORDER BY {quote(rule.start)}, rowid ROWS BETWEEN UNBOUNDED PRECEDING AND "
            f"1 PRECEDING) AS reach FROM {staged.name} WHERE {quote(rule.by)} IS NOT NULL "
            f"AND {quote(rule.start)} IS NOT NULL"
        )
        count = self._scalar(f"SELECT count(*) FROM ({inner}) WHERE s <= reach")
        if not count:
            return
        rows = self.con.execute(
            f"SELECT rowid, s, reach, who FROM ({inner}) WHERE s <= reach ORDER BY rowid "
            f"LIMIT {self.examples}"
        ).fetchall()
        self.report.add(
            Problem(
                severity=rule.severity,
                file=staged.source.label,
                column=rule.start,
                check="overlap",
                message=f"spans of one {rule.by} overlap",
                expected=f"each {rule.by}'s spans one after another",
                count=count,
                examples=tuple(
                    Example(
                        row=staged.row_number(int(r[0])),
                        found=f"{rule.start} {r[1]} inside an earlier span "
                        + ("that is still open" if str(r[2]) == "9999-12-31" else f"ending {r[2]}"),
                        member_id=r[3],
                    )
                    for r in rows
                ),
                hint=rule.hint,
            )
        )

    # -- writing ---------------------------------------------------------------------

    def finish(self, started: float) -> None:
        """Drop the columns that kept unusable values aside, merge spans, record the load."""
        for index, table in enumerate(TABLES):
            staged = self.staged[table.name]
            self.step(f"Writing {table.name}", 0.85 + 0.1 * index / len(TABLES))
            for column in table.columns:
                if bad_text(column, "x") is not None and column.name in staged.source.mapping:
                    self.con.execute(
                        f"ALTER TABLE {staged.name} DROP COLUMN {quote(BAD + column.name)}"
                    )
        self._core()
        self._meta(started)

    def _core(self) -> None:
        import ibis

        from wellchild.core.tables import CORE_TABLES

        backend = ibis.duckdb.from_connection(self.con)
        inputs = {f"input__{t.name}": backend.table(f"input__{t.name}") for t in TABLES}
        for name, build in CORE_TABLES.items():
            self.step(f"Building {name}", 0.96)
            sql = backend.compile(build(inputs))
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")

    def _meta(self, started: float) -> None:
        con = self.con
        warned: dict[str, int] = {}
        for problem in self.report.warnings:
            warned[problem.file] = warned.get(problem.file, 0) + problem.count
        con.execute(
            "CREATE OR REPLACE TABLE meta__load (loaded_at TIMESTAMP, source VARCHAR, "
            "version VARCHAR, schema_version INTEGER, seconds DOUBLE)"
        )
        con.execute(
            "INSERT INTO meta__load VALUES (current_localtimestamp(), ?, ?, ?, ?)",
            [
                self.report.source,
                __version__,
                SCHEMA_VERSION,
                round(time.perf_counter() - started, 3),
            ],
        )
        con.execute(
            "CREATE OR REPLACE TABLE meta__table (position INTEGER, table_name VARCHAR, "
            "rows BIGINT, source VARCHAR, format VARCHAR, bytes BIGINT, warnings BIGINT)"
        )
        for position, table in enumerate(TABLES):
            source = self.staged[table.name].source
            con.execute(
                "INSERT INTO meta__table VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    position,
                    f"input__{table.name}",
                    self.staged[table.name].rows,
                    str(source.path.resolve()),
                    source.format,
                    source.path.stat().st_size,
                    warned.get(source.label, 0),
                ],
            )
        from wellchild.core.tables import CORE_TABLES

        for position, name in enumerate(CORE_TABLES, start=len(TABLES)):
            con.execute(
                f"INSERT INTO meta__table SELECT ?, ?, count(*), NULL, NULL, NULL, 0 FROM {name}",
                [position, name],
            )
        con.execute(
            "CREATE OR REPLACE TABLE meta__problem (position INTEGER, severity VARCHAR, "
            "file VARCHAR, column_name VARCHAR, check_id VARCHAR, message VARCHAR, "
            "expected VARCHAR, count BIGINT, hint VARCHAR, examples VARCHAR)"
        )
        for position, problem in enumerate(self.report.warnings):
            con.execute(
                "INSERT INTO meta__problem VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    position,
                    problem.severity.value,
                    problem.file,
                    problem.column,
                    problem.check,
                    problem.message,
                    problem.expected,
                    problem.count,
                    problem.hint,
                    dumps([e.__dict__ for e in problem.examples]),
                ],
            )

    def _scalar(self, sql: str) -> int:
        result = self.con.execute(sql).fetchone()
        return int(result[0]) if result and result[0] is not None else 0


def _found(column: Column, expr: str) -> str:
    if column.personal:
        return f"'(a value of ' || length({expr}) || ' characters)'"
    return f"'\"' || {expr} || '\"'"


def _reject_found(error_type: str, message: str) -> str:
    if error_type in {"MISSING COLUMNS", "TOO MANY COLUMNS"} and "Found:" in message:
        return message.split("Found:")[-1].strip() + " values"
    if error_type == "INVALID ENCODING":
        return "bytes that are not UTF-8"
    if error_type == "UNQUOTED VALUE":
        return "an unclosed or stray double quote"
    return message.splitlines()[0][:120]


__all__ = ["BY_NAME", "LoadResult", "Progress", "load_folder"]
