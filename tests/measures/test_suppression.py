"""Small-cell suppression: the policy's cells are hidden, and no hidden value can be
worked out from what is shown — checked by enumerating every table the published cells
allow, on many random tables."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wellchild.measures.suppression import audit, primary, publish, suppress


def _random_table(rng: random.Random) -> pd.DataFrame:
    """A total and two dimensions whose groups partition the same children."""
    n_children = rng.randint(0, 45)
    met = [rng.random() < rng.random() for _ in range(n_children)]
    rows = [("total", "all", list(range(n_children)))]
    for dimension, groups in (("sex", rng.randint(2, 3)), ("language", rng.randint(1, 3))):
        assignment = [rng.randrange(groups) for _ in range(n_children)]
        for g in range(groups):
            rows.append((dimension, f"g{g}", [i for i in range(n_children) if assignment[i] == g]))
    return pd.DataFrame(
        {
            "dimension": [r[0] for r in rows],
            "group": [r[1] for r in rows],
            "denominator": [len(r[2]) for r in rows],
            "numerator": [sum(met[i] for i in r[2]) for r in rows],
        }
    )


def _compositions(total: int, parts: int, least: int = 1) -> list[tuple[int, ...]]:
    """Every way to write ``total`` as ``parts`` whole numbers of at least ``least``."""
    if parts == 0:
        return [()] if total == 0 else []
    if parts == 1:
        return [(total,)] if total >= least else []
    return [
        (first, *rest)
        for first in range(least, total - least * (parts - 1) + 1)
        for rest in _compositions(total - first, parts - 1, least)
    ]


def _possible_values(table: pd.DataFrame, hidden: pd.DataFrame) -> dict[tuple[int, str], set[int]]:
    """Values each hidden cell takes over whole-number tables consistent with the shown
    cells, found by enumerating them: for each dimension the groups add up to the total,
    0 ≤ N ≤ D in every row, and a hidden denominator is at least 1 (zeros are shown); a
    hidden numerator can be 0 (its rate is hidden when D − N is small).

    The search stops once every hidden cell has shown two values (all the test needs);
    totals are tried nearest the true ones first, so a protected table stops early and
    an exposed one is searched in full."""
    found: dict[tuple[int, str], set[int]] = {
        (int(r), k): set() for k in ("denominator", "numerator") for r in table.index[hidden[k]]
    }
    total = int(table.index[table["dimension"] == "total"][0])
    dims = [d for d in table["dimension"].unique() if d != "total"]
    # enough room to see a second value for any cell; larger totals add nothing to the test
    bound = int(table["denominator"].max()) + 3

    def settled() -> bool:
        return all(len(seen) >= 2 for seen in found.values())

    def dimension_fits(d: str, total_d: int, total_n: int) -> dict[tuple[int, str], set[int]]:
        """The values each hidden cell of dimension ``d`` takes when the totals are these
        (the key ``(-1, "fits")`` is present when any table fits)."""
        rows = [int(r) for r in table.index[table["dimension"] == d]]
        hd = [r for r in rows if hidden.at[r, "denominator"]]
        hn = [r for r in rows if hidden.at[r, "numerator"]]
        rest_d = total_d - sum(int(table.at[r, "denominator"]) for r in rows if r not in hd)
        rest_n = total_n - sum(int(table.at[r, "numerator"]) for r in rows if r not in hn)
        values: dict[tuple[int, str], set[int]] = {}
        fits = False
        for ds in _compositions(rest_d, len(hd)):
            den = {r: int(table.at[r, "denominator"]) for r in rows} | dict(
                zip(hd, ds, strict=True)
            )
            for ns in _compositions(rest_n, len(hn), least=0):
                num = {r: int(table.at[r, "numerator"]) for r in rows} | dict(
                    zip(hn, ns, strict=True)
                )
                if all(num[r] <= den[r] for r in rows):
                    for r in hd:
                        values.setdefault((r, "denominator"), set()).add(den[r])
                    for r in hn:
                        values.setdefault((r, "numerator"), set()).add(num[r])
                    if all(len(seen) >= 2 for seen in values.values()):
                        return values | {(-1, "fits"): {1}}
                    fits = True
        return values | {(-1, "fits"): {1}} if fits else {}

    def options(kind: str) -> list[int]:
        true = int(table.at[total, kind])
        if not hidden.at[total, kind]:
            return [true]
        return sorted(range(kind == "denominator", bound), key=lambda v: abs(v - true))

    for total_d in options("denominator"):
        for total_n in options("numerator"):
            if total_n > total_d:
                continue
            per_dim = []
            for d in dims:
                values = dimension_fits(d, total_d, total_n)
                if not values:
                    break
                per_dim.append(values)
            else:
                for values in per_dim:
                    for cell, seen in values.items():
                        if cell in found:
                            found[cell] |= seen
                if (total, "denominator") in found:
                    found[(total, "denominator")].add(total_d)
                if (total, "numerator") in found:
                    found[(total, "numerator")].add(total_n)
                if settled():
                    return found
    return found


def test_primary_suppression_follows_the_policy() -> None:
    table = pd.DataFrame(
        {
            "dimension": ["total", "a", "a", "a", "a"],
            "group": ["all", "zero", "small n", "small gap", "big"],
            "denominator": [150, 0, 40, 40, 70],
            "numerator": [92, 0, 3, 32, 57],
        }
    )
    hidden = primary(table)
    assert hidden["denominator"].tolist() == [False, False, False, False, False]
    # 3 is a count from 1 to 10; 40 − 32 = 8 children without the service is too
    assert hidden["numerator"].tolist() == [False, False, True, True, False]


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_value_can_be_recovered(seed: int) -> None:
    rng = random.Random(seed)
    table = _random_table(rng)
    hidden = suppress(table)
    assert (hidden | ~primary(table)).all().all()  # primary cells are always hidden
    for cell, values in _possible_values(table, hidden).items():
        assert len(values) >= 2, f"hidden {cell} can only be {values}: {table.to_dict('list')}"


def test_the_random_tables_exercise_suppression() -> None:
    hidden = [int(suppress(_random_table(random.Random(seed))).values.sum()) for seed in range(60)]
    assert sum(h > 0 for h in hidden) >= 40  # most tables have small cells to protect


def test_publish_blanks_hidden_counts_and_everything_derived_from_them() -> None:
    stats = pd.DataFrame(
        {
            "measure_id": ["m"] * 4,
            "dimension": ["total", "sex", "sex", "sex"],
            "group": ["all", "F", "M", "X"],
            "eligible": [100, 55, 40, 5],
            "excluded": [0, 0, 0, 0],
            "denominator": [100, 55, 40, 5],
            "numerator": [60, 35, 22, 3],
            "rate": [0.6, 35 / 55, 0.55, 0.6],
            "ci_low": [0.5, 0.5, 0.4, 0.2],
            "ci_high": [0.7, 0.7, 0.7, 0.9],
            "reference_group": [None, "F", "F", "F"],
            "difference": [np.nan, 0.0, 0.55 - 35 / 55, 0.6 - 35 / 55],
            "ratio": [np.nan, 1.0, 0.55 / (35 / 55), 0.6 / (35 / 55)],
        }
    )
    out = publish(stats)
    assert "eligible" not in out
    assert "excluded" not in out
    x = out[out["group"] == "X"].iloc[0]
    assert pd.isna(x["denominator"])
    assert pd.isna(x["numerator"])
    assert pd.isna(x["rate"])
    assert pd.isna(x["ci_low"])
    assert pd.isna(x["difference"])
    assert pd.isna(x["ratio"])
    assert x["suppressed"] == "denominator;numerator;rate"
    # one hidden group in a dimension would be total − the others: a partner is hidden too
    hidden_groups = out[(out["dimension"] == "sex") & out["numerator"].isna()]["group"].tolist()
    assert len(hidden_groups) >= 2
    shown = out[out["suppressed"] == ""]
    for value in pd.concat([shown["denominator"], shown["numerator"]]).dropna():
        assert not 1 <= int(value) <= 10


def test_the_check_catches_primary_suppression_alone() -> None:
    """Without complementary suppression a lone hidden group is total minus the others:
    the enumeration must see that, or the test above could not fail."""
    exposed = 0
    for seed in range(60):
        table = _random_table(random.Random(seed))
        values = _possible_values(table, primary(table))
        exposed += any(len(seen) < 2 for seen in values.values())
    assert exposed >= 10


def test_a_total_pinned_by_a_one_group_dimension_settles() -> None:
    """w30_2 on a synthetic population: every child is in one age band, so the total's
    numerator, once hidden, was still pinned by that band and by sex; each dimension that
    pins it must give up a cell too."""
    table = pd.read_csv(Path(__file__).parent / "data" / "w30_2_strata.csv", dtype={"group": str})
    hidden = suppress(table)
    assert (hidden | ~primary(table)).all().all()
    assert audit(table, hidden) == []
    assert not hidden.all().all()  # settled without falling back to hiding everything


def test_a_hidden_zero_numerator_is_protected_too() -> None:
    """A group with 5 children and none met: its numerator 0 is hidden (5 − 0 is small)
    and, with the other group shown, would be total minus the other group. The audit
    must allow a hidden numerator to be 0, or it sees no solution and lets it through."""
    table = pd.DataFrame(
        {
            "dimension": ["total", "sex", "sex"],
            "group": ["all", "F", "M"],
            "denominator": [105, 5, 100],
            "numerator": [50, 0, 50],
        }
    )
    hidden = suppress(table)
    assert hidden.loc[1].all()  # the small group's two counts
    assert hidden.loc[2, "numerator"]  # and the other group's numerator with it
    assert audit(table, hidden) == []
    assert _possible_values(table, hidden)[(1, "numerator")] != {0}
