"""Code lists as data: ``value_sets.csv`` names each concept's codes and their source.

A measure refers to concept names only (``well_care_visit``); the codes live here. A
code may be a range ``D1000..D1999`` (inclusive, codes of equal length). Codes are
stored as written and compared as the contract normalises them: no dots, upper case.

Examples
--------
>>> vs = concept("oral_evaluation")
>>> sorted(vs.codes), vs.systems
(['D0120', 'D0145', 'D0150'], ('CDT',))
>>> concept("preventive_dental").contains("D1206"), concept("preventive_dental").contains("D2330")
(True, False)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from wellchild.contract.codes import normalize_code


@dataclass(frozen=True)
class ValueSet:
    """One concept: its single codes and its code ranges (normalised), and sources."""

    name: str
    systems: tuple[str, ...]
    codes: frozenset[str]
    ranges: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]

    def contains(self, code: str) -> bool:
        code = normalize_code(code)
        if code in self.codes:
            return True
        return any(len(code) == len(lo) and lo <= code <= hi for lo, hi in self.ranges)


@cache
def all_concepts() -> dict[str, ValueSet]:
    """Every concept in ``value_sets.csv``."""
    rows: dict[str, list[dict[str, str]]] = {}
    text = resources.files(__package__).joinpath("value_sets.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        rows.setdefault(row["concept"], []).append(row)
    out: dict[str, ValueSet] = {}
    for name, items in rows.items():
        codes: set[str] = set()
        ranges: list[tuple[str, str]] = []
        for r in items:
            if ".." in r["code"]:
                lo, hi = (normalize_code(part) for part in r["code"].split(".."))
                if len(lo) != len(hi) or lo > hi:
                    raise ValueError(f"value set {name} has a bad range {r['code']}")
                ranges.append((lo, hi))
            else:
                codes.add(normalize_code(r["code"]))
        out[name] = ValueSet(
            name=name,
            systems=tuple(dict.fromkeys(r["system"] for r in items)),
            codes=frozenset(codes),
            ranges=tuple(ranges),
            sources=tuple(dict.fromkeys(r["source"] for r in items)),
        )
    return out


def concept(name: str) -> ValueSet:
    """The value set called ``name``; a KeyError names the known concepts."""
    concepts = all_concepts()
    if name not in concepts:
        raise KeyError(f"no value set {name!r}; known: {', '.join(sorted(concepts))}")
    return concepts[name]
