"""The transaction: stage, check, then write everything or nothing.

The files are read straight into the input tables inside one transaction, checked
there, and either committed whole (with the core tables rebuilt and the load recorded)
or rolled back. A first load is built in a side file and put in place by a hard link
once committed, so a killed load leaves no half-written store behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis

from wellchild import __version__, config
from wellchild.contract import TABLES
from wellchild.core.tables import CORE_TABLES
from wellchild.engines.duckdb_sql import MACROS, bad_text, quote
from wellchild.engines.duckdb_store import SCHEMA_VERSION, connect, dumps, remove_store_files
from wellchild.engines.load.checks import Checker
from wellchild.engines.load.staging import BAD, Progress, Staged, Stager
from wellchild.errors import LoadRejected, StoreError
from wellchild.ingest.report import LoadReport
from wellchild.ingest.tabular import SourceFile, discover


@dataclass(frozen=True)
class LoadResult:
    """A finished load: where, what (rows per table), and the warnings it counted."""

    db: Path
    report: LoadReport
    rows: dict[str, int]
    seconds: float


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
    """One load on an open connection: its stager, its checker and the writing."""

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
        self.stager = Stager(con, report, self.examples, self.step)
        for macro in MACROS:
            con.execute(macro)

    @property
    def staged(self) -> dict[str, Staged]:
        return self.stager.staged

    def step(self, what: str, done: float) -> None:
        if self.progress is not None:
            self.progress(what, done)

    def reset(self) -> None:
        self.stager.reset()

    def read(self, sources: list[SourceFile]) -> SourceFile | None:
        return self.stager.read(sources)

    def check(self) -> None:
        Checker(self.con, self.report, self.staged, self.today, self.examples, self.step).check()

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
        backend = ibis.duckdb.from_connection(self.con)
        schemas = tuple(
            (f"input__{t.name}", tuple(backend.table(f"input__{t.name}").schema().items()))
            for t in TABLES
        )
        for name, sql in _core_sql(schemas).items():
            self.step(f"Building {name}", 0.96)
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


@functools.lru_cache(maxsize=4)
def _core_sql(schemas: tuple[tuple[str, tuple[tuple[str, object], ...]], ...]) -> dict[str, str]:
    """The core tables' SQL over input tables of these columns: compiled once per process
    (about 0.1 s of every load, which the fuzz tests and the hub's small loads repeat)."""
    inputs = {name: ibis.table(dict(columns), name=name) for name, columns in schemas}
    return {
        name: ibis.to_sql(build(inputs), dialect="duckdb") for name, build in CORE_TABLES.items()
    }
