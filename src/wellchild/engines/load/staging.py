"""Reading: each file of an input folder into its typed staging table.

Every value is normalised and typed as it is read; a value that cannot be used is kept
aside in a ``bad__`` column of its row, for the checks (:mod:`.checks`) to report with
its row number. Rows the CSV reader rejects (short, long, badly quoted, not UTF-8) and
files that cannot be read at all are reported here.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from wellchild.engines.duckdb_sql import bad_text, literal, quote, sql_type, stored, trimmed
from wellchild.ingest.report import Example, LoadReport
from wellchild.ingest.tabular import SourceFile, bare_quotes, file_error, read_bytes

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


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The first value of a query's first row as an int (0 when empty or null)."""
    result = con.execute(sql).fetchone()
    return int(result[0]) if result and result[0] is not None else 0


class Stager:
    """Reads the usable files of a folder into ``input__*`` tables (inside the load's
    transaction) and reports what cannot be read."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        report: LoadReport,
        examples: int,
        step: Progress,
    ) -> None:
        self.con = con
        self.report = report
        self.examples = examples
        self.step = step
        self.staged: dict[str, Staged] = {}

    def reset(self) -> None:
        self.staged = {}
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
        if not scalar(
            self.con, f"SELECT count(*) FROM (SELECT 1 FROM {staged.name} WHERE {where} LIMIT 1)"
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


def _reject_found(error_type: str, message: str) -> str:
    if error_type in {"MISSING COLUMNS", "TOO MANY COLUMNS"} and "Found:" in message:
        return message.split("Found:")[-1].strip() + " values"
    if error_type == "INVALID ENCODING":
        return "bytes that are not UTF-8"
    if error_type == "UNQUOTED VALUE":
        return "an unclosed or stray double quote"
    return message.splitlines()[0][:120]
