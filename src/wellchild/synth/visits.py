"""Medical encounters: well-child visits on the Bright Futures schedule, sick visits,
urgent care, emergency and telehealth visits, X-rays, specialists, eye exams, courses of
therapy, OB-GYN visits of teenage girls, and the lab draws sent to independent labs.

Whether a due well-child visit happens is a coin with probability
``sigmoid(child propensity + step of the schedule + practice quality + race/ethnicity
effect + coverage)``; see :mod:`wellchild.synth.rates`. Every encounter becomes one claim.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from wellchild.synth import rates
from wellchild.synth.assignment import Homes
from wellchild.synth.columns import Ints
from wellchild.synth.dates import Window, age_years, anniversaries
from wellchild.synth.enrollment import NOT_COVERED, Coverage
from wellchild.synth.population import Children
from wellchild.synth.providers import PLACES_OF_SERVICE, Directory
from wellchild.synth.region import Floats

KINDS = (
    "well",
    "sick",
    "urgent",
    "er",
    "specialist",
    "obgyn",
    "lab",
    "vision",
    "therapy",
    "imaging",
)
WELL, SICK, URGENT, ER, SPECIALIST, OBGYN, LAB, VISION, THERAPY, IMAGING = range(len(KINDS))
N_INFANT = len(rates.INFANT_STAGES)
STAGE_NAMES = tuple(s[0] for s in rates.INFANT_STAGES) + tuple(f"{a}y" for a in rates.YEARLY_AGES)
TELEHEALTH = (PLACES_OF_SERVICE.index("02"), PLACES_OF_SERVICE.index("10"))


@dataclass
class Visits:
    """Medical encounters of one chunk, one claim each."""

    child: Ints
    day: Ints
    kind: Ints  # index into KINDS
    stage: Ints  # index into STAGE_NAMES for well visits, else -1
    practice: Ints
    rendering: Ints  # index into Directory.npi
    billing: Ints
    pos: Ints  # index into PLACES_OF_SERVICE
    plan: Ints  # plan covering the day, NOT_COVERED when none
    age_days: Ints
    flag: Floats  # a uniform number per visit for the line builder's own choices

    def __len__(self) -> int:
        return len(self.child)

    def take(self, rows: npt.NDArray[np.integer] | npt.NDArray[np.bool_]) -> Visits:
        return Visits(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Visits]) -> Visits:
        return Visits(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Visits)}
        )


def sigmoid(x: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _stage_offsets() -> Floats:
    yearly = []
    offset = 0.0
    for age in rates.YEARLY_AGES:
        offset = rates.YEARLY_OFFSET.get(age, offset)
        yearly.append(offset)
    return np.array([s[2] for s in rates.INFANT_STAGES] + yearly)


def _due_dates(c: Children, window: Window) -> tuple[Ints, Ints, Ints]:
    """(child, stage, nominal day) of every schedule step that can fall in the window."""
    infant = c.birth[:, None] + np.array([s[1] for s in rates.INFANT_STAGES])[None, :]
    yearly = anniversaries(c.birth, 12 * np.array(rates.YEARLY_AGES))
    nominal = np.hstack([infant, yearly])
    child, stage = np.nonzero((nominal >= window.first - 330) & (nominal <= window.last))
    return child.astype(np.int64), stage.astype(np.int64), nominal[child, stage]


def _lateness(rng: np.random.Generator, stage: Ints) -> Ints:
    n = len(stage)
    infant = stage < N_INFANT
    mean = np.where(
        infant,
        np.array([s[3] for s in rates.INFANT_STAGES])[np.minimum(stage, N_INFANT - 1)],
        rates.YEARLY_JITTER,
    )
    late = rng.exponential(1.0, n) * mean
    late = np.where(infant, late, np.minimum(late, 300))
    early_days = np.where(infant, 7, 30)
    early = (rng.random(n) < rates.EARLY) & (stage > 0)
    return np.where(early, -(rng.random(n) * early_days), late).round().astype(np.int64)


def well_visits(
    rng: np.random.Generator, c: Children, coverage: Coverage, homes: Homes, d: Directory
) -> Visits:
    """The well-child visits that happen."""
    window = coverage.window
    child, stage, nominal = _due_dates(c, window)
    day = nominal + _lateness(rng, stage)
    inside = (day >= np.maximum(c.birth[child], window.first)) & (
        day <= np.minimum(c.life_end[child], window.last)
    )
    child, stage, day = child[inside], stage[inside], day[inside]

    home = homes.practice_on(child, day)
    plan = coverage.plan_on(child, day)
    z = (
        c.well[child]
        + _stage_offsets()[stage]
        + d.quality[home]
        + rates.race_effects(rates.RACE_WELL)[c.race[child]]
        + np.where(plan == NOT_COVERED, rates.UNCOVERED, 0.0)
    )
    kept = rng.random(len(z)) < sigmoid(z)
    # A missed visit in the second half of infancy is often made up a month or two later.
    catch_up = np.isin(stage, [STAGE_NAMES.index(s) for s in rates.CATCH_UP_STAGES])
    catch_up &= ~kept & (rng.random(len(z)) < sigmoid(z + rates.CATCH_UP_OFFSET))
    day = np.where(
        catch_up, day + 20 + rng.exponential(rates.CATCH_UP_DAYS, len(z)).astype(np.int64), day
    )
    catch_up &= day <= np.minimum(c.life_end[child], window.last)
    kept |= catch_up
    child, stage, day, home, plan = child[kept], stage[kept], day[kept], home[kept], plan[kept]
    elsewhere = rng.random(len(child)) >= rates.HOME_PRACTICE
    practice = np.where(elsewhere, homes.other[child], home)
    return _encounters(rng, c, homes, d, child, day, WELL, practice, plan, stage)


def _encounters(
    rng: np.random.Generator,
    c: Children,
    homes: Homes,
    d: Directory,
    child: Ints,
    day: Ints,
    kind: int,
    practice: Ints,
    plan: Ints,
    stage: Ints | None = None,
) -> Visits:
    n = len(child)
    rendering = d.clinician(rng, practice)
    own = (practice == homes.usual[child]) & (rng.random(n) < 0.7)
    rendering = np.where(own, homes.usual_npi[child], rendering)
    pos = d.pos[practice]
    if kind in (WELL, SICK):
        tele = rng.random(n) < (rates.TELEHEALTH_WELL if kind == WELL else 0.0)
        pos = np.where(tele, np.array(TELEHEALTH)[rng.integers(0, 2, n)], pos)
    return Visits(
        child=child,
        day=day,
        kind=np.full(n, kind, dtype=np.int64),
        stage=stage if stage is not None else np.full(n, -1, dtype=np.int64),
        practice=practice,
        rendering=rendering,
        billing=d.billing[practice],
        pos=pos,
        plan=plan,
        age_days=day - c.birth[child],
        flag=rng.random(n),
    )


def _by_county(rng: np.random.Generator, d: Directory, role: str, county: Ints) -> Ints:
    """A random practice of ``role`` in each row's county (any county when it has none)."""
    out = np.empty(len(county), dtype=np.int64)
    for k in range(len(rates.COUNTIES)):
        rows = np.flatnonzero(county == k)
        pool = d.by_role(role, k)
        pool = pool if len(pool) else d.by_role(role)
        out[rows] = pool[rng.integers(0, len(pool), len(rows))]
    return out


def _events(
    rng: np.random.Generator, c: Children, window: Window, rate: Floats
) -> tuple[Ints, Ints]:
    """Poisson events per child and calendar year; ``rate`` is (children, years) per year."""
    starts = window.year_starts()
    child, day = [], []
    for k in range(len(starts) - 1):
        begin = np.maximum(c.birth, starts[k])
        end = np.minimum(c.life_end, starts[k + 1] - 1)
        length = np.maximum(end - begin + 1, 0)
        count = rng.poisson(rate[:, k] * length / 365.25)
        who = np.repeat(np.arange(c.n), count)
        child.append(who)
        day.append(begin[who] + (rng.random(len(who)) * length[who]).astype(np.int64))
    return np.concatenate(child), np.concatenate(day)


def _covered(
    rng: np.random.Generator, coverage: Coverage, child: Ints, day: Ints
) -> tuple[Ints, Ints, Ints]:
    """Keep the visits on covered days and a few of the others; with the plan of the day."""
    plan = coverage.plan_on(child, day)
    kept = (plan != NOT_COVERED) | (rng.random(len(child)) < rates.UNCOVERED_SICK)
    return child[kept], day[kept], plan[kept]


def _series(
    rng: np.random.Generator, child: Ints, day: Ints, mean: float, spacing: float
) -> tuple[Ints, Ints]:
    """Each visit followed by a Poisson number of further visits ``spacing`` days apart."""
    more = rng.poisson(mean, len(child))
    step = np.repeat(np.arange(len(child)), more + 1)
    k = np.arange(len(step)) - np.repeat(np.cumsum(more + 1) - (more + 1), more + 1)
    gap = (k * spacing + rng.random(len(step)) * spacing * 0.5).astype(np.int64)
    return child[step], day[step] + gap


def other_visits(
    rng: np.random.Generator, c: Children, coverage: Coverage, homes: Homes, d: Directory
) -> Visits:
    """Sick, urgent care, emergency, telehealth, specialist, vision, therapy and OB-GYN
    visits."""
    window = coverage.window
    starts = window.year_starts()
    middle = (starts[:-1] + 182)[None, :].repeat(c.n, axis=0)
    age = age_years(
        np.repeat(c.birth[:, None], middle.shape[1], axis=1).ravel(), middle.ravel()
    ).reshape(middle.shape)
    limits = np.array([a for a, _ in rates.SICK_PER_YEAR])
    per_year = np.array([r for _, r in rates.SICK_PER_YEAR])
    sick_rate = per_year[np.searchsorted(limits, age, side="right").clip(0, len(limits) - 1)]
    child, day, plan = _covered(
        rng, coverage, *_events(rng, c, window, sick_rate * c.frailty[:, None])
    )

    settings = list(rates.SICK_SETTING)
    setting = np.searchsorted(
        np.cumsum(list(rates.SICK_SETTING.values())), rng.random(len(child)), side="right"
    )
    setting = setting.clip(0, len(settings) - 1)
    home = homes.practice_on(child, day)
    practice = np.where(rng.random(len(child)) < 0.8, home, homes.other[child])
    parts = []
    office = (setting == settings.index("office")) | (setting == settings.index("tele"))
    visits = _encounters(
        rng, c, homes, d, child[office], day[office], SICK, practice[office], plan[office]
    )
    tele = setting[office] == settings.index("tele")
    visits.pos = np.where(tele, np.array(TELEHEALTH)[rng.integers(0, 2, len(tele))], visits.pos)
    parts.append(visits)
    for name, kind, role in (("urgent", URGENT, "urgent"), ("er", ER, "emergency")):
        rows = setting == settings.index(name)
        where = _by_county(rng, d, role, c.county[child[rows]])
        parts.append(_encounters(rng, c, homes, d, child[rows], day[rows], kind, where, plan[rows]))

    x_ray = rng.random(len(child)) < rates.IMAGING
    where = _by_county(rng, d, "imaging", c.county[child[x_ray]])
    parts.append(_other(rng, c, coverage, homes, d, child[x_ray], day[x_ray], IMAGING, where))

    years = len(starts) - 1
    child, day = _events(rng, c, window, np.full((c.n, years), rates.SPECIALIST_PER_YEAR))
    where = _by_county(rng, d, "specialist", c.county[child])
    referral, day = _series(rng, np.arange(len(child)), day, rates.SPECIALIST_FOLLOW_UPS, 60.0)
    parts.append(
        _other(rng, c, coverage, homes, d, child[referral], day, SPECIALIST, where[referral])
    )

    school = age >= 5
    child, day = _events(rng, c, window, np.where(school, rates.VISION_PER_YEAR, 0.0))
    parts.append(
        _other(
            rng,
            c,
            coverage,
            homes,
            d,
            child,
            day,
            VISION,
            _by_county(rng, d, "vision", c.county[child]),
        )
    )

    older = age >= 4
    child, day = _events(rng, c, window, np.where(older, rates.THERAPY_PER_YEAR, 0.0))
    where = _by_county(rng, d, "behavioral", c.county[child])
    episode, day = _series(rng, np.arange(len(child)), day, rates.THERAPY_SESSIONS, 18.0)
    parts.append(_other(rng, c, coverage, homes, d, child[episode], day, THERAPY, where[episode]))

    girl = (c.sex == 0)[:, None] & (age >= 13)
    child, day = _events(rng, c, window, np.where(girl, rates.OBGYN_PER_YEAR, 0.0))
    parts.append(
        _other(
            rng,
            c,
            coverage,
            homes,
            d,
            child,
            day,
            OBGYN,
            _by_county(rng, d, "obgyn", c.county[child]),
        )
    )
    return Visits.concat(parts)


def _other(
    rng: np.random.Generator,
    c: Children,
    coverage: Coverage,
    homes: Homes,
    d: Directory,
    child: Ints,
    day: Ints,
    kind: int,
    practice: Ints,
) -> Visits:
    """Encounters at other practices, within the child's life and the window, mostly on
    covered days."""
    inside = day <= np.minimum(c.life_end[child], coverage.window.last)
    child, day, practice = child[inside], day[inside], practice[inside]
    plan = coverage.plan_on(child, day)
    kept = (plan != NOT_COVERED) | (rng.random(len(child)) < rates.UNCOVERED_SICK)
    return _encounters(rng, c, homes, d, child[kept], day[kept], kind, practice[kept], plan[kept])


def lab_visits(
    rng: np.random.Generator, c: Children, well: Visits, coverage: Coverage, d: Directory
) -> Visits:
    """Blood lead and hemoglobin tests at 12 and 24 months sent to an independent lab."""
    stage = np.array([STAGE_NAMES.index("12m"), STAGE_NAMES.index("24m")])
    sent = np.isin(well.stage, stage) & (well.flag < rates.LAB_SENT_OUT)
    child = well.child[sent]
    day = np.minimum(
        well.day[sent] + rng.integers(0, 4, len(child)),
        np.minimum(c.life_end[child], coverage.window.last),
    )
    lab = _by_county(rng, d, "lab", c.county[child])
    n = len(child)
    rendering = np.where(rng.random(n) < 0.5, d.billing[lab], -1)
    return Visits(
        child=child,
        day=day,
        kind=np.full(n, LAB, dtype=np.int64),
        stage=well.stage[sent],
        practice=lab,
        rendering=rendering,
        billing=d.billing[lab],
        pos=d.pos[lab],
        plan=coverage.plan_on(child, day),
        age_days=day - c.birth[child],
        flag=rng.random(n),
    )
