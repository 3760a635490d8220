"""Small-cell suppression of public tables, with complementary suppression.

The policy of MEASURES.md, stricter than the DHCS Data De-identification Guidelines:
every count from 1 to 10 is suppressed, and so is any rate whose numerator, or
denominator minus numerator, is from 1 to 10; zeros are shown. Then further cells are
suppressed until no suppressed value can be recovered from the totals or from the other
cells of its dimension (the groups of one dimension sum to the total).

A table here is one measure's summary: a ``total`` row and, for each dimension, groups
that partition the same children. The published cells are each row's denominator (D)
and numerator (N); the rate, its interval and the disparities follow N and D. A
suppressed cell is *protected* when the equations a reader can write (for each
dimension, the groups' D and N add up to the total's; 0 ≤ N ≤ D; a suppressed count is
at least 1, since zeros are shown) allow it at least two whole values. The audit bounds
each suppressed cell by linear programming (HiGHS); an exposed cell gets a
partner suppressed — the smallest shown non-zero cell of the same kind in its dimension —
and the audit runs again.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"dimension": ["total", "sex", "sex"], "group": ["all", "F", "M"],
...                   "denominator": [60, 25, 35], "numerator": [30, 5, 25]})
>>> hidden = suppress(t)
>>> hidden["numerator"].tolist(), hidden["denominator"].tolist()
([False, True, True], [False, False, False])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SMALL = range(1, 11)  # counts from 1 to 10
KINDS = ("denominator", "numerator")


@dataclass(frozen=True)
class Cell:
    row: int
    kind: str  # "denominator" or "numerator"


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


def suppress(table: pd.DataFrame) -> pd.DataFrame:
    """Which denominators and numerators of one measure's table to suppress.

    ``table`` has ``dimension`` (``total`` for the total row), ``group``,
    ``denominator`` and ``numerator``. Returns booleans in the same shape.
    """
    hidden = primary(table)
    for _ in range(4 * len(table) + 8):
        exposed = audit(table, hidden)
        if not exposed:
            return hidden
        added = False
        for cell in exposed:
            for partner in _partners(table, hidden, cell):
                hidden.loc[partner.row, partner.kind] = True
                added = True
        if not added:
            break
    # No partner left to hide: hide every non-zero count, which always protects.
    return pd.DataFrame(
        {k: table[k].astype(int) > 0 for k in ("denominator", "numerator")}, index=table.index
    )


def audit(table: pd.DataFrame, hidden: pd.DataFrame) -> list[Cell]:
    """Suppressed cells a reader could work out exactly from the published ones.

    The equations a reader can write: in every dimension, the groups' denominators and
    numerators add up to the total's; every numerator is at most its denominator; a
    hidden denominator is at least 1 (zeros are shown and never hidden to protect another
    cell), a hidden numerator at least 0 (a zero numerator is hidden when the
    denominator minus it is from 1 to 10). With the total shown, the dimensions share no
    unknown and each is bounded on its own.
    """
    hidden = hidden.astype(bool)
    totals = table.index[table["dimension"] == "total"]
    if len(totals) and not hidden.loc[totals[0]].any():
        found = []
        for dimension in table["dimension"].unique():
            if dimension == "total":
                continue
            rows = (table["dimension"] == dimension) | (table.index == totals[0])
            if hidden.loc[rows].any(axis=None):
                found += _bounded(table.loc[rows], hidden.loc[rows])
        return found
    return _bounded(table, hidden)


def _bounded(table: pd.DataFrame, hidden: pd.DataFrame) -> list[Cell]:
    """The hidden cells of ``table`` that the equations pin to one whole value.

    One linear programme (HiGHS) holds the equations; each hidden cell is then pushed up,
    and only if it cannot rise by a whole unit, down: the true counts are one solution, so
    a cell is protected as soon as another whole value fits. Re-solving the same model
    with another objective starts from the last basis, which keeps a table of hundreds of
    hidden cells to a fraction of a second.
    """
    import highspy

    cells = [Cell(int(r), k) for k in KINDS for r in table.index[hidden[k].to_numpy(dtype=bool)]]
    if not cells:
        return []
    position = {cell: i for i, cell in enumerate(cells)}
    value = {
        Cell(int(r), k): int(v)
        for k in KINDS
        for r, v in zip(table.index, table[k].to_numpy(dtype=np.int64), strict=True)
    }
    rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, lower, upper)

    def add(terms: list[tuple[Cell, float]], *, equal: bool) -> None:
        coef: dict[int, float] = {}
        rhs = 0.0
        for cell, sign in terms:
            if cell in position:
                coef[position[cell]] = coef.get(position[cell], 0.0) + sign
            else:
                rhs -= sign * value[cell]
        coef = {i: c for i, c in coef.items() if c}
        if coef:
            rows.append((coef, rhs if equal else -highspy.kHighsInf, rhs))

    totals = table.index[table["dimension"] == "total"]
    if len(totals):
        total = int(totals[0])
        for dimension in table["dimension"].unique():
            if dimension == "total":
                continue
            members = [int(r) for r in table.index[table["dimension"] == dimension]]
            for kind in KINDS:
                add(
                    [*((Cell(r, kind), 1.0) for r in members), (Cell(total, kind), -1.0)],
                    equal=True,
                )
    for r in table.index:  # numerator ≤ denominator
        add([(Cell(int(r), "numerator"), 1.0), (Cell(int(r), "denominator"), -1.0)], equal=False)

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    lower = np.array([1.0 if c.kind == "denominator" else 0.0 for c in cells])
    h.addVars(len(cells), lower, np.full(len(cells), highspy.kHighsInf))
    if rows:
        starts = np.cumsum([0] + [len(coef) for coef, _, _ in rows[:-1]], dtype=np.int32)
        index = np.array([i for coef, _, _ in rows for i in coef], dtype=np.int32)
        coefs = np.array([c for coef, _, _ in rows for c in coef.values()], dtype=np.float64)
        h.addRows(
            len(rows),
            np.array([lo for _, lo, _ in rows]),
            np.array([hi for _, _, hi in rows]),
            len(index),
            starts,
            index,
            coefs,
        )
    found = []
    for i, cell in enumerate(cells):
        truth = value[cell]
        h.changeColCost(i, 1.0)
        high = _solve(h, highspy.ObjSense.kMaximize, cell)
        if high is not None and high < truth + 1 - 1e-9:
            low = _solve(h, highspy.ObjSense.kMinimize, cell)
            if low is None or low > truth - 1 + 1e-9:
                found.append(cell)
        h.changeColCost(i, 0.0)
    return found


def _solve(h: Any, sense: Any, cell: Cell) -> float | None:
    """The objective's optimum, or None when it is unbounded."""
    import highspy

    h.changeObjectiveSense(sense)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return float(h.getInfo().objective_function_value)
    if status in (
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return None
    # The table's own values satisfy every equation, so this is a fault here, never a
    # table to let through unchecked.
    raise RuntimeError(
        f"suppression audit: no solution for {cell} ({h.modelStatusToString(status)})"
    )


def _partners(table: pd.DataFrame, hidden: pd.DataFrame, cell: Cell) -> list[Cell]:
    """The cells to suppress so that ``cell`` cannot be worked out.

    A group's cell gets the smallest shown non-zero cell of the same kind in its
    dimension (else of the other kind, else the total's). The total's cell is pinned by
    every dimension whose groups are all shown: each such dimension gets its smallest
    shown non-zero group hidden.
    """
    dimension = table.at[cell.row, "dimension"]
    if dimension == "total":
        found = []
        for other in table["dimension"].unique():
            rows = (table["dimension"] == other) & (other != "total")
            if rows.any() and not hidden.loc[rows, cell.kind].any():
                smallest = _smallest_shown(table, hidden, rows, cell.kind)
                if smallest is not None:
                    found.append(smallest)
        return found
    kinds = [cell.kind, "numerator" if cell.kind == "denominator" else "denominator"]
    for kind in kinds:
        rows = (table["dimension"] == dimension) & (table.index != cell.row)
        smallest = _smallest_shown(table, hidden, rows, kind)
        if smallest is not None:
            return [smallest]
    total = table.index[(table["dimension"] == "total") & ~hidden[cell.kind]]
    return [Cell(int(total[0]), cell.kind)] if len(total) else []


def _smallest_shown(
    table: pd.DataFrame, hidden: pd.DataFrame, rows: pd.Series, kind: str
) -> Cell | None:
    shown = table[rows & ~hidden[kind] & (table[kind] > 0)]
    if shown.empty:
        return None
    row = shown.assign(_v=shown[kind].astype(int)).sort_values(["_v", "group"]).index[0]
    return Cell(int(row), kind)


def publish(stats: pd.DataFrame) -> pd.DataFrame:
    """A summary safe to publish: suppressed counts, rates and everything derived from
    them blanked, each row flagged, and disparities recomputed against a reference group
    whose rate is shown. Counts of eligible and excluded children are left out."""
    parts = []
    for _, frame in stats.groupby("measure_id", sort=False):
        frame = frame.reset_index(drop=True)
        hidden = suppress(frame[["dimension", "group", "denominator", "numerator"]])
        out = frame.copy()
        rate_hidden = hidden["numerator"] | hidden["denominator"]
        out["suppressed"] = [
            ";".join(k for k, flag in (("denominator", d), ("numerator", n), ("rate", r)) if flag)
            for d, n, r in zip(hidden["denominator"], hidden["numerator"], rate_hidden, strict=True)
        ]
        out["denominator"] = out["denominator"].astype("Int64").mask(hidden["denominator"])
        out["numerator"] = out["numerator"].astype("Int64").mask(hidden["numerator"])
        for column in ("rate", "ci_low", "ci_high"):
            out[column] = out[column].mask(rate_hidden)
        out = _public_disparities(out, rate_hidden)
        for column in (
            "baseline_rate",
            "target_rate",
            "progress",
            "baseline_difference",
            "disparity_change",
            "disparity_aim_met",
        ):
            if column in out:
                out[column] = out[column].mask(rate_hidden | _baseline_hidden(frame))
        parts.append(
            out.drop(
                columns=["eligible", "excluded", "baseline_denominator", "baseline_numerator"],
                errors="ignore",
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else stats.iloc[0:0]


def _baseline_hidden(frame: pd.DataFrame) -> pd.Series:
    if "baseline_denominator" not in frame:
        return pd.Series(False, index=frame.index)
    base = frame[["dimension", "group"]].copy()
    base["denominator"] = frame["baseline_denominator"].fillna(0).astype(int)
    base["numerator"] = frame["baseline_numerator"].fillna(0).astype(int)
    hidden = suppress(base)
    return hidden["numerator"] | hidden["denominator"]


def _public_disparities(out: pd.DataFrame, rate_hidden: pd.Series) -> pd.DataFrame:
    for dimension in out["dimension"].unique():
        rows = out.index[out["dimension"] == dimension]
        if dimension == "total":
            continue
        reference = out.loc[rows[0], "reference_group"] if len(rows) else None
        ref_rows = [r for r in rows if out.at[r, "group"] == reference]
        if not ref_rows or rate_hidden[ref_rows[0]]:
            shown = out.loc[rows][~rate_hidden[rows] & out.loc[rows, "rate"].notna()]
            if shown.empty:
                out.loc[rows, ["reference_group", "difference", "ratio"]] = [None, np.nan, np.nan]
                continue
            best = shown.sort_values("rate", ascending=False, kind="stable").iloc[0]
            reference = str(best["group"])
            ref_rate = float(best["rate"])
            out.loc[rows, "reference_group"] = reference
            out.loc[rows, "difference"] = out.loc[rows, "rate"] - ref_rate
            out.loc[rows, "ratio"] = out.loc[rows, "rate"] / ref_rate if ref_rate else np.nan
        out.loc[rows, "difference"] = out.loc[rows, "difference"].mask(rate_hidden[rows])
        out.loc[rows, "ratio"] = out.loc[rows, "ratio"].mask(rate_hidden[rows])
    return out
