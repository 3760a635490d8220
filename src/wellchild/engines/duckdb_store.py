"""The store: one DuckDB file holding the input layer, the core tables and what was
loaded when.

Tables carry their stage in their name (``input__member``, ``core__enrollment_span``,
``meta__load``). Open the store with :func:`open_store`; it turns DuckDB's own failures
(a store locked by another process, a file that is not a DuckDB database) into
:class:`~wellchild.errors.StoreError` with a hint.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis

from wellchild import config
from wellchild.errors import StoreError

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class TableStatus:
    """One table of the store: its rows and, for input tables, the file it came from."""

    name: str
    rows: int
    source: str | None = None
    format: str | None = None
    warnings: int = 0


@dataclass(frozen=True)
class StoreStatus:
    """What ``wellchild status`` shows."""

    path: str
    loaded: bool
    loaded_at: str | None = None
    source: str | None = None
    version: str | None = None
    seconds: float | None = None
    tables: list[TableStatus] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "loaded": self.loaded,
            "loaded_at": self.loaded_at,
            "source": self.source,
            "version": self.version,
            "seconds": self.seconds,
            "tables": [t.__dict__ for t in self.tables],
            "warnings": self.warnings,
        }


def default_db() -> Path:
    """``$WELLCHILD_DB`` or ``./wellchild.duckdb``."""
    value: Path = config.get("db")
    return value


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the configured memory, threads and spill folder."""
    path = Path(path)
    settings: dict[str, Any] = {"memory_limit": config.get("memory_limit")}
    threads = config.get("threads")
    if threads:
        settings["threads"] = threads
    if not read_only:
        temp = config.get("temp_dir") or path.with_name(path.name + ".tmp")
        settings["temp_directory"] = str(temp)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=settings)
    except duckdb.IOException as exc:
        text = str(exc)
        if "not a valid DuckDB database" in text:
            raise StoreError(
                f"{path} is not a wellchild store (it is not a DuckDB database).",
                hint="Pass the .duckdb file that `wellchild load` wrote, or load into a new path.",
            ) from None
        if "lock" in text.lower():
            raise StoreError(
                f"The store {path} is in use by another process.",
                hint="Wait for the other wellchild command to finish, or use --db to "
                "choose another store.",
            ) from None
        raise StoreError(
            f"The store {path} cannot be opened: {text.splitlines()[0]}",
            hint="Check the path and its permissions.",
        ) from None
    except duckdb.Error as exc:
        raise StoreError(
            f"{path} is not a wellchild store (DuckDB could not read it: "
            f"{str(exc).splitlines()[0]}).",
            hint="Pass the .duckdb file that `wellchild load` wrote, or load into a new path.",
        ) from None


class Store:
    """An open store. Use as a context manager; read-only unless asked otherwise."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con
        self._ibis: Any = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def ibis(self) -> Any:
        """An Ibis backend on this store's connection."""
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table_names(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def has_table(self, name: str) -> bool:
        return name in self.table_names()

    def require_loaded(self) -> None:
        if not self.has_table("meta__load"):
            raise StoreError(
                f"Nothing has been loaded into {self.path} yet.",
                hint="Run `wellchild load DIR` first (`wellchild synth` makes a sample DIR).",
            )

    def rows(self, table: str) -> int:
        result = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(result[0]) if result else 0

    def fingerprint(self, table: str) -> str:
        """A hash of a table's content in its stored order (equal tables, equal hash)."""
        result = self.con.execute(
            f'SELECT hash(list(t ORDER BY rowid))::VARCHAR FROM (SELECT rowid, * FROM "{table}") t'
        ).fetchone()
        return str(result[0]) if result else ""

    def status(self) -> StoreStatus:
        if not self.has_table("meta__load"):
            return StoreStatus(path=str(self.path), loaded=False)
        load = self.con.execute(
            "SELECT loaded_at, source, version, seconds FROM meta__load"
        ).fetchone()
        assert load is not None
        tables = [
            TableStatus(name=r[0], rows=int(r[1]), source=r[2], format=r[3], warnings=int(r[4]))
            for r in self.con.execute(
                "SELECT table_name, rows, source, format, warnings FROM meta__table "
                "ORDER BY position"
            ).fetchall()
        ]
        warnings = [
            {"file": r[0], "column": r[1], "check": r[2], "message": r[3], "count": int(r[4])}
            for r in self.con.execute(
                "SELECT file, column_name, check_id, message, count FROM meta__problem "
                "ORDER BY position"
            ).fetchall()
        ]
        return StoreStatus(
            path=str(self.path),
            loaded=True,
            loaded_at=str(load[0]),
            source=load[1],
            version=load[2],
            seconds=float(load[3]),
            tables=tables,
            warnings=warnings,
        )


def open_store(path: Path | str | None = None, *, read_only: bool = True) -> Store:
    """Open an existing store (``--db``, else ``$WELLCHILD_DB``, else ./wellchild.duckdb)."""
    path = Path(path) if path is not None else default_db()
    if not path.exists():
        raise StoreError(
            f"There is no store at {path}.",
            hint="Run `wellchild load DIR` to create it, or pass --db with the path of "
            "an existing store.",
        )
    return Store(path, connect(path, read_only=read_only))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Everything inside happens, or (on any exception, or a killed process) none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def remove_store_files(path: Path) -> None:
    """Delete a store file and DuckDB's companions (write-ahead log)."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        with suppress(FileNotFoundError):
            os.remove(candidate)
