"""Factories of the portal's tests: run folders written in the real formats (the long
table, summary.csv, one outreach folder per practice with its gap_list.csv), published
through the real signal, and the people of two practices whose children could leak."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import factories as make
import pandas as pd
import pytest

from wellchild.hub.data.models import Run
from wellchild.hub.data.signals import run_published
from wellchild.hub.portal import receivers
from wellchild.hub.portal.models import Child, Practice, Staff
from wellchild.outreach.gaps import GAP_COLUMNS


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Argon2 takes half a second per account by design; these tests make many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


YEAR = 2025
PERIOD = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
MEASURES = {
    "dental_12m": "Dental visit in the last 12 months, ages 1–5",
    "w30_2": "Well-child visits 15–30 months (two or more)",
    "wcv": "Well-care visit in the year",
}


@dataclass(frozen=True)
class Kid:
    """A child on a gap list, as ``wellchild outreach`` writes one row."""

    member_id: str
    first_name: str
    last_name: str
    age: int
    language: str
    guardian: str = "Rosa Example"
    w30_2: bool = False
    wcv: bool = False

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def row(self) -> dict[str, Any]:
        born = dt.date(YEAR - self.age, 3, 14)
        return {
            "member_id": self.member_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "birth_date": born.isoformat(),
            "age_years": self.age,
            "language": self.language,
            "guardian_name": self.guardian,
            "phone": "(323) 555-0142",
            "address": "12 Example St",
            "city": "Los Angeles",
            "zip": "90037",
            "county_fips": "06037",
            "plan_id": "LACARE",
            "pcp_npi": "1234567890",
            "pcp_name": "Jo Example MD",
            "last_dental_visit": "",
            "last_well_child_visit": f"{YEAR - 1}-05-02",
            "well_child_due": f"{YEAR}-03-14",
            "well_child_overdue": True,
            "gap_w30_1": False,
            "gap_w30_2": self.w30_2,
            "gap_wcv": self.wcv,
            "dentists": "Smile Kids Dental (323) 555-0101 (1.2 km); "
            "Harbor Family Dentistry (310) 555-0199 (3.4 km)",
        }


def write_gap_list(folder: Path, kids: list[Kid]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gap_list.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(GAP_COLUMNS))
        writer.writeheader()
        writer.writerows(kid.row() for kid in kids)
    return path


def write_run(
    root: Path, practices: dict[str, list[Kid]], *, met_per_practice: int = 2
) -> tuple[Path, Path]:
    """A run folder and an outreach folder: each practice's gap-list children are in the
    denominator of every measure and have not met dental_12m; ``met_per_practice`` more
    children per practice have met every measure."""
    run_dir, outreach_dir = root / f"measures-{YEAR}", root / "outreach"
    run_dir.mkdir(parents=True)
    rows = []
    for practice_id, kids in practices.items():
        write_gap_list(outreach_dir / practice_id, kids)
        others = [f"{practice_id}-OK{n}" for n in range(met_per_practice)]
        for measure_id in MEASURES:
            for kid in kids:
                met = {"dental_12m": False, "w30_2": not kid.w30_2, "wcv": not kid.wcv}
                rows.append(_long(kid.member_id, measure_id, practice_id, met[measure_id]))
            rows += [_long(m, measure_id, practice_id, True) for m in others]
    long = pd.DataFrame(rows)
    long.to_parquet(run_dir / "measure_long.parquet", index=False)
    totals = []
    for measure_id, name in MEASURES.items():
        part = long[long["measure_id"] == measure_id]
        totals.append(
            {
                "measure_id": measure_id,
                "measure_name": name,
                "dimension": "total",
                "group": "all",
                "numerator": int(part["met"].sum()),
                "denominator": len(part),
                "rate": part["met"].mean(),
                "target_rate": 0.5 if measure_id == "dental_12m" else None,
            }
        )
    pd.DataFrame(totals).to_csv(run_dir / "summary.csv", index=False)
    return run_dir, outreach_dir


def _long(member_id: str, measure_id: str, practice_id: str, met: bool) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "measure_id": measure_id,
        "measure_version": "MY2025",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "practice_id": practice_id,
        "in_denominator": True,
        "excluded": False,
        "exclusion_reason": None,
        "met": met,
        "evidence_date": PERIOD[1] if met else None,
        "evidence_code": None,
    }


def run(label: str = f"Measurement year {YEAR}", *, year: int = YEAR) -> Run:
    return Run.objects.create(
        label=label,
        slug=label.lower().replace(" ", "-"),
        fingerprint=f"{label:x<64}"[:64],
        year=year,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        as_of=dt.date(year, 12, 31),
        source="tests",
    )


def publish(
    published: Run, run_dir: Path, outreach_dir: Path | None, db: Path | None = None
) -> Any:
    """Send the signal ``wellchild publish`` sends and return the portal receiver's answer
    (the other receivers, which prepare charts and renew cached pages, answer nothing)."""
    answers = run_published.send(
        sender=Run, run=published, run_dir=run_dir, outreach_dir=outreach_dir, db=db
    )
    return next(answer for receiver, answer in answers if receiver is receivers.published)


# Two practices with children of the same names, and the people around them.
PRACTICE_A, PRACTICE_B = "P000A1", "P000B2"
KIDS = {
    PRACTICE_A: [
        Kid("M1001", "Ana", "Garcia", 3, "es", wcv=True),
        Kid("M1002", "Luis", "Garcia", 2, "en", w30_2=True),
        Kid("M1003", "Mei", "Chen", 4, "zh-Hant", guardian='=HYPERLINK("http://x")'),
    ],
    PRACTICE_B: [
        Kid("M2001", "Ana", "Garcia", 3, "es"),
        Kid("M2002", "Ana", "Garcias", 5, "en", wcv=True),
    ],
}


@dataclass
class World:
    """Practice A (with an organization and its admin) and practice B, their children
    and staff, and the people who must see nothing of them."""

    run: Run
    a: Practice
    b: Practice
    children: dict[str, Child]
    users: dict[str, Any] = field(default_factory=dict)

    def child(self, member_id: str) -> Child:
        return self.children[member_id]


def world(tmp_path: Path) -> World:
    published = run()
    publish(published, *write_run(tmp_path, KIDS))
    a = Practice.objects.get(practice_id=PRACTICE_A)
    b = Practice.objects.get(practice_id=PRACTICE_B)
    network = make.organization(
        "Lennox Health Network", category="health-care-providers", county="Los Angeles"
    )
    a.organization = network
    a.save()
    people = {
        "A nurse": make.person("Nina Nurse", org=network),
        "A colleague": make.person("Carl Colleague", org=network),
        "B nurse": make.person("Bea Other", org=None),
        "A org admin": make.person("Olga Admin", org=network, admin=True),
    }
    for who, practice in (("A nurse", a), ("A colleague", a), ("B nurse", b)):
        Staff.objects.create(practice=practice, user=people[who].user)
    users = {who: p.user for who, p in people.items()}
    users["coordinator"] = make.coordinator()
    children = {c.member_id: c for c in Child.objects.all()}
    return World(published, a, b, children, users)
