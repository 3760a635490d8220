"""Find the six input files in a folder and read their headers.

This is the part of a load that needs no engine: which file holds each table (CSV,
gzipped CSV or Parquet), whether it can be opened, and whether its header names the
contract's columns. Column names are matched without regard to case; columns the
contract does not know are kept as extra columns.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from wellchild.contract import TABLES
from wellchild.contract.schema import Severity, Table
from wellchild.ingest.report import Example, LoadReport, Problem

Format = Literal["csv", "parquet"]
SUFFIXES: tuple[tuple[str, Format], ...] = (
    (".csv", "csv"),
    (".csv.gz", "csv"),
    (".parquet", "parquet"),
)


@dataclass
class SourceFile:
    """One input file and what its header says.

    ``columns`` are the header's names in file order; ``mapping`` maps each contract
    column present to its position; ``extra`` lists the positions of other columns.
    """

    table: Table
    path: Path
    format: Format
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    extra: list[int] = field(default_factory=list)
    usable: bool = True

    @property
    def label(self) -> str:
        return self.path.name


def _problem(
    table: str | Path,
    check: str,
    message: str,
    expected: str,
    *,
    column: str | None = None,
    found: str = "",
    hint: str = "",
) -> Problem:
    name = table.name if isinstance(table, Path) else table
    examples = (Example(row=None, found=found),) if found else ()
    return Problem(
        severity=Severity.ERROR,
        file=name,
        column=column,
        check=check,
        message=message,
        expected=expected,
        count=0,
        examples=examples,
        hint=hint,
    )


def discover(folder: Path, report: LoadReport) -> list[SourceFile]:
    """The input file of each table in ``folder``; problems go to ``report``."""
    if not folder.exists():
        report.add(
            _problem(
                str(folder),
                "folder_missing",
                "the input folder does not exist",
                "a folder holding member, enrollment, pcp_assignment, provider, "
                "medical_claim and dental_claim files",
                hint="Check the path; `wellchild synth` makes a sample folder.",
            )
        )
        return []
    if not folder.is_dir():
        report.add(
            _problem(
                str(folder),
                "folder_missing",
                "this is a file, not a folder",
                "a folder holding the six input files",
                hint="Pass the folder that contains member.csv and the other files.",
            )
        )
        return []
    found: list[SourceFile] = []
    for table in TABLES:
        candidates = [
            (folder / f"{table.name}{suffix}", fmt)
            for suffix, fmt in SUFFIXES
            if (folder / f"{table.name}{suffix}").is_file()
        ]
        if not candidates:
            names = " or ".join(f"{table.name}{s}" for s, _ in SUFFIXES)
            report.add(
                _problem(
                    f"{table.name}.csv",
                    "file_missing",
                    "the file is missing",
                    names,
                    hint=f"Every load needs all six tables; {table.name}: {table.grain}",
                )
            )
            continue
        if len(candidates) > 1:
            report.add(
                _problem(
                    candidates[0][0],
                    "file_ambiguous",
                    "more than one file for this table",
                    "exactly one file per table",
                    found=", ".join(p.name for p, _ in candidates),
                    hint="Remove or rename all but one of them.",
                )
            )
            continue
        path, fmt = candidates[0]
        source = SourceFile(table=table, path=path, format=fmt)
        header = (
            _read_csv_header(source, report)
            if fmt == "csv"
            else _read_parquet_header(source, report)
        )
        if header is not None:
            _match_columns(source, header, report)
        found.append(source)
    return found


def _read_csv_header(source: SourceFile, report: LoadReport) -> list[str] | None:
    opener = gzip.open if source.path.name.endswith(".gz") else open
    try:
        with opener(source.path, "rb") as handle:
            first = handle.readline(1 << 20)
    except (OSError, EOFError) as exc:
        source.usable = False
        report.add(
            _problem(
                source.path,
                "file_unreadable",
                "the file cannot be read",
                "a readable CSV file",
                found=str(exc),
                hint="Check the file's permissions and that a gzipped file is complete.",
            )
        )
        return None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        source.usable = False
        report.add(
            _problem(
                source.path,
                "encoding",
                "the header row is not UTF-8 text",
                "a UTF-8 CSV file",
                hint="Save the file as 'CSV UTF-8' (Excel) or convert it with iconv.",
            )
        )
        return None
    if not text.strip():
        source.usable = False
        report.add(
            _problem(
                source.path,
                "file_empty",
                "the file is empty",
                "a header row naming the columns, then one row per " + source.table.grain[9:-1],
                hint="Export the table again with its header row.",
            )
        )
        return None
    line = text.rstrip("\r\n")
    try:
        if "\r" in line:
            raise csv.Error("carriage return inside the header")
        return next(csv.reader(io.StringIO(line), strict=True))
    except csv.Error:
        source.usable = False
        report.add(
            _problem(
                source.path,
                "header_malformed",
                "the header row cannot be read as CSV",
                "column names separated by commas on the first line, ending with a line break",
                hint="Check the first line for stray quotes or carriage returns; save the file "
                "with Unix (LF) or Windows (CRLF) line endings.",
            )
        )
        return None


def _read_parquet_header(source: SourceFile, report: LoadReport) -> list[str] | None:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(source.path)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        source.usable = False
        report.add(
            _problem(
                source.path,
                "file_unreadable",
                "the file is not a readable Parquet file",
                "a Parquet file",
                found=type(exc).__name__,
                hint="Write the file again; a copy may have been cut short.",
            )
        )
        return None
    return [str(name) for name in schema.names]


def _match_columns(source: SourceFile, header: list[str], report: LoadReport) -> None:
    source.columns = header
    seen: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            source.usable = False
            report.add(
                _problem(
                    source.path,
                    "header_blank",
                    f"column {position + 1} of the header has no name",
                    "a name for every column",
                    hint="Name the column or delete it.",
                )
            )
            continue
        if name in seen:
            source.usable = False
            report.add(
                _problem(
                    source.path,
                    "header_duplicate",
                    "two columns have the same name (case does not matter)",
                    "each column named once",
                    column=name,
                    found=f"columns {seen[name] + 1} and {position + 1}",
                    hint="Rename or delete one of them.",
                )
            )
            continue
        seen[name] = position
    for column in source.table.columns:
        if column.name in seen:
            source.mapping[column.name] = seen[column.name]
        elif column.required:
            source.usable = False
            report.add(
                _problem(
                    source.path,
                    "column_missing",
                    "a required column is missing",
                    f"a column named {column.name} ({column.expected})",
                    column=column.name,
                    found="columns " + ", ".join(h.strip() for h in header)
                    if len(header) <= 20
                    else f"{len(header)} columns, none named {column.name}",
                    hint="Column names are matched without regard to case; check the "
                    "spelling against docs/contract.md.",
                )
            )
    known = set(source.mapping.values())
    source.extra = [p for p in seen.values() if p not in known]


def severity_counts(report: LoadReport) -> tuple[int, int]:
    """Rows with errors and rows with warnings (each kind counted once per row)."""
    errors = sum(max(p.count, 1) for p in report.errors)
    warnings = sum(p.count for p in report.warnings)
    return errors, warnings
