"""The contract in code says exactly what docs/contract.md's tables written by hand say:
tables, columns, order, required flags and allowed values. (The tables generated from the
code, at the end of that page, are kept equal by tests/test_docs.py.)"""

from __future__ import annotations

import re

import pytest

from paths import ROOT
from wellchild.contract import BY_NAME, TABLES
from wellchild.contract.codes import (
    canonical_language,
    is_language_tag,
    is_valid_npi,
    npi_check_digit,
)
from wellchild.contract.schema import Kind

CONTRACT = ROOT / "docs" / "contract.md"


def _documented() -> dict[str, list[tuple[str, str, str]]]:
    """Each table of docs/contract.md written by hand as (column, type, required) rows,
    columns split out."""
    tables: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in CONTRACT.read_text().splitlines():
        heading = re.match(r"^### (\w+) — ", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        if line.startswith("## "):
            current = None
        if (
            current
            and line.startswith("| ")
            and not line.startswith("| column")
            and "---" not in line
        ):
            cells = [c.strip() for c in line.strip("|").split("|")]
            names = [n.strip() for n in cells[0].split(",")]
            types = (
                [t.strip() for t in cells[1].split(",")]
                if "," in cells[1] and len(names) > 1
                else [cells[1]] * len(names)
            )
            required = cells[2]
            for name, type_ in zip(names, types, strict=True):
                if required == "start yes":
                    flag = "yes" if name == "start_date" else "no"
                elif required.endswith(" yes") and required != "yes":  # "address, zip, … yes"
                    flag = "yes" if name in required else "no"
                else:
                    flag = required
                tables[current].append((name, type_, flag))
    return tables


def test_every_documented_table_and_column_is_in_the_code() -> None:
    documented = _documented()
    assert list(documented) == [t.name for t in TABLES]
    for name, rows in documented.items():
        table = BY_NAME[name]
        assert [r[0] for r in rows] == list(table.names), name
        for column, _type, required in rows:
            assert table.column(column).required is (required == "yes"), (name, column)


def test_allowed_values_are_the_documented_ones() -> None:
    documented = {(t, c): ty for t, rows in _documented().items() for c, ty, _ in rows}
    for table in TABLES:
        for column in table.columns:
            if column.kind is Kind.ENUM and column.name != "race_ethnicity":
                assert documented[(table.name, column.name)].replace("/", ", ") == ", ".join(
                    column.allowed
                )
    text = CONTRACT.read_text()
    race = BY_NAME["member"].column("race_ethnicity").allowed
    assert "DHCS categories: " + ", ".join(race) in text


def test_keys_are_the_grain() -> None:
    assert {t.name: t.key for t in TABLES} == {
        "member": ("member_id",),
        "enrollment": ("member_id", "plan_id", "start_date"),
        "pcp_assignment": ("member_id", "start_date"),
        "provider": ("npi", "practice_id"),
        "medical_claim": ("claim_id", "line"),
        "dental_claim": ("claim_id", "line"),
    }
    for table in TABLES:
        assert table.grain.startswith("One row per ")


@pytest.mark.parametrize("base", ["123456789", "100000001", "999999999", "000000001"])
def test_npi_check_digit_round_trip(base: str) -> None:
    npi = base + npi_check_digit(base)
    assert is_valid_npi(npi)
    wrong = base + str((int(npi[-1]) + 1) % 10)
    assert not is_valid_npi(wrong)


def test_language_tags() -> None:
    assert [canonical_language(t) for t in ("EN", "zh-hant", "ZH-HANS-cn", "es-419")] == [
        "en",
        "zh-Hant",
        "zh-Hans-CN",
        "es-419",
    ]
    assert [is_language_tag(t) for t in ("hy", "zh-Hant", "Armenian", "e", "es_MX")] == [
        True,
        True,
        False,
        False,
        False,
    ]
