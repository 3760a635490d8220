"""Medical claim lines: the codes each encounter is billed with.

A well-child visit is a preventive E/M line (99381-99385 new, 99391-99395 established,
by age; now and then 99461 for a newborn, or a problem E/M such as 99213 carrying the
Z00 diagnosis) with a Z00.1xx or Z00.0x diagnosis, plus the vaccine products due at that
age with their administration codes (90460/90461 under 19, 90471/90472 from 19),
developmental screening (96110), fluoride varnish by the pediatrician (99188, 6 months to
5 years), hemoglobin and lead tests, vision and hearing screens and, for teenagers,
96127. Sick visits carry a problem E/M with a common diagnosis and now and then a test or
a treatment. Each encounter is one claim; its lines are built as a matrix (encounters x
line types) and the present cells become lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from wellchild.contract import BY_NAME
from wellchild.contract.medical_claim import SOURCES
from wellchild.synth import codes, rates
from wellchild.synth.codes import NONE, principal, procedure, secondary
from wellchild.synth.columns import (
    Bytes,
    Ints,
    date_column,
    dictionary,
    int32_column,
    take_fixed,
    vocabulary,
)
from wellchild.synth.dates import age_years, year_month_day
from wellchild.synth.enrollment import FFS, NOT_COVERED
from wellchild.synth.ids import claim_ids
from wellchild.synth.noise import DENIED, PAID, STATUSES, Lines, add_noise, line_numbers
from wellchild.synth.population import Children
from wellchild.synth.providers import PLACES_OF_SERVICE, Directory
from wellchild.synth.visits import (
    ER,
    IMAGING,
    LAB,
    OBGYN,
    SICK,
    SPECIALIST,
    STAGE_NAMES,
    TELEHEALTH,
    THERAPY,
    URGENT,
    VISION,
    WELL,
    Visits,
)

VACCINES = {
    "newborn": (("90744",), 0.40),
    "1m": (("90744",), 0.30),
    "2m": (("90723", "90680", "90670", "90648"), 0.90),
    "4m": (("90723", "90680", "90670", "90648"), 0.90),
    "6m": (("90723", "90680", "90670"), 0.88),
    "12m": (("90707", "90716", "90633", "90670"), 0.88),
    "15m": (("90700", "90648"), 0.85),
    "18m": (("90633",), 0.80),
    "4y": (("90700", "90713", "90707", "90716"), 0.85),
    "11y": (("90715", "90734", "90651"), 0.80),
    "12y": (("90651",), 0.60),
    "16y": (("90734",), 0.60),
}
SLOTS = 4
# Components of combination vaccines (90461 is billed for the components after the first).
COMPONENTS = np.ones(len(codes.PROCEDURES), dtype=np.int64)
for _code, _parts in (("90723", 5), ("90707", 3), ("90700", 3), ("90715", 3)):
    COMPONENTS[procedure(_code)] = _parts
FLU = 0.35
HESITANT = 0.05
SCREENING = {"9m": 0.7, "18m": 0.7, "30m": 0.7, "24m": 0.3}


@dataclass
class Cells:
    """Candidate lines of a group of encounters: one column per line type."""

    present: npt.NDArray[np.bool_]
    proc: Ints
    dx1: Ints
    dx2: Ints

    @classmethod
    def empty(cls, n: int, types: int) -> Cells:
        # Column-major, as the builders fill one line type (a column) at a time.
        return cls(
            np.zeros((n, types), dtype=bool, order="F"),
            np.full((n, types), NONE, dtype=np.int64, order="F"),
            np.full((n, types), NONE, dtype=np.int64, order="F"),
            np.full((n, types), NONE, dtype=np.int64, order="F"),
        )

    def set(
        self,
        t: int,
        present: npt.NDArray[np.bool_],
        proc: Ints | int,
        dx1: Ints | int,
        dx2: Ints | int = NONE,
    ) -> None:
        self.present[:, t] = present
        self.proc[:, t] = proc
        self.dx1[:, t] = dx1
        self.dx2[:, t] = dx2


def _schedule_tables() -> tuple[Ints, npt.NDArray[np.float64]]:
    products = np.full((len(STAGE_NAMES), SLOTS), NONE, dtype=np.int64)
    chance = np.zeros(len(STAGE_NAMES))
    for stage, (names, p) in VACCINES.items():
        row = STAGE_NAMES.index(stage)
        products[row, : len(names)] = [procedure(x) for x in names]
        chance[row] = p
    return products, chance


def _well_diagnosis(rng: np.random.Generator, age_days: Ints, age: Ints) -> Ints:
    n = len(age)
    abnormal = rng.random(n) < 0.2
    child = np.where(abnormal, principal("Z00.121"), principal("Z00.129"))
    adult = np.where(rng.random(n) < 0.15, principal("Z00.01"), principal("Z00.00"))
    out = np.where(age >= 18, adult, child)
    out = np.where(age_days <= 28, principal("Z00.111"), out)
    return np.where(age_days < 8, principal("Z00.110"), out)


def _well(
    rng: np.random.Generator,
    v: Visits,
    age: Ints,
    hesitant: npt.NDArray[np.bool_],
    varnish: npt.NDArray[np.float64],
) -> Cells:
    n = len(v)
    cells = Cells.empty(n, 27)
    stage = v.stage
    is_newborn = stage == STAGE_NAMES.index("newborn")
    well_dx = _well_diagnosis(rng, v.age_days, age)
    band = np.searchsorted(np.array([1, 5, 12, 18]), age, side="right")
    new = rng.random(n) < np.where(is_newborn, 0.8, rates.NEW_PATIENT)
    em = np.where(new, procedure("99381"), procedure("99391")) + band
    em = np.where(is_newborn & (rng.random(n) < 0.1), procedure("99461"), em)
    problem = v.flag < rates.PROBLEM_CODED_WELL
    em = np.where(
        problem, np.where(rng.random(n) < 0.7, procedure("99213"), procedure("99214")), em
    )

    products, chance = _schedule_tables()
    given = np.zeros(n, dtype=np.int64)
    minor = age < 19
    slots = [products[stage, slot] for slot in range(SLOTS)]
    _, month, _ = year_month_day(v.day)
    season = (month >= 9) | (month <= 3)
    slots.append(np.where(season & (v.age_days >= 182), procedure("90686"), NONE))
    for slot, code in enumerate(slots):
        p = FLU if slot == SLOTS else chance[stage]
        present = (code != NONE) & ~hesitant & (rng.random(n) < p)
        cells.set(1 + slot, present, code, principal("Z23"))
        # One administration line per vaccine (with counselling under 19), and 90461
        # for the further components of a combination vaccine.
        admin = np.where(
            minor, procedure("90460"), np.where(given == 0, procedure("90471"), procedure("90472"))
        )
        cells.set(6 + slot, present, admin, principal("Z23"))
        several = present & minor & (COMPONENTS[np.maximum(code, 0)] > 1)
        cells.set(11 + slot, several, procedure("90461"), principal("Z23"))
        given += present
    second = np.where(given >= 1, secondary("Z23"), np.where(age >= 3, secondary("Z68.51"), NONE))
    second = np.where(rng.random(n) < 0.5, second, NONE)
    cells.set(0, np.ones(n, dtype=bool), em, well_dx, second)

    screen = np.zeros(n)
    for name, p in SCREENING.items():
        screen[stage == STAGE_NAMES.index(name)] = p
    cells.set(16, rng.random(n) < screen, procedure("96110"), principal("Z13.42"))
    young = (v.age_days >= 182) & (age <= 5)
    cells.set(17, young & (rng.random(n) < varnish), procedure("99188"), well_dx)
    in_office = np.isin(stage, [STAGE_NAMES.index("12m"), STAGE_NAMES.index("24m")]) & (
        v.flag >= rates.LAB_SENT_OUT
    )
    hemoglobin = in_office & (stage == STAGE_NAMES.index("12m")) & (rng.random(n) < 0.5)
    lead = in_office & (rng.random(n) < 0.5)
    cells.set(18, hemoglobin, procedure("85018"), principal("Z13.0"))
    cells.set(19, lead, procedure("83655"), principal("Z13.88"))
    cells.set(20, hemoglobin | lead, procedure("36416"), well_dx)
    cells.set(21, (age >= 3) & (age <= 18) & (rng.random(n) < 0.45), procedure("99173"), well_dx)
    cells.set(22, (age >= 4) & (age <= 18) & (rng.random(n) < 0.3), procedure("92551"), well_dx)
    cells.set(23, (age >= 12) & (rng.random(n) < 0.4), procedure("96127"), principal("Z13.31"))
    lipids = (((age >= 9) & (age <= 11)) | (age >= 17)) & (rng.random(n) < 0.3)
    cells.set(24, lipids, procedure("80061"), well_dx)
    chlamydia = (age >= 16) & (rng.random(n) < 0.25)
    cells.set(25, chlamydia, procedure("87491"), well_dx)
    cells.set(26, lipids | chlamydia, procedure("36415"), well_dx)
    # A telehealth well visit has no shots, samples or varnish; questionnaires it can have.
    remote = np.isin(v.pos, TELEHEALTH)
    keep = np.zeros(cells.present.shape[1], dtype=bool)
    keep[[0, 16, 23]] = True
    cells.present &= ~(remote[:, None] & ~keep[None, :])
    return cells


def _sick(rng: np.random.Generator, v: Visits, age: Ints) -> Cells:
    n = len(v)
    cells = Cells.empty(n, 12)
    older = np.where(
        age < 12, codes.draw(rng, codes.SICK_CHILD, n), codes.draw(rng, codes.SICK_TEEN, n)
    )
    dx = np.where(age < 1, codes.draw(rng, codes.SICK_YOUNG, n), older)
    dx = np.where(v.kind == SPECIALIST, codes.draw(rng, codes.SPECIALTY, n), dx)
    dx = np.where(v.kind == VISION, codes.draw(rng, codes.VISION, n), dx)
    dx = np.where(v.kind == THERAPY, codes.draw(rng, codes.THERAPY, n), dx)
    second = np.where(rng.random(n) < 0.25, rng.integers(0, len(codes.SECONDARY), n), NONE)
    second = np.where(np.isin(v.kind, [VISION, THERAPY]), NONE, second)
    em = codes.choose(rng, {"99212": 0.25, "99213": 0.55, "99214": 0.20}, n)
    em = np.where(
        v.kind == URGENT, codes.choose(rng, {"99203": 0.3, "99213": 0.5, "99214": 0.2}, n), em
    )
    em = np.where(
        v.kind == ER, codes.choose(rng, {"99283": 0.45, "99284": 0.45, "99285": 0.10}, n), em
    )
    em = np.where(
        v.kind == SPECIALIST,
        codes.choose(rng, {"99203": 0.35, "99204": 0.15, "99213": 0.35, "99214": 0.15}, n),
        em,
    )
    em = np.where(v.kind == VISION, codes.choose(rng, {"92004": 0.35, "92014": 0.65}, n), em)
    therapy = codes.choose(rng, {"90837": 0.45, "90834": 0.35, "90832": 0.10, "90791": 0.10}, n)
    em = np.where(v.kind == THERAPY, therapy, em)
    ankle = (v.kind == IMAGING) & (rng.random(n) < 0.25)
    em = np.where(v.kind == IMAGING, np.where(ankle, procedure("73610"), procedure("71046")), em)
    chest = codes.draw(rng, {"R05.9": 3, "J20.9": 2, "R50.9": 1}, n)
    dx = np.where(v.kind == IMAGING, np.where(ankle, principal("S93.401A"), chest), dx)
    second = np.where(v.kind == IMAGING, NONE, second)

    gyn = v.kind == OBGYN
    preventive = gyn & (rng.random(n) < 0.6)
    band = np.where(age >= 18, 1, 0)
    well_woman = np.where(rng.random(n) < 0.3, procedure("99384"), procedure("99394")) + band
    em = np.where(preventive, well_woman, np.where(gyn, procedure("99213"), em))
    dx = np.where(
        preventive,
        principal("Z01.419"),
        np.where(gyn, codes.draw(rng, {"N94.6": 1, "Z30.011": 2}, n), dx),
    )
    second = np.where(gyn, NONE, second)
    cells.set(0, np.ones(n, dtype=bool), em, dx, second)

    office = np.isin(v.kind, [SICK, URGENT, ER])
    strep = office & (dx == principal("J02.9")) & (rng.random(n) < 0.6)
    feverish = np.isin(dx, [principal(x) for x in ("R50.9", "B34.9", "J06.9")])
    urinary = office & np.isin(dx, [principal("N39.0"), principal("R10.9")]) & (rng.random(n) < 0.6)
    cells.set(1, strep, procedure("87880"), dx)
    cells.set(2, office & feverish & (rng.random(n) < 0.12), procedure("87804"), dx)
    cells.set(
        3,
        office & np.isin(dx, [principal("J45.909"), principal("J21.9")]) & (rng.random(n) < 0.5),
        procedure("94640"),
        dx,
    )
    shot = office & (dx == principal("H66.90")) & (rng.random(n) < 0.05)
    cells.set(4, shot, procedure("96372"), dx)
    cells.set(5, shot, procedure("J0696"), dx)
    cells.set(6, urinary, procedure("81002"), dx)
    cells.set(
        7,
        (urinary & (rng.random(n) < 0.5)) | (office & feverish & (rng.random(n) < 0.05)),
        procedure("85025"),
        dx,
    )
    vision = v.kind == VISION
    cells.set(9, vision, procedure("92015"), dx)
    glasses = vision & (rng.random(n) < 0.6)
    cells.set(10, glasses, procedure("V2020"), dx)
    cells.set(11, glasses, procedure("V2100"), dx)
    young = (v.kind == THERAPY) & (age < 12) & (rng.random(n) < 0.15)
    cells.set(8, young, procedure("90785"), dx)
    return cells


def _lab(rng: np.random.Generator, v: Visits) -> Cells:
    n = len(v)
    cells = Cells.empty(n, 2)
    well_dx = rng.random(n) < 0.2  # POS 81 lines with a Z00 code must never count as a visit
    cells.set(
        0,
        np.ones(n, dtype=bool),
        procedure("83655"),
        np.where(well_dx, principal("Z00.129"), principal("Z13.88")),
    )
    hemoglobin = (v.stage == STAGE_NAMES.index("12m")) & (rng.random(n) < 0.7)
    cells.set(
        1,
        hemoglobin,
        procedure("85018"),
        np.where(well_dx, principal("Z00.129"), principal("Z13.0")),
    )
    return cells


def _flatten(rng: np.random.Generator, cells: Cells, v: Visits, claim_offset: int) -> Lines:
    visit, t = np.nonzero(cells.present)
    style = codes.spelling(rng, len(v))[visit]
    claim = claim_offset + visit
    plan = v.plan[visit]
    # A claim for a day without coverage is mostly denied as a whole (no eligibility).
    refused = (v.plan == NOT_COVERED) & (rng.random(len(v)) < rates.UNCOVERED_DENIED)
    status = np.where(refused[visit], DENIED, PAID)
    received = (v.day + 5 + rng.exponential(18, len(v)).astype(np.int64))[visit]
    return {
        "claim": claim.astype(np.int64),
        "line": line_numbers(claim),
        "child": v.child[visit],
        "day": v.day[visit],
        "received": received,
        "rendering": v.rendering[visit],
        "billing": v.billing[visit],
        "proc": codes.procedure_text(cells.proc[visit, t], rng),
        "dx": codes.diagnosis_text(cells.dx1[visit, t], cells.dx2[visit, t], style),
        "pos": v.pos[visit],
        "status": status,
        "source": np.where(
            (plan == NOT_COVERED) | (plan == FFS), SOURCES.index("ffs"), SOURCES.index("encounter")
        ),
    }


def medical_lines(rng: np.random.Generator, v: Visits, c: Children, d: Directory) -> Lines:
    """Every medical claim line of the chunk's encounters, noise included."""
    age = age_years(c.birth[v.child], v.day)
    hesitant = rng.random(c.n) < HESITANT
    parts = []
    offset = 0
    for kind in ("well", "other", "lab"):
        group = {"well": v.kind == WELL, "lab": v.kind == LAB}.get(
            kind, (v.kind != WELL) & (v.kind != LAB)
        )
        sub = v.take(group)
        if kind == "well":
            cells = _well(rng, sub, age[group], hesitant[sub.child], d.varnish[sub.practice])
        elif kind == "lab":
            cells = _lab(rng, sub)
        else:
            cells = _sick(rng, sub, age[group])
        parts.append(_flatten(rng, cells, sub, offset))
        offset += len(sub)
    lines = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return add_noise(rng, lines, (d.n_known, len(d.npi)))


class MedicalVocabulary:
    """The dictionaries of the coded columns (built once per run)."""

    def __init__(self, d: Directory) -> None:
        self.npi = d.npi
        self.procedure = codes.procedure_vocabulary()
        self.diagnosis = codes.diagnosis_vocabulary()
        self.pos = vocabulary(PLACES_OF_SERVICE)
        self.status = vocabulary(STATUSES)
        self.source = vocabulary(SOURCES)


def medical_table(lines: Lines, ids: Bytes, claim_base: int, vocab: MedicalVocabulary) -> pa.Table:
    """The chunk's rows of ``medical_claim``, in the contract's column order."""
    columns: dict[str, pa.Array] = {
        # FFS claims get an all-digit ICN-like number, plan encounters an E prefix
        "claim_id": claim_ids(
            lines["source"], "1E", lines["received"], claim_base + lines["claim"]
        ),
        "line": int32_column(lines["line"]),
        "member_id": take_fixed(ids, lines["child"]),
        "service_date": date_column(lines["day"]),
        "rendering_npi": dictionary(lines["rendering"], vocab.npi),
        "billing_npi": dictionary(lines["billing"], vocab.npi),
        "procedure_code": dictionary(lines["proc"], vocab.procedure),
        "diagnosis_codes": dictionary(lines["dx"], vocab.diagnosis),
        "place_of_service": dictionary(lines["pos"], vocab.pos),
        "status": dictionary(lines["status"], vocab.status),
        "source": dictionary(lines["source"], vocab.source),
    }
    names = BY_NAME["medical_claim"].names
    return pa.table([columns[k] for k in names], names=list(names))
