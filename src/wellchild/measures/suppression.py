"""Small-cell suppression of public tables, proven against an attacker.

The one disclosure module of the product: ``wellchild measure --public`` and the hub's
``wellchild publish`` both suppress and check through it.

**The policy.** Every count from 1 to 10 is suppressed, and so is any rate whose
numerator, or denominator minus numerator, is from 1 to 10; zeros are shown. Then
complementary cells are suppressed until the attack below finds nothing.

**The attack.** A table is one measure's summary: a ``total`` row and, for each
dimension, groups that partition the same children; its cells are each row's
denominator (D, children counted) and numerator (N, children who met the measure). The
attacker knows every shown cell and the rules the numbers obey: in every dimension the
groups' D and N add up to the total's; 0 ≤ N ≤ D in every row; a hidden D is at least 1
(zero denominators are shown); and measures whose denominators follow the same rule
(:func:`families`) count the same children, so their hidden D are one unknown. An
integer programme (HiGHS, with integrality) then bounds every hidden count, and the table
*leaks* (:class:`Leak`) when the attacker can

- recover a hidden count exactly (its least and greatest whole values are equal);
- prove a hidden count, or the sum of any set of hidden counts of the same kind
  (children, children who met, children who did not), to lie between 1 and 10;
- prove a group whose rate is hidden to be at 0% or at 100%.

Sums are checked without enumerating sets: counts are never negative, so a set of
children-counts is at least as large as any of its members, and it is enough that each
hidden D can reach 11; for the met and not-met counts, which may be 0, every count that
cannot reach 11 must be able to be 0 *together* with all the others like it (one
programme minimises their sum), so no set of them is bounded away from 0. That is a
sufficient condition, slightly stricter than the rule.

**Protection.** A leaking cell gets a partner hidden: the smallest shown group of its
dimension with children in it (another small group before a large one, and a group
before the total); a leaking total gets one in every dimension whose groups are all
shown. The attack runs again until it finds nothing.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"dimension": ["total", "sex", "sex", "sex"],
...                   "group": ["all", "F", "M", "X"],
...                   "denominator": [100, 50, 45, 5], "numerator": [60, 30, 27, 3]})
>>> for line in describe(attack(t, primary(t)), t):
...     print(line)
sex=X: children provably exactly 5
sex=X: met provably exactly 3
sex=X: not met provably exactly 2
>>> hidden = suppress(t)
>>> hidden["denominator"].tolist()
[False, False, True, True]
>>> attack(t, hidden)
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wellchild.errors import WellchildError
from wellchild.measures.registry import get
from wellchild.measures.summary import disparities

LIMIT = 10  # counts from 1 to LIMIT are small
SMALL = range(1, LIMIT + 1)
KINDS = ("denominator", "numerator")
INF = float("inf")


@dataclass(frozen=True)
class Cell:
    row: int
    kind: str  # "denominator" or "numerator"


@dataclass(frozen=True)
class Leak:
    """What the attacker can prove about some hidden cells.

    ``what`` is ``exact`` (one whole value), ``small`` (between 1 and 10), ``rate 0%``
    or ``rate 100%``; ``count`` is ``children``, ``met`` or ``not met``; ``low`` and
    ``high`` are the attacker's bounds on the count (or on the sum of ``rows``' counts).
    """

    what: str
    count: str
    rows: tuple[int, ...]
    low: float
    high: float

    def describe(self, table: pd.DataFrame) -> str:
        names = ", ".join(_row_name(table, r) for r in self.rows)
        if self.what.startswith("rate"):
            return f"{names}: the hidden rate is provably {self.what.split()[1]}"
        bounds = (
            f"exactly {self.low:.0f}"
            if self.low == self.high
            else f"between {self.low:.0f} and {self.high:.0f}"
        )
        together = " together" if len(self.rows) > 1 else ""
        return f"{names}{together}: {self.count} provably {bounds}"


class DisclosureError(WellchildError):
    """A table about to be published would give a small count away."""


def _row_name(table: pd.DataFrame, row: int) -> str:
    name = f"{table.at[row, 'dimension']!s}={table.at[row, 'group']!s}"
    return f"{table.at[row, 'measure_id']!s} {name}" if "measure_id" in table else name


def primary(table: pd.DataFrame) -> pd.DataFrame:
    """The cells the policy suppresses on their own values."""
    d = table["denominator"].astype(int)
    n = table["numerator"].astype(int)
    c = d - n
    return pd.DataFrame(
        {
            "denominator": d.isin(SMALL),
            "numerator": n.isin(SMALL) | c.isin(SMALL),
        },
        index=table.index,
    )


# --- the attack ------------------------------------------------------------------------


class _Model:
    """The attacker's unknowns and equations for one table (or one family of tables
    sharing denominators), split into independent components."""

    def __init__(self, table: pd.DataFrame, hidden: pd.DataFrame) -> None:
        self.table = table
        measure = (
            [str(m) for m in table["measure_id"]] if "measure_id" in table else [""] * len(table)
        )
        dims = [str(d) for d in table["dimension"]]
        groups = [str(g) for g in table["group"]]
        counts = {k: table[k].astype(int).tolist() for k in KINDS}
        shown = {k: (~hidden[k].to_numpy(dtype=bool)).tolist() for k in KINDS}
        self.keys: dict[Cell, tuple[str, ...]] = {}
        self.value: dict[tuple[str, ...], int] = {}
        self.known: dict[tuple[str, ...], bool] = {}
        for r in range(len(table)):
            for kind in KINDS:
                key = (
                    ("D", dims[r], groups[r])
                    if kind == "denominator"
                    else ("N", measure[r], dims[r], groups[r])
                )
                self.keys[Cell(r, kind)] = key
                v = counts[kind][r]
                if key in self.value and self.value[key] != v:
                    raise ValueError(f"{_row_name(table, r)}: denominators differ in a family")
                self.value[key] = v
                self.known[key] = self.known.get(key, True) and shown[kind][r]
        self.unknown = [k for k, known in self.known.items() if not known]
        self.index = {k: i for i, k in enumerate(self.unknown)}
        rows: list[tuple[dict[int, float], float, float]] = []
        seen: set[tuple[tuple[int, float], ...]] = set()

        def add(terms: Iterable[tuple[tuple[str, ...], float]], lo: float, hi: float) -> None:
            coef: dict[int, float] = {}
            rhs = 0.0
            for key, sign in terms:
                if key in self.index:
                    coef[self.index[key]] = coef.get(self.index[key], 0.0) + sign
                else:
                    rhs -= sign * self.value[key]
            coef = {i: c for i, c in coef.items() if c}
            if not coef:
                return
            signature = (*sorted(coef.items()), (-1, lo + rhs), (-2, hi + rhs))
            if signature not in seen:
                seen.add(signature)
                rows.append((coef, lo + rhs, hi + rhs))

        members: dict[tuple[str, str], list[int]] = {}
        totals: dict[str, int] = {}
        for r in range(len(table)):
            if dims[r] == "total":
                totals[measure[r]] = r
            else:
                members.setdefault((measure[r], dims[r]), []).append(r)
        for (m, _dim), rs in members.items():
            if m not in totals:
                continue
            for kind in KINDS:
                terms = [(self.keys[Cell(r, kind)], 1.0) for r in rs]
                add([*terms, (self.keys[Cell(totals[m], kind)], -1.0)], 0.0, 0.0)
        for r in range(len(table)):
            n, d = self.keys[Cell(r, "numerator")], self.keys[Cell(r, "denominator")]
            add([(n, 1.0), (d, -1.0)], -INF, 0.0)
        self.rows = rows
        # independent components: unknowns that share no equation are bounded apart
        parent = list(range(len(self.unknown)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for coef, _, _ in rows:
            first, *rest = coef
            for other in rest:
                parent[find(other)] = find(first)
        components: dict[int, list[int]] = {}
        for i in range(len(self.unknown)):
            components.setdefault(find(i), []).append(i)
        self.components = list(components.values())

    def lower(self, key: tuple[str, ...]) -> float:
        """A hidden D is at least 1 (zeros are shown), a hidden N at least 0."""
        return 1.0 if key[0] == "D" and self.value[key] >= 1 else 0.0


class _Solver:
    """One component's integer programme, re-solved for each objective."""

    def __init__(self, model: _Model, members: list[int]) -> None:
        # the HiGHS solver is loaded only when a table needs the attack
        import highspy

        self.model = model
        self.local = {g: i for i, g in enumerate(members)}
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)  # tiny programmes: a thread pool only adds waiting
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-6)
        n = len(members)
        lower = np.array([model.lower(model.unknown[g]) for g in members])
        h.addVars(n, lower, np.full(n, highspy.kHighsInf))
        mine = [
            (coef, lo, hi)
            for coef, lo, hi in model.rows
            if next(iter(coef)) in self.local  # a row's unknowns share one component
        ]
        if mine:
            starts = np.cumsum([0] + [len(c) for c, _, _ in mine[:-1]], dtype=np.int32)
            index = np.array([self.local[i] for c, _, _ in mine for i in c], dtype=np.int32)
            values = np.array([v for c, _, _ in mine for v in c.values()], dtype=np.float64)
            lo = np.array([-highspy.kHighsInf if x == -INF else x for _, x, _ in mine])
            hi = np.array([highspy.kHighsInf if x == INF else x for _, _, x in mine])
            h.addRows(len(mine), lo, hi, len(index), starts, index, values)
        self.h = h
        self.n = n
        self.integer = False

    def _run(self, *, integer: bool) -> Any:
        """Solve as a linear programme, or with every unknown whole. The relaxation is
        tried first: when its best point is whole it is the integer programme's too
        (most tables' equations have only whole vertices), and it is far quicker."""
        # the HiGHS solver is loaded only when a table needs the attack
        import highspy

        kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
        if integer != self.integer:
            self.h.changeColsIntegrality(
                self.n, np.arange(self.n, dtype=np.int32), np.full(self.n, kind)
            )
            self.integer = integer
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kUnknown:
            # after an unbounded objective the warm start can leave the solver unsure:
            # solve again from scratch
            self.h.clearSolver()
            self.h.run()
            status = self.h.getModelStatus()
        return status

    def optimum(self, terms: dict[tuple[str, ...], float], *, maximise: bool) -> float:
        """The least or greatest whole value of ``Σ sign × cell`` (±inf if unbounded)."""
        # the HiGHS solver is loaded only when a table needs the attack
        import highspy

        constant = 0.0
        cost = np.zeros(self.n)
        for key, sign in terms.items():
            if key in self.model.index:
                cost[self.local[self.model.index[key]]] += sign
            else:
                constant += sign * self.model.value[key]
        if not cost.any():
            return constant
        h = self.h
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        h.changeObjectiveSense(sense)
        status = self._run(integer=False)
        if status == highspy.HighsModelStatus.kOptimal:
            solution = np.asarray(h.getSolution().col_value)
            if np.abs(solution - np.round(solution)).max() > 1e-7:
                # the relaxation's best point is fractional: solve with integrality
                status = self._run(integer=True)
        if status == highspy.HighsModelStatus.kOptimal:
            return round(float(h.getInfo().objective_function_value)) + constant
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return INF if maximise else -INF
        # The table's own values satisfy every equation, so this is a fault here, never
        # a table to let through unchecked.
        raise RuntimeError(f"suppression attack: no solution ({h.modelStatusToString(status)})")


def attack(table: pd.DataFrame, hidden: pd.DataFrame) -> list[Leak]:
    """Everything the attacker can prove about the hidden cells of ``table``.

    ``table`` has ``dimension`` (``total`` for the total row), ``group``,
    ``denominator`` and ``numerator`` with the true counts, and optionally
    ``measure_id``: the rows of several measures whose denominators count the same
    children (one :func:`families` entry). ``hidden`` is booleans in the same shape.
    An empty list means the table may be published.
    """
    table = table.reset_index(drop=True)
    hidden = hidden.reset_index(drop=True).astype(bool)
    model = _Model(table, hidden)
    leaks: list[Leak] = []
    component_of = {g: c for c, members in enumerate(model.components) for g in members}
    solvers: dict[int, _Solver] = {}

    def solver(key: tuple[str, ...]) -> _Solver:
        c = component_of[model.index[key]]
        if c not in solvers:
            solvers[c] = _Solver(model, model.components[c])
        return solvers[c]

    # rows of the table by their unknown counts (a family's rows share their D)
    rows_of: dict[tuple[str, ...], list[int]] = {}
    for cell, key in model.keys.items():
        rows_of.setdefault(key, []).append(cell.row)
    high: dict[tuple[str, ...], float] = {}
    for key in model.unknown:
        s, truth = solver(key), model.value[key]
        top = s.optimum({key: 1.0}, maximise=True)
        high[key] = top
        count = "children" if key[0] == "D" else "met"
        low = None
        if top <= truth:
            low = s.optimum({key: 1.0}, maximise=False)
            if low >= truth:
                leaks.append(Leak("exact", count, tuple(rows_of[key]), low, top))
                continue
        if top <= LIMIT:
            low = s.optimum({key: 1.0}, maximise=False) if low is None else low
            if low >= 1:
                leaks.append(Leak("small", count, tuple(rows_of[key]), low, top))
    # the met and not-met counts of every row whose rate is hidden
    small: dict[tuple[str, int], list[tuple[tuple[int, ...], dict[tuple[str, ...], float]]]] = {}
    any_hidden = hidden.any(axis=1).tolist()
    denominators = table["denominator"].astype(int).tolist()
    for r in range(len(table)):
        if not any_hidden[r] or denominators[r] == 0:
            continue
        d_key = model.keys[Cell(r, "denominator")]
        n_key = model.keys[Cell(r, "numerator")]
        if d_key not in model.index and n_key not in model.index:
            continue  # hidden in this row, shown in its family
        anchor = n_key if n_key in model.index else d_key
        s = solver(anchor)
        met_high = high.get(n_key, model.value[n_key])
        not_met = {d_key: 1.0, n_key: -1.0}
        not_met_high = s.optimum(not_met, maximise=True)
        rows: tuple[int, ...] = (r,)
        if met_high < 1:
            leaks.append(Leak("rate 0%", "met", rows, 0, 0))
        if not_met_high < 1:
            leaks.append(Leak("rate 100%", "not met", rows, 0, 0))
        component = component_of[model.index[anchor]]
        if n_key in model.index and 1 <= met_high <= LIMIT:
            small.setdefault(("met", component), []).append((rows, {n_key: 1.0}))
        if 1 <= not_met_high <= LIMIT:
            small.setdefault(("not met", component), []).append((rows, not_met))
    # no set of small met (or not-met) counts bounded away from 0
    for (count, component), members in small.items():
        if count == "met" and len(members) == 1:
            continue  # a single hidden numerator was bounded above
        terms: dict[tuple[str, ...], float] = {}
        for _, t in members:
            for key, sign in t.items():
                terms[key] = terms.get(key, 0.0) + sign
        s = solvers[component]
        least = s.optimum(terms, maximise=False)
        if least >= 1:
            most = s.optimum(terms, maximise=True)
            rows = tuple(r for found, _ in members for r in found)
            leaks.append(Leak("small", count, rows, least, most))
    return leaks


def audit(table: pd.DataFrame, hidden: pd.DataFrame) -> list[Cell]:
    """The hidden cells the attack can say something about (see :func:`attack`)."""
    table = table.reset_index(drop=True)
    cells = []
    for leak in attack(table, hidden):
        kinds = ("denominator",) if leak.count == "children" else KINDS
        for r in leak.rows:
            for kind in kinds:
                if bool(hidden.reset_index(drop=True).at[r, kind]):
                    cells.append(Cell(r, kind))
    return list(dict.fromkeys(cells))


def check(table: pd.DataFrame, hidden: pd.DataFrame, *, what: str) -> None:
    """Refuse a table the attack breaks: :class:`DisclosureError` naming every cell."""
    leaks = attack(table, hidden)
    if leaks:
        table = table.reset_index(drop=True)
        found = "; ".join(leak.describe(table) for leak in leaks[:10])
        more = f" (and {len(leaks) - 10} more)" if len(leaks) > 10 else ""
        raise DisclosureError(
            f"{what}: not written, a reader could work out hidden counts: {found}{more}.",
            hint="This is a fault of the suppression, not of the data: report it with the run.",
        )


# --- protection ------------------------------------------------------------------------


def suppress(table: pd.DataFrame, hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which denominators and numerators of ``table`` to suppress (booleans, same shape).

    Starts from ``hidden`` (default: :func:`primary`) and hides partners until
    :func:`attack` finds nothing. With ``measure_id`` in ``table``, the measures share
    their denominators and hide them alike.
    """
    original = table.index
    table = table.reset_index(drop=True)
    mask = (primary(table) if hidden is None else hidden.reset_index(drop=True)).astype(bool)
    mask = _shared(table, mask.copy())
    for _ in range(4 * len(table) + 8):
        leaks = attack(table, mask)
        if not leaks:
            mask.index = original
            return mask
        added = False
        before = mask.copy()  # partners are chosen on the round's start: one may serve many
        touched: set[tuple[object, ...]] = set()
        for leak in leaks:
            # one partner per dimension and round: it may close the other leaks there too
            row = leak.rows[0]
            place = (
                table.at[row, "measure_id"] if "measure_id" in table else "",
                table.at[row, "dimension"],
                leak.count == "children",
            )
            if place in touched:
                continue
            touched.add(place)
            for cell in _partners(table, before, leak):
                if not mask.at[cell.row, cell.kind]:
                    mask.at[cell.row, cell.kind] = True
                    added = True
        mask = _shared(table, mask)
        if not added:
            break
    # nothing left to hide in a dimension: hiding every count with children protects
    everything = pd.DataFrame(
        {k: table["denominator"].astype(int) > 0 for k in KINDS}, index=original
    )
    return everything


def _shared(table: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """A denominator hidden in one measure of a family is hidden in all of them."""
    if "measure_id" not in table:
        return mask
    any_hidden = mask["denominator"].groupby([table["dimension"], table["group"]]).transform("any")
    mask["denominator"] = any_hidden.astype(bool)
    return mask


def _partners(table: pd.DataFrame, hidden: pd.DataFrame, leak: Leak) -> list[Cell]:
    """The cells to hide so that ``leak`` closes.

    A rate proved 0% or 100% with its numerator shown hides that numerator. Otherwise
    the leaking groups get one partner, hiding the same kinds: the smallest other shown
    group of their dimension with children in it, else the total's cells. A total gets
    a partner in every dimension whose groups are all shown (else in every dimension).
    """
    own = [Cell(r, "numerator") for r in leak.rows if not hidden.at[r, "numerator"]]
    if own:
        return own
    kinds = ("denominator", "numerator") if leak.count == "children" else ("numerator",)
    row = leak.rows[0]
    same = _same_measure(table, row)
    dimension = table.at[row, "dimension"]
    if dimension == "total":
        found: list[Cell] = []
        for other in table["dimension"].unique():
            rows = same & (table["dimension"] == other) & (other != "total")
            if not hidden.loc[rows, list(kinds)].any(axis=None):
                found += _smallest(table, hidden, rows, kinds)
        if not found:
            for other in table["dimension"].unique():
                rows = same & (table["dimension"] == other) & (other != "total")
                found += _smallest(table, hidden, rows, kinds)
        return found
    rows = same & (table["dimension"] == dimension) & ~table.index.isin(leak.rows)
    partner = _smallest(table, hidden, rows, kinds)
    if partner:
        return partner
    total = table.index[same & (table["dimension"] == "total")]
    return (
        [Cell(int(total[0]), k) for k in kinds if not hidden.at[int(total[0]), k]]
        if len(total)
        else []
    )


def _same_measure(table: pd.DataFrame, row: int) -> pd.Series:
    if "measure_id" not in table:
        return pd.Series(True, index=table.index)
    return table["measure_id"] == table.at[row, "measure_id"]


def _smallest(
    table: pd.DataFrame, hidden: pd.DataFrame, rows: pd.Series | bool, kinds: Sequence[str]
) -> list[Cell]:
    """The smallest group among ``rows`` with children in it and a shown cell of
    ``kinds`` (ties by name), as the cells to hide."""
    candidates = table[rows & ~hidden[list(kinds)].all(axis=1) & (table["denominator"] > 0)]
    if candidates.empty:
        return []
    order = candidates.assign(_v=candidates["denominator"].astype(int))
    row = int(order.sort_values(["_v", "group"]).index[0])
    return [Cell(row, k) for k in kinds if not hidden.at[row, k]]


# --- publishing a summary --------------------------------------------------------------


def families(measure_ids: Sequence[str]) -> list[list[str]]:
    """The measures whose denominators follow the same rule (ages, window, enrollment,
    exclusions and attribution day in their ``spec.yaml``), so count the same children
    in every stratum: ``oev`` and ``tfl``. A reader who knows the rules knows that, so
    their denominators are suppressed and attacked as one."""
    out: dict[tuple[str, ...], list[str]] = {}
    for measure_id in measure_ids:
        try:
            spec = get(measure_id).spec
        except Exception:  # a measure unknown here stands alone
            out[(measure_id,)] = [measure_id]
            continue
        rule = tuple(
            str(spec.get(k)) for k in ("ages", "window", "enrollment", "exclusions", "attribution")
        )
        out.setdefault(rule, []).append(measure_id)
    return list(out.values())


def suppress_summary(stats: pd.DataFrame) -> pd.DataFrame:
    """The hidden denominators and numerators of a whole summary (booleans, same index):
    each measure alone, or with the measures of its family when their denominators agree
    in every stratum."""
    hidden = pd.DataFrame(False, index=stats.index, columns=list(KINDS))
    for _family, rows in _family_tables(stats):
        hidden.loc[rows.index] = suppress(rows).to_numpy()
    return hidden


def check_summary(stats: pd.DataFrame, hidden: pd.DataFrame, *, what: str) -> None:
    """:func:`check` every measure (and family) of a summary."""
    for family, rows in _family_tables(stats):
        check(rows, hidden.loc[rows.index], what=f"{what}, {'+'.join(family)}")


def _family_tables(stats: pd.DataFrame) -> list[tuple[list[str], pd.DataFrame]]:
    columns = ["measure_id", "dimension", "group", "denominator", "numerator"]
    out = []
    ids = list(dict.fromkeys(stats["measure_id"]))
    for family in families(ids):
        tables = [stats.loc[stats["measure_id"] == m, columns] for m in family]
        if len(tables) > 1 and not _same_denominators(tables):
            alone = zip(family, tables, strict=True)
            out += [([m], t.drop(columns="measure_id")) for m, t in alone]
        elif len(tables) > 1:
            out.append((family, pd.concat(tables)))
        else:
            out.append((family, tables[0].drop(columns="measure_id")))
    return out


def _same_denominators(tables: Sequence[pd.DataFrame]) -> bool:
    first = tables[0].set_index(["dimension", "group"])["denominator"].sort_index()
    return all(
        t.set_index(["dimension", "group"])["denominator"].sort_index().equals(first)
        for t in tables[1:]
    )


def publish(stats: pd.DataFrame, *, check_result: bool = True) -> pd.DataFrame:
    """A summary safe to publish: suppressed counts, rates and everything derived from
    them blanked, each row flagged, the small-denominator flag blanked where the
    denominator is, and disparities measured against a reference group whose rate is
    shown (the same for the baseline gap and today's). Counts of eligible and excluded
    children are left out.

    The result is attacked once more as it will be written (:func:`check_summary`),
    and refused with :class:`DisclosureError` if anything leaks."""
    stats = stats.reset_index(drop=True)
    hidden = suppress_summary(stats)
    out = stats.copy()
    rate_hidden = hidden["numerator"] | hidden["denominator"]
    out["suppressed"] = [
        ";".join(k for k, flag in (("denominator", d), ("numerator", n), ("rate", r)) if flag)
        for d, n, r in zip(hidden["denominator"], hidden["numerator"], rate_hidden, strict=True)
    ]
    out["denominator"] = out["denominator"].astype("Int64").mask(hidden["denominator"])
    out["numerator"] = out["numerator"].astype("Int64").mask(hidden["numerator"])
    for column in ("rate", "ci_low", "ci_high"):
        out[column] = out[column].mask(rate_hidden)
    if "small_denominator" in out:
        out["small_denominator"] = (
            out["small_denominator"].astype("boolean").mask(hidden["denominator"])
        )
    if "baseline_rate" in out:
        base_hidden = baseline_hidden(stats)
        out["baseline_rate"] = out["baseline_rate"].mask(base_hidden)
        for column in ("target_rate", "progress"):
            if column in out:
                out[column] = out[column].mask(rate_hidden | base_hidden)
    if "reference_group" in out:
        out = disparities(out, references=_shown_references(out))
    if check_result:
        shown = pd.DataFrame({k: out[k].isna() & (stats[k] >= 0) for k in KINDS})
        check_summary(stats, shown, what="summary")
    return out.drop(
        columns=["eligible", "excluded", "baseline_denominator", "baseline_numerator"],
        errors="ignore",
    )


def baseline_hidden(stats: pd.DataFrame) -> pd.Series:
    """Rows whose baseline rate the policy hides: those whose baseline numerator,
    denominator or denominator minus numerator is from 1 to 10. The baseline's counts are
    never published, only these rates, so a reader has no count to add up."""
    if "baseline_denominator" not in stats:
        return pd.Series(False, index=stats.index)
    base = pd.DataFrame(
        {
            "denominator": stats["baseline_denominator"].fillna(0).astype(int),
            "numerator": stats["baseline_numerator"].fillna(0).astype(int),
        }
    )
    hidden = primary(base)
    return hidden["numerator"] | hidden["denominator"]


def _shown_references(out: pd.DataFrame) -> dict[tuple[str, str], str | None]:
    """Each dimension's reference group as the run chose it, or, when its rate is now
    hidden, the shown group with the highest rate: a gap to a hidden rate would give
    that rate away."""
    chosen: dict[tuple[str, str], str | None] = {}
    for (measure_id, dimension), rows in out.groupby(["measure_id", "dimension"], sort=False):
        if dimension == "total":
            continue
        named = rows["reference_group"].dropna()
        reference = str(named.iloc[0]) if len(named) else None
        mine = rows[rows["group"] == reference]
        if reference is not None and len(mine) and pd.notna(mine["rate"].iloc[0]):
            chosen[(str(measure_id), str(dimension))] = reference
            continue
        shown = rows[rows["rate"].notna()]
        if shown.empty:
            chosen[(str(measure_id), str(dimension))] = None
            continue
        best = shown.sort_values("rate", ascending=False, kind="stable").iloc[0]
        chosen[(str(measure_id), str(dimension))] = str(best["group"])
    return chosen


def hidden_of(published: pd.DataFrame) -> pd.DataFrame:
    """The hidden cells of a published table: its blank counts."""
    return pd.DataFrame({k: published[k].isna() for k in KINDS}, index=published.index)


def describe(leaks: Sequence[Leak], table: pd.DataFrame) -> list[str]:
    """Each leak in words, naming the cells (``table`` as given to :func:`attack`)."""
    table = table.reset_index(drop=True)
    return [leak.describe(table) for leak in leaks]
