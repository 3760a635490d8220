"""Test decks: small named scenarios, one per rule, written in the measure folders'
``cases.yaml`` and run on every engine.

A case describes a few children and what happened to them in a compact form, and the
flags the rules give, worked out by hand. Every case's children get ids of their own, so
all cases of one period and settings run together in one store.

Case keys (all optional but ``title`` and ``expect``)::

    title: the rule the case checks, in words
    period: {year: 2024, as_of: 2024-12-31, program_start: 2024-01-01}
    settings: {telehealth: false, visit_spacing_days: 14}
    children:                       # default: one child C1
      C1: {birth: 2023-01-10, death: null, race: Hispanic, language: es, sex: F}
    enrollment:                     # default: each child covered from birth, open
      C1: [[2023-01-10, null], [2024-03-01, 2024-12-31]]
    pcp:                            # PCP assignment spans: [practice, start, end]
      C1: [[P1, 2023-01-10, null]]
    well:                           # paid well-child visits with the pcp of P1 (99391)
      C1: [2023-02-01, 2023-03-01]
    medical:                        # any medical lines
      C1: [{date: 2023-05-01, code: "99213", dx: "Z00.129", npi: pcp, pos: "11", status: paid}]
    dental:                         # dental lines (code default D0120, status paid)
      C1: [{date: 2024-05-01, code: D1206}]
    expect:                         # per measure, per child
      w30_1: {C1: {in_denominator: true, met: true, evidence_date: 2024-03-15}}

``npi`` names one of the fixture providers below (``pcp``, ``clinic``, ``obgyn``,
``lab``, ``specialist``, ``dentist``, ``unknown``, ``none``); ``billing`` likewise.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wellchild.contract import BY_NAME
from wellchild.contract.codes import npi_check_digit

MEASURES_DIR = Path(__file__).resolve().parents[2] / "src" / "wellchild" / "measures"


def _npi(base: str) -> str:
    return base + npi_check_digit(base)


PROVIDERS = {
    # name: (npi, kind, practice)
    "pcp": (_npi("110000001"), "pcp", "P1"),
    "pcp2": (_npi("110000002"), "pcp", "P2"),
    "clinic": (_npi("110000003"), "clinic", "P3"),
    "obgyn": (_npi("110000004"), "obgyn", "P4"),
    "lab": (_npi("110000005"), "other", "L1"),
    "specialist": (_npi("110000006"), "other", "S1"),
    "dentist": (_npi("110000007"), "dentist", "D1"),
}
UNKNOWN_NPI = _npi("199999999")


def npi(name: str | None) -> str:
    if name is None or name == "none":
        return ""
    if name == "unknown":
        return UNKNOWN_NPI
    return PROVIDERS[name][0]


@dataclass
class Case:
    measure: str
    number: int
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.measure}-{self.number:02d}"

    @property
    def title(self) -> str:
        return str(self.spec["title"])

    def child_id(self, child: str) -> str:
        return f"{self.id}-{child}"

    @property
    def group(self) -> tuple[Any, ...]:
        period = self.spec.get("period", {})
        settings = self.spec.get("settings", {})
        return (
            period.get("year", 2024),
            str(period.get("as_of", "")),
            str(period.get("program_start", "")),
            settings.get("telehealth", True),
            settings.get("visit_spacing_days", 0),
        )


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(MEASURES_DIR.glob("*/cases.yaml")):
        spec = yaml.safe_load(path.read_text())
        for number, case in enumerate(spec["cases"], start=1):
            cases.append(Case(measure=spec["measure"], number=number, spec=case))
    return cases


@dataclass
class Rows:
    member: list[dict[str, Any]] = field(default_factory=list)
    enrollment: list[dict[str, Any]] = field(default_factory=list)
    pcp_assignment: list[dict[str, Any]] = field(default_factory=list)
    medical_claim: list[dict[str, Any]] = field(default_factory=list)
    dental_claim: list[dict[str, Any]] = field(default_factory=list)


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def build(cases: Iterable[Case]) -> Rows:
    """The input rows of several cases (children of each case renamed apart)."""
    rows = Rows()
    claim = 0
    for case in cases:
        spec = case.spec
        children = spec.get("children") or {"C1": {}}
        for child, attrs in children.items():
            attrs = attrs or {}
            cid = case.child_id(child)
            birth = attrs.get("birth", dt.date(2023, 1, 10))
            rows.member.append(
                {
                    "member_id": cid,
                    "first_name": "Test",
                    "last_name": child,
                    "birth_date": _iso(birth),
                    "death_date": _iso(attrs.get("death")),
                    "sex": attrs.get("sex", "F"),
                    "race_ethnicity": attrs.get("race", "Hispanic"),
                    "language": attrs.get("language", "es"),
                    "address": "1 Main St",
                    "city": "Los Angeles",
                    "zip": "90011",
                    "county_fips": attrs.get("county", "06037"),
                    "phone": "",
                    "guardian_name": "",
                }
            )
            spans = (spec.get("enrollment") or {}).get(child, [[birth, None]])
            for start, end, *plan in spans:
                rows.enrollment.append(
                    {
                        "member_id": cid,
                        "plan_id": plan[0] if plan else "LACARE",
                        "start_date": _iso(start),
                        "end_date": _iso(end),
                        "county_fips": "06037",
                        "aid_code": "1U",
                        "dental_delivery": "FFS",
                    }
                )
            for practice, start, end in (spec.get("pcp") or {}).get(child, []):
                who = {"P1": "pcp", "P2": "pcp2", "P3": "clinic"}.get(practice, "pcp")
                rows.pcp_assignment.append(
                    {
                        "member_id": cid,
                        "npi": PROVIDERS[who][0],
                        "practice_id": practice,
                        "start_date": _iso(start),
                        "end_date": _iso(end),
                    }
                )
            lines = [
                {"date": d, "code": "99391", "dx": "Z00.129", "npi": "pcp"}
                for d in (spec.get("well") or {}).get(child, [])
            ]
            lines += (spec.get("medical") or {}).get(child, [])
            for line in lines:
                claim += 1
                rows.medical_claim.append(
                    {
                        "claim_id": f"M{claim:06d}",
                        "line": 1,
                        "member_id": cid,
                        "service_date": _iso(line["date"]),
                        "rendering_npi": npi(line.get("npi", "pcp")),
                        "billing_npi": npi(line.get("billing")),
                        "procedure_code": line.get("code", ""),
                        "diagnosis_codes": line.get("dx", ""),
                        "place_of_service": line.get("pos", "11"),
                        "status": line.get("status", "paid"),
                        "source": "encounter",
                    }
                )
            for line in (spec.get("dental") or {}).get(child, []):
                if not isinstance(line, dict):
                    line = {"date": line}
                claim += 1
                rows.dental_claim.append(
                    {
                        "claim_id": f"D{claim:06d}",
                        "line": 1,
                        "member_id": cid,
                        "service_date": _iso(line["date"]),
                        "rendering_npi": npi(line.get("npi", "dentist")),
                        "billing_npi": npi(line.get("billing", "dentist")),
                        "procedure_code": line.get("code", "D0120"),
                        "tooth": "",
                        "surface": "",
                        "status": line.get("status", "paid"),
                        "source": "ffs",
                    }
                )
    return rows


def write(rows: Rows, folder: Path) -> Path:
    """The six input files of the contract."""
    folder.mkdir(parents=True, exist_ok=True)
    providers = [
        {
            "npi": number,
            "name": f"{name.title()} provider",
            "kind": kind,
            "practice_id": practice,
            "practice_name": f"Practice {practice}",
            "address": "",
            "city": "",
            "zip": "90011",
            "county_fips": "06037",
            "phone": "",
            "languages": "en;es",
            "accepts_new_patients": "true",
            "min_age_years": "",
        }
        for name, (number, kind, practice) in PROVIDERS.items()
    ]
    tables = {**rows.__dict__, "provider": providers}
    for name, data in tables.items():
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(BY_NAME[name].names))
            writer.writeheader()
            writer.writerows(data)
    return folder


def expectations(case: Case) -> dict[tuple[str, str], dict[str, Any]]:
    """(measure, member) → the flags the case expects, with the defaults implied:
    a child outside the denominator is neither excluded nor met."""
    out = {}
    for measure, children in case.spec["expect"].items():
        for child, flags in children.items():
            flags = dict(flags)
            if not flags.get("in_denominator", True):
                flags.setdefault("excluded", False)
                flags.setdefault("met", False)
            if flags.get("excluded"):
                flags.setdefault("met", False)
            for key in ("evidence_date",):
                if key in flags and flags[key] is not None:
                    flags[key] = dt.date.fromisoformat(str(flags[key]))
            out[(measure, case.child_id(child))] = flags
    return out
