"""The SQL that reads dates and allowed values keeps to the rules of docs/loading.md:
a date is YYYY-MM-DD and exists; an allowed value matches whatever its case and is stored
in the contract's spelling. The SQL takes shortcuts for speed (GLOB rather than a regular
expression, the canonical spelling tried before lower()); these tests hold them to the
rules on values written the ways people write them."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from wellchild.contract import TABLES
from wellchild.contract.schema import Column, Kind
from wellchild.engines.duckdb_sql import MACROS, bad_text, sql_type, stored

COLUMNS = [c for t in TABLES for c in t.columns]
DATE = next(c for c in COLUMNS if c.kind is Kind.DATE)
ENUMS = [c for c in COLUMNS if c.kind is Kind.ENUM]

DATES = [
    "2025-01-31", "2024-02-29", "2023-02-29", "2023-02-30", "2025-13-01", "2025-00-10",
    "2025-1-31", "2025-01-1", "25-01-31", "02025-01-31", "2025/01/31", "2025.01.31",
    "20250131", "31/01/2025", "01/31/2025", "2025-01-31T00:00", "2025-01-31 00:00:00",
    "2025-01-31x", "x2025-01-31", "+2025-01-31", "-2025-01-31", "2025-01 -31",
    "２０２５-01-31", "2025-O1-31", "1900-01-01", "9999-12-31", "1-01-01", "2025-01-",
    "Jan 31 2025", "45678", "2025-01-31\t",
]  # fmt: skip


def _rule_date(text: str) -> bool:
    """docs/loading.md: YYYY-MM-DD (ASCII digits) and a day that exists."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for macro in MACROS:
        connection.execute(macro)
    return connection


def _read(con: duckdb.DuckDBPyConnection, column: Column, text: str) -> tuple[object, object]:
    """What the load stores for a trimmed, non-empty value, and what it sets aside."""
    value = f"CAST({stored(column, 'v')} AS {sql_type(column)})"
    row = con.execute(
        f"SELECT {value}::VARCHAR, {bad_text(column, 'v')} FROM (SELECT ?::VARCHAR AS v)",
        [text],
    ).fetchone()
    assert row is not None
    return row[0], row[1]


@pytest.mark.parametrize("text", DATES)
def test_a_date_is_read_when_the_rules_accept_it_and_set_aside_when_not(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    value, bad = _read(con, DATE, text)
    if _rule_date(text):
        assert (value, bad) == (text, None)
    else:
        assert bad == text, f"{text!r} should be reported as not a valid date"


def _spellings(allowed: str) -> list[str]:
    return [allowed, allowed.lower(), allowed.upper(), allowed.title(), allowed.swapcase()]


@pytest.mark.parametrize("column", ENUMS, ids=lambda c: c.name)
def test_an_allowed_value_is_stored_in_its_spelling_whatever_its_case(
    con: duckdb.DuckDBPyConnection, column: Column
) -> None:
    for allowed in column.allowed:
        for text in _spellings(allowed):
            assert _read(con, column, text) == (allowed, None), (column.name, text)
    others = ["x", "unknown", column.allowed[0] + "s", column.allowed[0][:-1], "paid;denied"]
    for text in others:
        if text.lower() in {a.lower() for a in column.allowed}:
            continue
        assert _read(con, column, text) == (None, text), (column.name, text)
