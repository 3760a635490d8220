"""Streaming the six tables to CSV or Parquet files while the next chunk is generated.

Each table is written chunk after chunk through a pyarrow ``CSVWriter`` or
``ParquetWriter``, so memory stays bounded however many children there are. Writing runs
on a background thread (Arrow releases the GIL while it formats and compresses), fed in
order through a short queue, so the files do not depend on timing. Files are written
under a temporary name and renamed into place only when every table is complete.

CSV files are UTF-8 with a header row, comma separated, dates as ``YYYY-MM-DD`` and
nulls as empty fields. No value the generator writes needs quoting, so none is quoted;
a value that did would stop the run (Arrow refuses it) rather than break the file.
Parquet files hold dates as ``date32``, ``line`` and ``min_age_years`` as ``int32``,
``accepts_new_patients`` as ``bool`` and everything else as strings, zstd-compressed.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import threading
from pathlib import Path
from types import TracebackType
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wellchild.contract import BY_NAME, TABLES
from wellchild.contract.schema import Kind

Format = Literal["csv", "parquet"]
SUFFIX: dict[str, str] = {"csv": ".csv", "parquet": ".parquet"}
OTHER_SUFFIXES = (".csv", ".csv.gz", ".parquet")
QUEUE_DEPTH = 3


def plain_schema(name: str) -> pa.Schema:
    """The Arrow schema of a contract table as it is written."""
    fields = []
    for column in BY_NAME[name].columns:
        if column.kind is Kind.DATE:
            kind: pa.DataType = pa.date32()
        elif column.kind is Kind.INTEGER:
            kind = pa.int32()
        elif column.kind is Kind.BOOLEAN:
            kind = pa.bool_()
        else:
            kind = pa.string()
        fields.append(pa.field(column.name, kind))
    return pa.schema(fields)


def decoded(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings. Arrow's Parquet writer does not write
    dictionary columns byte for byte the same every time; it dictionary-encodes plain
    strings itself, deterministically."""
    columns = [
        c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns
    ]
    return pa.table(columns, names=table.column_names)


class TableWriter:
    """Writes one table, batch after batch, to ``path`` (a temporary name)."""

    def __init__(self, name: str, path: Path, fmt: Format) -> None:
        self.name = name
        self.path = path
        self.fmt = fmt
        self.rows = 0
        self._file: pa.NativeFile | None = None
        self._writer: pacsv.CSVWriter | pq.ParquetWriter | None = None

    def _open(self, schema: pa.Schema) -> None:
        expected = list(BY_NAME[self.name].names)
        if schema.names != expected:
            raise AssertionError(f"{self.name}: columns {schema.names} are not {expected}")
        if self.fmt == "csv":
            self._file = pa.OSFile(str(self.path), "wb")
            self._file.write((",".join(expected) + "\n").encode("utf-8"))
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            self._writer = pacsv.CSVWriter(self._file, schema, write_options=options)
        else:
            self._writer = pq.ParquetWriter(
                str(self.path), schema, compression="zstd", store_schema=False
            )

    def write(self, table: pa.Table) -> None:
        if self.fmt == "parquet":
            table = decoded(table)
        if self._writer is None:
            self._open(table.schema)
        assert self._writer is not None
        if table.num_rows:
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is None:
            self._open(plain_schema(self.name))
        assert self._writer is not None
        self._writer.close()
        if self._file is not None:
            self._file.close()


class Sink:
    """The six table writers of one run, fed through a queue to a writing thread.

    With ``parts`` above 1 (Parquet only) each table is a folder ``<table>.parquet/`` of
    ``parts`` files ``part-00000.parquet``, …, which Spark and DuckDB read as one table;
    the caller names the part of every batch."""

    def __init__(self, out: Path, fmt: Format, parts: int = 1) -> None:
        self.out = out
        self.fmt = fmt
        self.parts = parts
        self.final = {t.name: out / f"{t.name}{SUFFIX[fmt]}" for t in TABLES}
        self.writers = {
            (t.name, part): TableWriter(t.name, self._partial(t.name, part), fmt)
            for t in TABLES
            for part in range(parts)
        }
        self._queue: queue.Queue[tuple[str, int, pa.Table] | None] = queue.Queue(QUEUE_DEPTH)
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name="wellchild-synth-writer", daemon=True
        )

    def _partial(self, name: str, part: int) -> Path:
        if self.parts == 1:
            return self.out / f".{name}{SUFFIX[self.fmt]}.partial"
        return self.out / f".{name}{SUFFIX[self.fmt]}.partial" / f"part-{part:05d}.parquet"

    def __enter__(self) -> Sink:
        if self.parts > 1:
            for name in self.final:
                folder = self._partial(name, 0).parent
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
        self._thread.start()
        return self

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain the queue so the producer never blocks
            try:
                self.writers[item[0], item[1]].write(item[2])
            except BaseException as exc:
                self._error = exc

    def put(self, name: str, table: pa.Table, part: int = 0) -> None:
        """Queue a batch of rows for table ``name`` (waits while the queue is full)."""
        if self._error is not None:
            raise self._error
        self._queue.put((name, part, table))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._queue.put(None)
        self._thread.join()
        try:
            if kind is None and self._error is None:
                for writer in self.writers.values():
                    writer.close()
                self._publish()
                return
        except BaseException:
            self._discard()
            raise
        self._discard()
        if self._error is not None and kind is None:
            raise self._error

    def _publish(self) -> None:
        for t in TABLES:
            for suffix in OTHER_SUFFIXES:
                stale = self.out / f"{t.name}{suffix}"
                if suffix != SUFFIX[self.fmt] and stale.is_file():
                    stale.unlink()  # another format's file would make the folder ambiguous
            final = self.final[t.name]
            if final.is_dir():  # the parts of an earlier run
                shutil.rmtree(final)
            elif self.parts > 1 and final.exists():
                final.unlink()
            os.replace(self._partial(t.name, 0).parent if self.parts > 1 else
                       self._partial(t.name, 0), final)  # fmt: skip

    def _discard(self) -> None:
        for writer in self.writers.values():
            with contextlib.suppress(Exception):
                writer.close()
            with contextlib.suppress(OSError):
                writer.path.unlink()
        if self.parts > 1:
            for name in self.final:
                shutil.rmtree(self._partial(name, 0).parent, ignore_errors=True)

    @property
    def rows(self) -> dict[str, int]:
        totals: dict[str, int] = dict.fromkeys(self.final, 0)
        for (name, _), writer in self.writers.items():
            totals[name] += writer.rows
        return totals
