"""Medi-Cal coverage: which plan covers each child in each month, and the spans it makes.

Coverage is decided month by month (Medi-Cal eligibility runs by calendar month) on an
``(n, 60)`` matrix: when coverage starts (at birth for most newborns), gaps of one or
more months (renewals lost and regained), a permanent exit for some, a plan switch for
others, and a first month or two in fee-for-service for many newborns. Runs of equal
plan and aid code become the enrollment spans; the first span of a newborn starts on the
day of birth and the last ends on the day of death. Spans still running on 31 December
have no end date. A few plan switches are sent with spans overlapping by some days, a
quirk of real files that the loader merges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from wellchild.contract import BY_NAME
from wellchild.contract.enrollment import DENTAL_DELIVERY
from wellchild.synth import rates
from wellchild.synth.columns import Ints, date_column, dictionary, take_fixed, vocabulary
from wellchild.synth.dates import Window, add_years
from wellchild.synth.population import NO_DATE, Children

FFS = rates.PLANS.index("FFS")
NOT_COVERED = -1


@dataclass
class Spans:
    """Enrollment spans, sorted by child and start; ``end`` is NO_DATE when open."""

    child: Ints
    start: Ints
    end: Ints
    plan: Ints  # index into rates.PLANS
    aid: Ints  # index into rates.AID_CODES
    dental: Ints  # index into DENTAL_DELIVERY, -1 when not given

    def __len__(self) -> int:
        return len(self.child)


@dataclass
class Coverage:
    """Coverage of one chunk: the plan of each child in each month, and the spans."""

    window: Window
    plan: npt.NDArray[np.int8]  # (children, months): plan index, NOT_COVERED
    spans: Spans
    dmc: npt.NDArray[np.bool_]  # dental managed care

    def plan_on(self, child: Ints, day: Ints) -> Ints:
        """The plan covering each (child, day), NOT_COVERED when none does."""
        month = self.window.month_of(day)
        inside = (month >= 0) & (month < self.window.n_months)
        out = np.full(len(child), NOT_COVERED, dtype=np.int64)
        out[inside] = self.plan[child[inside], month[inside]]
        return out

    def managed(self, child: Ints, day: Ints) -> npt.NDArray[np.bool_]:
        plan = self.plan_on(child, day)
        out: npt.NDArray[np.bool_] = (plan != NOT_COVERED) & (plan != FFS)
        return out


def _geometric(rng: np.random.Generator, p: float, n: int) -> Ints:
    """0, 1, 2, ... with P(k) = p (1 - p)^k."""
    return rng.geometric(p, n).astype(np.int64) - 1


def _county_plans(rng: np.random.Generator, county: Ints) -> tuple[Ints, Ints]:
    """A managed-care plan per child from its county's plans, and another one to switch to."""
    n = len(county)
    first = np.empty(n, dtype=np.int64)
    other = np.empty(n, dtype=np.int64)
    for c, fips in enumerate(rates.COUNTIES):
        rows = np.flatnonzero(county == c)
        names = list(rates.COUNTY_PLANS[fips])
        shares = np.array(list(rates.COUNTY_PLANS[fips].values()))
        codes = np.array([rates.PLANS.index(p) for p in names])
        pick = rng.choice(len(names), size=len(rows), p=shares / shares.sum())
        shift = 1 + rng.integers(0, max(len(names) - 1, 1), size=len(rows))
        first[rows] = codes[pick]
        other[rows] = codes[(pick + shift) % len(names)]
    return first, other


def make_coverage(rng: np.random.Generator, c: Children, window: Window) -> Coverage:
    """Decide each child's coverage month by month and cut it into spans."""
    n, m_count = c.n, window.n_months
    months = np.arange(m_count)
    newborn = c.birth >= window.first
    m_birth = window.month_of(np.maximum(c.birth, window.first))
    m_last = window.month_of(np.where(c.death == NO_DATE, window.last, c.death))

    delay = np.where(
        rng.random(n) < rates.NEWBORN_FROM_BIRTH, 0, 1 + _geometric(rng, rates.NEWBORN_DELAY_P, n)
    )
    joined = np.where(rng.random(n) < rates.ENROLLED_AT_START, 0, rng.integers(1, m_count, n))
    m_start = np.where(newborn, m_birth + delay, joined)
    m_end = m_last.copy()
    leaves = rng.random(n) < rates.PERMANENT_EXIT
    leave_month = m_start + (rng.random(n) * np.maximum(m_last - m_start + 1, 1)).astype(np.int64)
    m_end = np.where(leaves, np.minimum(m_end, leave_month), m_end)
    nineteen = add_years(c.birth, 19)
    ages_out = (nineteen >= window.first) & (nineteen <= window.last)
    ages_out &= rng.random(n) < rates.AGE_OUT_19
    m_end = np.where(ages_out, np.minimum(m_end, window.month_of(nineteen)), m_end)
    m_start = np.minimum(m_start, m_end)  # every child is covered for at least a month

    covered = (months >= m_start[:, None]) & (months <= m_end[:, None])
    gaps = rng.choice(len(rates.GAP_COUNTS), size=n, p=rates.GAP_COUNTS)
    for k in range(len(rates.GAP_COUNTS) - 1):
        begin = m_start + 1 + (rng.random(n) * np.maximum(m_end - m_start, 0)).astype(np.int64)
        length = np.where(
            rng.random(n) < rates.GAP_ONE_MONTH, 1, 2 + _geometric(rng, rates.GAP_LONG_P, n)
        )
        hole = (months >= begin[:, None]) & (months < (begin + length)[:, None])
        covered &= ~(hole & (gaps > k)[:, None])

    plan_a, plan_b = _county_plans(rng, c.county)
    switch = rng.random(n) < rates.PLAN_SWITCH
    switch_month = m_start + 1 + (rng.random(n) * np.maximum(m_end - m_start, 0)).astype(np.int64)
    plan = np.where(
        switch[:, None] & (months >= switch_month[:, None]), plan_b[:, None], plan_a[:, None]
    )
    ffs_child = rng.random(n) < rates.FFS_SHARE
    plan[ffs_child] = FFS
    ffs_first = newborn & (delay == 0) & ~ffs_child & (rng.random(n) < rates.NEWBORN_FFS_FIRST)
    ffs_months = rng.integers(1, 3, n)
    first_months = (months >= m_birth[:, None]) & (months < (m_birth + ffs_months)[:, None])
    plan[ffs_first[:, None] & first_months] = FFS
    plan = np.where(covered, plan, NOT_COVERED).astype(np.int8)

    aid_shares = np.array(rates.AID_SHARES) / sum(rates.AID_SHARES)
    aid_a = rng.choice(len(rates.AID_CODES), size=n, p=aid_shares)
    aid_b = (aid_a + rng.integers(1, len(rates.AID_CODES), n)) % len(rates.AID_CODES)
    aid_month = np.where(rng.random(n) < rates.AID_CHANGE, rng.integers(0, m_count, n), m_count)
    aid = np.where(months >= aid_month[:, None], aid_b[:, None], aid_a[:, None])

    dmc_share = np.array([rates.DENTAL_DMC[f] for f in rates.COUNTIES])
    dmc = rng.random(n) < dmc_share[c.county]
    spans = _spans(rng, c, window, plan, aid, dmc, newborn, m_birth)
    return Coverage(window=window, plan=plan, spans=spans, dmc=dmc)


def _spans(
    rng: np.random.Generator,
    c: Children,
    window: Window,
    plan: npt.NDArray[np.int8],
    aid: Ints,
    dmc: npt.NDArray[np.bool_],
    newborn: npt.NDArray[np.bool_],
    m_birth: Ints,
) -> Spans:
    code = np.where(plan >= 0, plan.astype(np.int64) * 64 + aid, -1)
    edge = np.full((c.n, 1), -2)
    before = np.hstack([edge, code[:, :-1]])
    after = np.hstack([code[:, 1:], edge])
    child, m_first = np.nonzero((code >= 0) & (code != before))
    _, m_final = np.nonzero((code >= 0) & (code != after))

    ms = window.month_starts
    start = ms[m_first]
    at_birth = newborn[child] & (m_first == m_birth[child])
    start = np.where(at_birth, c.birth[child], start)
    end = ms[m_final + 1] - 1
    died = c.death[child] != NO_DATE
    end = np.where(
        died & (m_final == window.month_of(np.maximum(c.death[child], 0))), c.death[child], end
    )
    open_end = ~died & (m_final == window.n_months - 1)
    end = np.where(open_end, NO_DATE, end)
    span_plan = plan[child, m_first].astype(np.int64)

    # The overlap quirk: a plan switch sent as spans that overlap by a few days.
    follows = np.zeros(len(child), dtype=bool)
    follows[:-1] = (child[1:] == child[:-1]) & (start[1:] == end[:-1] + 1)
    follows[:-1] &= span_plan[1:] != span_plan[:-1]
    quirk = follows & (rng.random(len(child)) < rates.OVERLAP_QUIRK)
    next_end = np.roll(end, -1)
    stretched = end + rng.integers(1, 21, len(child))
    stretched = np.where(next_end == NO_DATE, stretched, np.minimum(stretched, next_end))
    end = np.where(quirk, np.minimum(stretched, window.last), end)

    dental = np.where(dmc[child], DENTAL_DELIVERY.index("DMC"), DENTAL_DELIVERY.index("FFS"))
    dental = np.where(rng.random(len(child)) < rates.DENTAL_DELIVERY_MISSING, -1, dental)
    return Spans(
        child=child.astype(np.int64),
        start=start,
        end=end,
        plan=span_plan,
        aid=aid[child, m_first],
        dental=dental,
    )


def enrollment_table(c: Children, coverage: Coverage) -> pa.Table:
    """The chunk's rows of ``enrollment``, in the contract's column order."""
    s = coverage.spans
    columns: dict[str, pa.Array] = {
        "member_id": take_fixed(c.ids, s.child),
        "plan_id": dictionary(s.plan, vocabulary(rates.PLANS)),
        "start_date": date_column(s.start),
        "end_date": date_column(np.maximum(s.end, 0), null=s.end == NO_DATE),
        "county_fips": dictionary(c.county[s.child], vocabulary(rates.COUNTIES)),
        "aid_code": dictionary(s.aid, vocabulary(rates.AID_CODES)),
        "dental_delivery": dictionary(s.dental, vocabulary(DENTAL_DELIVERY)),
    }
    names = BY_NAME["enrollment"].names
    return pa.table([columns[k] for k in names], names=list(names))
