"""Splink's database API on an in-memory DuckDB connection.

Splink runs Fellegi–Sunter as SQL on a backend of the caller's choice; ``wellchild link``
uses DuckDB, which needs no server and links 100,000 children in well under a minute on two
cores. For millions of records Splink's ``SparkAPI`` takes the same settings
(``docs/linkage.md``).
"""

from __future__ import annotations

from typing import Any

import duckdb


def duckdb_api() -> Any:
    """A Splink ``DuckDBAPI`` on a fresh in-memory database (dropped with the linker)."""
    # Splink is slow to import; only linkage needs it
    from splink import DuckDBAPI

    return DuckDBAPI(connection=duckdb.connect(":memory:"))
