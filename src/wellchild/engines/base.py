"""What the measure stage asks of an engine, whichever it is: the input and core
tables as Ibis tables (:class:`Inputs`), caching, and writing results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import ibis.expr.types as ir
import pyarrow as pa

INPUT_TABLES = {
    "member": "input__member",
    "enrollment": "input__enrollment",
    "spans": "core__enrollment_span",
    "well_care_visits": "core__well_care_visit",
    "dental_services": "core__dental_service",
    "medical_services": "core__medical_service",
    "pcp_assignment": "input__pcp_assignment",
    "provider": "input__provider",
    "medical_claim": "input__medical_claim",
    "dental_claim": "input__dental_claim",
}


@dataclass(frozen=True)
class Inputs:
    """The tables a measure reads, as Ibis tables on one backend: the input layer and
    the core tables built from it (``wellchild.core.tables``)."""

    member: ir.Table
    enrollment: ir.Table
    spans: ir.Table
    well_care_visits: ir.Table
    dental_services: ir.Table
    medical_services: ir.Table
    pcp_assignment: ir.Table
    provider: ir.Table
    medical_claim: ir.Table
    dental_claim: ir.Table


class Engine(Protocol):
    """An engine runs Ibis expressions over the store's tables."""

    name: str
    # Evaluate one measure at a time rather than all in one plan (see run.py).
    one_measure_at_a_time: bool

    def inputs(self) -> Inputs:
        """The store's input and core tables as Ibis tables."""
        ...

    def cache(self, table: ir.Table) -> ir.Table:
        """Materialise a table used several times (a no-op where that does not pay)."""
        ...

    def release(self) -> None:
        """Free every table cached since the last release, once its results are out."""
        ...

    def write_parquet(self, table: ir.Table, path: Path) -> int:
        """Write a table to one Parquet file in its order; return the row count."""
        ...

    def to_arrow(self, table: ir.Table) -> pa.Table:
        """A (small) result as an Arrow table."""
        ...

    def close(self) -> None: ...


class CachingEngine:
    """``cache`` and ``release`` for engines on Ibis: every cached table is remembered
    until the next release drops it."""

    _cached: list[ir.Table]

    def cache(self, table: ir.Table) -> ir.Table:
        cached = table.cache()
        self._cached.append(cached)
        return cached

    def release(self) -> None:
        while self._cached:
            self._cached.pop().release()
