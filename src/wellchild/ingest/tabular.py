"""Find the six input files in a folder and read their headers.

This is the part of a load that needs no engine: which file holds each table (CSV,
gzipped CSV or Parquet), whether it can be opened, and whether its header names the
contract's columns. Column names are matched without regard to case; columns the
contract does not know are kept as extra columns.
"""

from __future__ import annotations

import csv
import errno
import gzip
import io
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq

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
    rows: int | None = None  # the rows a Parquet file's footer promises
    last_line_at: int | None = None  # where an unfinished last line starts (CSV)

    @property
    def label(self) -> str:
        return self.path.name


def file_error(
    table: str | Path,
    check: str,
    message: str,
    expected: str,
    *,
    column: str | None = None,
    found: str = "",
    hint: str = "",
    examples: tuple[Example, ...] = (),
    count: int = 0,
) -> Problem:
    """An error about a file as a whole (``found``) or its raw rows (``examples``)."""
    name = table.name if isinstance(table, Path) else table
    if found:
        examples = (Example(row=None, found=found),)
    return Problem(
        severity=Severity.ERROR,
        file=name,
        column=column,
        check=check,
        message=message,
        expected=expected,
        count=count,
        examples=examples,
        hint=hint,
    )


def _listing(folder: Path) -> list[str]:
    """The names in ``folder`` (empty when it cannot be listed)."""
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _not_a_file(path: Path) -> str | None:
    """What stands at ``path`` when it is not a readable regular file, in words."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "this is a symbolic link that loops back on itself"
        if path.is_symlink():
            return f"this is a symbolic link to a file that does not exist: {os.readlink(path)}"
        return f"the file cannot be opened: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "this is a named pipe (FIFO), not a file"
    if not stat.S_ISREG(mode):
        return "this is a device or socket, not a file"
    return None


def discover(folder: Path, report: LoadReport) -> list[SourceFile]:
    """The input file of each table in ``folder``; problems go to ``report``."""
    if not folder.exists():
        report.add(
            file_error(
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
            file_error(
                str(folder),
                "folder_missing",
                "this is a file, not a folder",
                "a folder holding the six input files",
                hint="Pass the folder that contains member.csv and the other files.",
            )
        )
        return []
    found: list[SourceFile] = []
    listing = _listing(folder)
    for table in TABLES:
        present = [
            (folder / f"{table.name}{suffix}", fmt)
            for suffix, fmt in SUFFIXES
            if os.path.lexists(folder / f"{table.name}{suffix}")
        ]
        candidates = []
        for path, fmt in present:
            wrong = _not_a_file(path)
            if wrong is None:
                candidates.append((path, fmt))
                continue
            report.add(
                file_error(
                    path,
                    "not_a_file",
                    wrong,
                    f"a regular file named {path.name}",
                    found=wrong.split(": ", 1)[-1] if ": " in wrong else "",
                    hint="Put the table's file itself in the folder, or remove what is there.",
                )
            )
        if present and not candidates:
            continue
        if not candidates:
            names = " or ".join(f"{table.name}{s}" for s, _ in SUFFIXES)
            near = [
                name
                for name in listing
                if name.lower() in {f"{table.name}{s}" for s, _ in SUFFIXES}
            ]
            if near:
                report.add(
                    file_error(
                        folder / near[0],
                        "file_name_case",
                        "the file name is not all lower case",
                        names,
                        found=near[0],
                        hint=f"Rename {near[0]} to {near[0].lower()}; file names are "
                        "matched exactly.",
                    )
                )
                continue
            report.add(
                file_error(
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
                file_error(
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
    try:
        if source.path.name.endswith(".gz"):
            first = _read_gzip(source)
        else:
            with source.path.open("rb") as handle:
                first = handle.readline(1 << 20)
                size = handle.seek(0, os.SEEK_END)
                tail_at = max(size - (1 << 21), 0)
                handle.seek(tail_at)
                source.last_line_at = _unfinished(handle.read(), tail_at)
    except (OSError, EOFError, zlib.error) as exc:
        source.usable = False
        cut = isinstance(exc, EOFError)
        damaged = isinstance(exc, zlib.error | gzip.BadGzipFile)
        report.add(
            file_error(
                source.path,
                "file_cut_short" if cut else "file_damaged" if damaged else "file_unreadable",
                "the compressed file is cut short: it ends before its last block"
                if cut
                else "the compressed file is damaged: it does not decompress to what was written"
                if damaged
                else "the file cannot be read",
                "a complete gzip file (gzip -t passes)"
                if cut or damaged
                else "a readable CSV file",
                found=str(exc),
                hint="Copy or export the file again; nothing was loaded from it."
                if cut or damaged
                else "Check the file's permissions.",
            )
        )
        return None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        source.usable = False
        report.add(
            file_error(
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
            file_error(
                source.path,
                "file_empty",
                "the file is empty",
                "a header row naming the columns, then "
                + source.table.grain[0].lower()
                + source.table.grain[1:].rstrip("."),
                hint="Export the table again with its header row.",
            )
        )
        return None
    line = text.rstrip("\r\n")
    try:
        if "\r" in line:
            raise csv.Error("carriage return inside the header")
        header = next(csv.reader(io.StringIO(line), strict=True))
    except csv.Error:
        source.usable = False
        report.add(
            file_error(
                source.path,
                "header_malformed",
                "the header row cannot be read as CSV",
                "column names separated by commas on the first line, ending with a line break",
                hint="Check the first line for stray quotes or carriage returns; save the file "
                "with Unix (LF) or Windows (CRLF) line endings.",
            )
        )
        return None
    if len(header) == 1:
        separator = _separator(line)
        if separator is not None:
            source.usable = False
            report.add(
                file_error(
                    source.path,
                    "separator",
                    f"the columns are separated by {separator}, not by commas",
                    "column names separated by commas",
                    found=line[:120],
                    hint="Save the file as CSV (comma delimited); in Excel choose "
                    "'CSV UTF-8 (Comma delimited)'.",
                )
            )
            return None
    return header


SEPARATORS = {"\t": "tabs", ";": "semicolons", "|": "vertical bars (|)", ":": "colons"}


def _separator(line: str) -> str | None:
    """The name of the separator a one-column header line uses instead of commas."""
    counts = {name: line.count(char) for char, name in SEPARATORS.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def _read_gzip(source: SourceFile) -> bytes:
    """The first line of a gzipped file, after reading the whole file once.

    The engine's own gzip reader stops quietly at the end of the data it has, so a file
    cut after a flush point would load part of its rows. Reading to the end here checks
    each member's CRC and length; a cut file raises EOFError, a damaged one zlib.error
    or gzip.BadGzipFile.
    """
    with gzip.open(source.path, "rb") as handle:
        first = handle.readline(1 << 20)
        offset, last = len(first), first
        while chunk := handle.read(1 << 22):
            offset, last = offset + len(chunk), last[-(1 << 21) :] + chunk
    source.last_line_at = _unfinished(last, offset - len(last))
    return first


def _unfinished(tail: bytes, at: int) -> int | None:
    """The byte offset where the file's last line starts when that line has no line
    break at its end (``tail`` is the end of the file, starting at byte ``at``)."""
    if not tail or tail.endswith(b"\n"):
        return None
    return at + tail.rfind(b"\n") + 1


def _read_parquet_header(source: SourceFile, report: LoadReport) -> list[str] | None:
    try:
        metadata = pq.read_metadata(source.path)
        schema = metadata.schema.to_arrow_schema()
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        source.usable = False
        report.add(
            file_error(
                source.path,
                "file_unreadable",
                "the file is not a readable Parquet file: its footer is missing or damaged, "
                "so it may be cut short or not be Parquet at all",
                "a complete Parquet file",
                found=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__,
                hint="Write the file again; a copy may have been cut short.",
            )
        )
        return None
    source.rows = metadata.num_rows
    return [str(name) for name in schema.names]


def _match_columns(source: SourceFile, header: list[str], report: LoadReport) -> None:
    source.columns = header
    seen: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            source.usable = False
            report.add(
                file_error(
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
                file_error(
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
                file_error(
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


def read_bytes(path: Path) -> bytes:
    """The whole content of an input CSV file, decompressed when gzipped."""
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            return handle.read()
    return path.read_bytes()


_FIELD = re.compile(rb'"(?:[^"]|"")*"|[^,\r\n]*')


def bare_quotes(data: bytes) -> list[tuple[int, str]]:
    """The rows (counted like a spreadsheet) and values of a CSV text where a double
    quote stands inside a value that does not start with one, such as ``1"U``.

    A strict reader must refuse such a value: it cannot tell whether the quote belongs
    to the value or opens one that was never closed.
    """
    found: list[tuple[int, str]] = []
    position, line, end = 0, 1, len(data)
    while position < end:
        match = _FIELD.match(data, position)
        text = match.group() if match else b""
        if text and not text.startswith(b'"') and b'"' in text:
            found.append((line, text.decode("utf-8", "replace")))
        line += text.count(b"\n")
        position += len(text)
        if position < end:
            line += data[position] == 0x0A
            position += 1  # the comma, line break or stray byte after the value
    return found
