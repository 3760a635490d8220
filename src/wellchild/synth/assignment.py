"""Where each child gets care: a usual practice near home, another one for occasional
visits, two dental homes, and the PCP assignment spans of children in managed care.

Managed-care children are assigned to their usual practice for every plan span; about one
in eight moves to another practice at some point. Children in fee-for-service Medi-Cal
have a usual practice too, but no assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from wellchild.contract import BY_NAME
from wellchild.synth import rates
from wellchild.synth.columns import Ints, date_column, dictionary, take_fixed
from wellchild.synth.enrollment import FFS, Coverage
from wellchild.synth.population import NO_DATE, Children
from wellchild.synth.providers import Directory
from wellchild.synth.region import Floats, Region

SPECIFIC = 2  # languages from index 2 on (after en and es) draw families to staff who speak them


class _Draw:
    """Weighted draws of one practice among ``candidates`` for each home ZIP of a county."""

    def __init__(self, candidates: Ints, weight: Floats, distance: Floats, scale: float) -> None:
        self.candidates = candidates
        w = weight[None, :] * (np.exp(-distance / scale) + 1e-4)
        cdf = np.cumsum(w, axis=1)
        cdf /= cdf[:, -1:]
        self.width = len(candidates)
        self.flat = (cdf + np.arange(len(cdf))[:, None]).ravel()

    def __call__(self, row: Ints, u: Floats) -> Ints:
        pos = np.searchsorted(self.flat, row + u * (1 - 1e-9), side="right") - row * self.width
        out: Ints = self.candidates[np.clip(pos, 0, self.width - 1)]
        return out


class Chooser:
    """Draws practices of one role for children: near home and, for families speaking a
    threshold language other than English or Spanish, often a practice that speaks it."""

    def __init__(self, d: Directory, region: Region, candidates: Ints) -> None:
        self.d = d
        self.region = region
        self.weight = np.array(d.practices.weight)
        self.languages = region.people.languages
        self.local = np.full(region.n_zips, -1, dtype=np.int64)
        self.by_county: dict[int, _Draw] = {}
        self.by_language: dict[tuple[int, int], _Draw | None] = {}
        self.candidates = candidates
        for county in range(len(rates.COUNTIES)):
            zips = region.zips_of(county)
            self.local[zips] = np.arange(len(zips))
            inside = candidates[d.county[candidates] == county]
            if len(inside) == 0:
                raise ValueError(f"no practice of this kind in county {rates.COUNTIES[county]}")
            self.by_county[county] = self._draw(county, inside)

    def _draw(self, county: int, inside: Ints) -> _Draw:
        zips = self.region.zips_of(county)
        places = self.d.zip[inside]
        distance = self.region.distance_km(zips, self.region.lat[places], self.region.lon[places])
        return _Draw(
            inside, self.weight[inside], distance, rates.DISTANCE_KM[rates.COUNTIES[county]]
        )

    def _language_draw(self, county: int, language: int) -> _Draw | None:
        key = (county, language)
        if key not in self.by_language:
            tag = self.languages[language]
            inside = self.candidates[self.d.county[self.candidates] == county]
            speaking = np.array([p for p in inside if self.d.speaks(int(p), tag)], dtype=np.int64)
            self.by_language[key] = self._draw(county, speaking) if len(speaking) else None
        return self.by_language[key]

    def sample(self, rng: np.random.Generator, c: Children) -> Ints:
        """One practice per child."""
        out = np.empty(c.n, dtype=np.int64)
        u = rng.random(c.n)
        concordant = (c.language >= SPECIFIC) & (rng.random(c.n) < rates.LANGUAGE_CONCORDANT)
        row = self.local[c.zip]
        for county, draw in self.by_county.items():
            here = c.county == county
            out[here] = draw(row[here], u[here])
            for language in np.unique(c.language[here & concordant]):
                speaking = self._language_draw(county, int(language))
                rows = np.flatnonzero(here & concordant & (c.language == language))
                if speaking is not None:
                    out[rows] = speaking(row[rows], u[rows])
        return out


@dataclass
class Homes:
    """The practices each child uses."""

    usual: Ints  # primary care practice until ``moved`` (for good if never)
    later: Ints  # primary care practice from ``moved`` on
    moved: Ints  # day of the change; a day after the window when there is none
    other: Ints  # another practice for occasional visits
    usual_npi: Ints
    later_npi: Ints
    young_dentist: Ints  # a dental practice that sees toddlers
    dentist: Ints  # a dental practice for older children

    def practice_on(self, child: Ints, day: Ints) -> Ints:
        return np.where(day >= self.moved[child], self.later[child], self.usual[child])


@dataclass
class Choosers:
    primary: Chooser
    young_dental: Chooser
    dental: Chooser

    @classmethod
    def build(cls, d: Directory, region: Region) -> Choosers:
        dental = d.by_role("dental")
        young = dental[d.min_age[dental] <= 1]
        return cls(
            Chooser(d, region, d.by_role("primary")),
            Chooser(d, region, young),
            Chooser(d, region, dental),
        )


def choose_homes(
    rng: np.random.Generator, c: Children, coverage: Coverage, d: Directory, choosers: Choosers
) -> Homes:
    """Draw each child's practices and the day, if any, it moves to another practice."""
    usual = choosers.primary.sample(rng, c)
    later = choosers.primary.sample(rng, c)
    other = choosers.primary.sample(rng, c)
    window = coverage.window
    start = np.maximum(c.birth, window.first)
    span = window.last - start + 1
    moves = (rng.random(c.n) < rates.PRACTICE_CHANGE) & (later != usual)
    day = np.minimum(start + 1 + (rng.random(c.n) * span).astype(np.int64), window.last)
    moved = np.where(moves, day, window.last + 1)
    return Homes(
        usual=usual,
        later=later,
        moved=moved,
        other=other,
        usual_npi=d.clinician(rng, usual),
        later_npi=d.clinician(rng, later),
        young_dentist=choosers.young_dental.sample(rng, c),
        dentist=choosers.dental.sample(rng, c),
    )


def assignment_table(c: Children, coverage: Coverage, homes: Homes, d: Directory) -> pa.Table:
    """PCP assignment spans: one per managed-care enrollment span, split where the child
    changes practice, never overlapping."""
    s = coverage.spans
    plan = s.plan != FFS
    child, start, end = s.child[plan], s.start[plan], s.end[plan]
    moved = homes.moved[child]
    open_end = end == NO_DATE
    split = (moved <= coverage.window.last) & (start < moved) & (open_end | (end >= moved))
    before = np.where(split, moved - 1, end)
    child = np.concatenate([child, child[split]])
    later = np.concatenate([start >= moved, np.ones(int(split.sum()), dtype=bool)])
    start = np.concatenate([start, moved[split]])
    end = np.concatenate([before, end[split]])
    order = np.lexsort((start, child))
    child, start, end, later = child[order], start[order], end[order], later[order]

    # Overlapping plan spans (a data quirk) must not make overlapping assignments.
    start, keep = one_after_another(child, start, end)
    child, start, end, later = child[keep], start[keep], end[keep], later[keep]

    practice = np.where(later, homes.later[child], homes.usual[child])
    npi = np.where(later, homes.later_npi[child], homes.usual_npi[child])
    columns: dict[str, pa.Array] = {
        "member_id": take_fixed(c.ids, child),
        "npi": dictionary(npi, d.npi),
        "practice_id": dictionary(practice, d.practice_ids),
        "start_date": date_column(start),
        "end_date": date_column(np.maximum(end, 0), null=end == NO_DATE),
    }
    names = BY_NAME["pcp_assignment"].names
    return pa.table([columns[k] for k in names], names=list(names))


_OPEN = 1_000_000  # an open end, as a day number: later than any real day


def one_after_another(child: Ints, start: Ints, end: Ints) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Spans made to follow one another: rows sorted by child then start; each span starts
    the day after every earlier span of its child has ended, and a span wholly covered by
    earlier ones (an open one covers everything after it) is dropped. Returns the new
    starts and the rows to keep.

    Examples
    --------
    >>> child = np.array([0, 0, 0, 1, 1])
    >>> start = np.array([10, 15, 40, 10, 10])
    >>> end = np.array([30, 20, NO_DATE, NO_DATE, NO_DATE])
    >>> new_start, keep = one_after_another(child, start, end)
    >>> new_start[keep].tolist(), keep.tolist()
    ([10, 40, 10], [True, False, True, True, False])
    """
    last = np.where(end == NO_DATE, _OPEN, end).astype(np.int64)
    first = np.ones(len(child), dtype=bool)
    first[1:] = child[1:] != child[:-1]
    group = np.cumsum(first) - 1
    # a running maximum of the ends within each child: offset each child above the last
    width = 3 * _OPEN
    running = np.maximum.accumulate(group * width + last + _OPEN) - group * width - _OPEN
    earlier = np.roll(running, 1)
    earlier[first] = np.iinfo(np.int64).min // 2
    new_start = np.maximum(start, earlier + 1)
    keep = (earlier < _OPEN) & ((end == NO_DATE) | (end >= new_start))
    return new_start, keep
