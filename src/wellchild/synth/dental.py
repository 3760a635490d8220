"""Dental visits and their claim lines.

For each year of a child's age, the chance of at least one dental visit rises from rare
under one to about half from age three (:data:`rates.DENTAL_BY_AGE`), moved by the
child's own propensity (correlated with its well-child habit) and a disparity by
race/ethnicity; a second, six-month recall visit follows for some. A well-child visit
between one and five years at a practice with good referral habits brings, with that
practice's probability, a dental visit within six months. Children see their dental home
(a pediatric dentist while they are younger than the general dentist's youngest age),
and most of the time never a dentist below his minimum age.

A visit has 2-5 lines: an exam (D0145 under three, D0150 new patient, D0120), a
prophylaxis (D1120, D1110 from 14), fluoride (D1206, D1208), sometimes radiographs
(D0272, D0274, D0220), sealants on molars from 6 to 14 (D1351) and restorations or an
extraction with tooth and surface (D2330, D2391, D2930, D7140).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from wellchild.contract import BY_NAME
from wellchild.contract.medical_claim import SOURCES
from wellchild.synth import rates
from wellchild.synth.assignment import Homes
from wellchild.synth.codes import NONE
from wellchild.synth.columns import (
    Bytes,
    Ints,
    date_column,
    dictionary,
    int32_column,
    take_fixed,
    vocabulary,
)
from wellchild.synth.dates import age_years, anniversaries
from wellchild.synth.enrollment import NOT_COVERED, Coverage
from wellchild.synth.ids import claim_ids
from wellchild.synth.noise import DENIED, PAID, STATUSES, Lines, add_noise, line_numbers
from wellchild.synth.population import Children
from wellchild.synth.providers import Directory
from wellchild.synth.visits import WELL, Visits, sigmoid

CDT = ("D0120", "D0145", "D0150", "D1110", "D1120", "D1206", "D1208", "D0272", "D0274",
       "D0220", "D1351", "D2330", "D2391", "D2930", "D7140")  # fmt: skip
TEETH = tuple(str(i) for i in range(1, 33)) + tuple("ABCDEFGHIJKLMNOPQRST")
SURFACES = ("O", "B", "L", "M", "D", "F", "I")
FIRST_MOLARS = ("3", "14", "19", "30")
SECOND_MOLARS = ("2", "15", "18", "31")
PRIMARY_BACK = tuple("ABIJKLST")
PRIMARY_FRONT = tuple("CDEFGHMNOPQR")
PERMANENT_BACK = tuple(str(i) for i in (2, 3, 4, 5, 12, 13, 14, 15, 18, 19, 20, 21, 28, 29, 30, 31))
PERMANENT_FRONT = tuple(str(i) for i in (*range(6, 12), *range(22, 28)))
MAX_LINES = 5


def cdt(code: str) -> int:
    return CDT.index(code)


@dataclass
class DentalVisits:
    child: Ints
    day: Ints
    practice: Ints
    plan: Ints

    def __len__(self) -> int:
        return len(self.child)


def dental_visits(
    rng: np.random.Generator,
    c: Children,
    coverage: Coverage,
    homes: Homes,
    d: Directory,
    well: Visits,
) -> DentalVisits:
    """The chunk's dental visits."""
    window = coverage.window
    years = np.arange(21)
    starts = anniversaries(c.birth, 12 * np.arange(22))
    # Whole years of age are drawn, from a year before the window (so that recall visits
    # early in the window have their first visit) to its end, and visits outside the
    # window or the child's life dropped afterwards: cutting a year short instead would
    # crowd its visits into the part that is left.
    first, last = starts[:, :-1], starts[:, 1:] - 1
    child, age = np.nonzero((last >= window.first - 366) & (first <= window.last))
    z = (
        np.array(rates.DENTAL_BY_AGE)[years][age]
        + c.dental[child]
        + rates.race_effects(rates.RACE_DENTAL)[c.race[child]]
        + d.oral_health[homes.usual[child]]
    )
    go = rng.random(len(child)) < sigmoid(z)
    child, age = child[go], age[go]
    whole = starts[child, age + 1] - starts[child, age]
    day = starts[child, age] + (rng.random(len(child)) * whole).astype(np.int64)

    recall = rng.random(len(child)) < rates.DENTAL_SECOND_VISIT
    again = day[recall] + 150 + rng.integers(0, 60, int(recall.sum()))
    young = (well.kind == WELL) & (well.age_days >= 365) & (well.age_days < 6 * 366)
    referred = young & (rng.random(len(well)) < rates.REFERRAL_SCALE * d.referral[well.practice])
    after = well.day[referred] + rng.integers(7, 181, int(referred.sum()))

    child = np.concatenate([child, child[recall], well.child[referred]])
    day = np.concatenate([day, again, after])
    inside = (day >= window.first) & (day <= np.minimum(c.life_end[child], window.last))
    child, day = child[inside], day[inside]
    plan = coverage.plan_on(child, day)
    kept = (plan != NOT_COVERED) | (rng.random(len(child)) < 0.2)
    child, day, plan = child[kept], day[kept], plan[kept]
    order = np.lexsort((day, child))
    child, day, plan = child[order], day[order], plan[order]

    age_now = age_years(c.birth[child], day)
    general = homes.dentist[child]
    practice = np.where(
        (age_now >= d.min_age[general]) & (rng.random(len(child)) < 0.75),
        general,
        homes.young_dentist[child],
    )
    anywhere = rng.random(len(child)) >= rates.RESPECT_MIN_AGE
    dental = d.by_role("dental")
    practice = np.where(anywhere, dental[rng.integers(0, len(dental), len(child))], practice)
    same_county = d.county[practice] == c.county[child]
    practice = np.where(same_county, practice, homes.dentist[child])
    return DentalVisits(child=child, day=day, practice=practice, plan=plan)


def _teeth(rng: np.random.Generator, age: Ints, front: npt.NDArray[np.bool_]) -> Ints:
    """A tooth per row: primary teeth for young children, permanent ones for teenagers."""
    n = len(age)
    primary = (age < 6) | ((age < 12) & (rng.random(n) < 0.5))
    options = [
        [TEETH.index(t) for t in PRIMARY_BACK],
        [TEETH.index(t) for t in PRIMARY_FRONT],
        [TEETH.index(t) for t in PERMANENT_BACK],
        [TEETH.index(t) for t in PERMANENT_FRONT],
    ]
    out = np.empty(n, dtype=np.int64)
    for k, teeth in enumerate(options):
        rows = (primary == (k < 2)) & (front == (k % 2 == 1))
        out[rows] = np.array(teeth)[rng.integers(0, len(teeth), int(rows.sum()))]
    return out


class Born(Protocol):
    """What the lines need of the children: their birth days."""

    @property
    def birth(self) -> Ints: ...


def dental_lines(
    rng: np.random.Generator, v: DentalVisits, c: Born, d: Directory, dmc: npt.NDArray[np.bool_]
) -> Lines:
    """Every dental claim line of the chunk's visits, noise included. Children in dental
    managed care (``dmc``) have encounters, the others fee-for-service claims."""
    n = len(v)
    age = age_years(c.birth[v.child], v.day)
    types = 9
    present = np.zeros((n, types), dtype=bool)
    proc = np.full((n, types), NONE, dtype=np.int64)
    tooth = np.full((n, types), NONE, dtype=np.int64)
    surface = np.full((n, types), NONE, dtype=np.int64)
    u = rng.random((n, types))

    exam = np.where(u[:, 0] < rates.DENTAL_NEW_PATIENT, cdt("D0150"), cdt("D0120"))
    exam = np.where((age < 3) & (u[:, 0] < 0.7), cdt("D0145"), exam)
    present[:, 0], proc[:, 0] = True, exam
    present[:, 1] = (age >= 1) & (u[:, 1] < 0.9)
    proc[:, 1] = np.where(age >= 14, cdt("D1110"), cdt("D1120"))
    present[:, 2] = (u[:, 2] < 0.85) | ~present[:, 1]
    proc[:, 2] = np.where(rng.random(n) < 0.75, cdt("D1206"), cdt("D1208"))
    present[:, 3] = (age >= 4) & (u[:, 3] < 0.35)
    film = rng.random(n)
    proc[:, 3] = np.where(
        film < 0.7, cdt("D0272"), np.where((film < 0.85) & (age >= 12), cdt("D0274"), cdt("D0220"))
    )

    sealant = (age >= 6) & (age <= 14) & (u[:, 4] < 0.25)
    molars = np.array(
        [[TEETH.index(t) for t in FIRST_MOLARS], [TEETH.index(t) for t in SECOND_MOLARS]]
    )
    which = np.where(age >= 12, 1, 0)
    k = rng.integers(0, 4, n)
    for col, shift in ((4, 0), (5, 1 + rng.integers(0, 3, n))):
        present[:, col] = sealant
        proc[:, col] = cdt("D1351")
        tooth[:, col] = molars[which, (k + shift) % 4]
        surface[:, col] = SURFACES.index("O")

    treatment = (age >= 2) & (u[:, 6] < 0.12)
    for col in (6, 7):
        pick = rng.random(n)
        kind = np.where(pick < 0.5, cdt("D2391"), np.where(pick < 0.75, cdt("D2330"), cdt("D2930")))
        kind = np.where((kind == cdt("D2930")) & (age > 9), cdt("D2391"), kind)
        present[:, col] = treatment & ((col == 6) | (u[:, 7] < 0.4))
        proc[:, col] = kind
        tooth[:, col] = _teeth(rng, np.where(kind == cdt("D2930"), 0, age), kind == cdt("D2330"))
        front = np.array([SURFACES.index(s) for s in ("M", "D", "F", "L", "I")])
        back = np.array([SURFACES.index(s) for s in ("O", "O", "O", "B", "L")])
        one = np.where(
            kind == cdt("D2330"), front[rng.integers(0, 5, n)], back[rng.integers(0, 5, n)]
        )
        surface[:, col] = np.where(kind == cdt("D2930"), NONE, one)
    present[:, 8] = (age >= 3) & (u[:, 8] < 0.04)
    proc[:, 8] = cdt("D7140")
    tooth[:, 8] = _teeth(rng, age, np.zeros(n, dtype=bool))
    present &= np.cumsum(present, axis=1) <= MAX_LINES

    visit, t = np.nonzero(present)
    rendering = d.clinician(rng, v.practice)
    received = v.day + 7 + rng.exponential(20, n).astype(np.int64)
    lower = rng.random(len(visit)) < rates.LOWER_CASE
    refused = (v.plan == NOT_COVERED) & (rng.random(n) < rates.UNCOVERED_DENIED)
    source = np.where(dmc[v.child[visit]], SOURCES.index("encounter"), SOURCES.index("ffs"))
    lines: Lines = {
        "claim": visit.astype(np.int64),
        "line": line_numbers(visit),
        "child": v.child[visit],
        "day": v.day[visit],
        "received": received[visit],
        "rendering": rendering[visit],
        "billing": d.billing[v.practice][visit],
        "proc": proc[visit, t] + np.where(lower, len(CDT), 0),
        "tooth": tooth[visit, t],
        "surface": surface[visit, t],
        "status": np.where(refused[visit], DENIED, PAID),
        "source": source,
    }
    return add_noise(rng, lines, (d.n_known, len(d.npi)))


class DentalVocabulary:
    def __init__(self, d: Directory) -> None:
        self.npi = d.npi
        self.procedure = vocabulary(list(CDT) + [x.lower() for x in CDT])
        self.tooth = vocabulary(TEETH)
        self.surface = vocabulary(SURFACES)
        self.status = vocabulary(STATUSES)
        self.source = vocabulary(SOURCES)


def dental_table(lines: Lines, ids: Bytes, claim_base: int, vocab: DentalVocabulary) -> pa.Table:
    """The chunk's rows of ``dental_claim``, in the contract's column order."""
    columns: dict[str, pa.Array] = {
        "claim_id": claim_ids(
            lines["source"], "DN", lines["received"], claim_base + lines["claim"]
        ),
        "line": int32_column(lines["line"]),
        "member_id": take_fixed(ids, lines["child"]),
        "service_date": date_column(lines["day"]),
        "rendering_npi": dictionary(lines["rendering"], vocab.npi),
        "billing_npi": dictionary(lines["billing"], vocab.npi),
        "procedure_code": dictionary(lines["proc"], vocab.procedure),
        "tooth": dictionary(lines["tooth"], vocab.tooth),
        "surface": dictionary(lines["surface"], vocab.surface),
        "status": dictionary(lines["status"], vocab.status),
        "source": dictionary(lines["source"], vocab.source),
    }
    names = BY_NAME["dental_claim"].names
    return pa.table([columns[k] for k in names], names=list(names))
