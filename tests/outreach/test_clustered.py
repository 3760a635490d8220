"""The pilot evaluation's interval: CR2 with Satterthwaite degrees of freedom, as R's
clubSandwich computes it, and holding its 95% where the usual clustered interval does
not (few practices of unequal size)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paths import DATA
from wellchild.outreach.clustered import did_cr2
from wellchild.outreach.evaluation import difference_in_differences

REFERENCE = DATA / "clubsandwich"


@pytest.mark.parametrize("name", ["lopsided", "pilot"])
def test_the_interval_is_clubsandwichs_cr2_with_satterthwaite_df(name: str) -> None:
    expected = pd.read_csv(REFERENCE / "expected.csv").set_index("data").loc[name]
    fit = did_cr2(pd.read_csv(REFERENCE / f"{name}.csv"))
    low, high = fit.interval()
    found = {"estimate": fit.estimate, "std_error": fit.std_error, "df": fit.df,
             "p_value": fit.p_value, "ci_low": low, "ci_high": high}  # fmt: skip
    for key, value in found.items():
        assert value == pytest.approx(expected[key], rel=1e-9, abs=1e-11), key


def _trial(rng: np.random.Generator) -> pd.DataFrame:
    """8 participating and 16 comparison practices of very unequal size (5 to some
    hundreds of children), each with its own rate and its own shock in each period: no
    effect, so the difference-in-differences is 0 in expectation."""
    practices = 24
    size = np.maximum(5, rng.lognormal(3.6, 0.9, practices).astype(int))
    level = rng.normal(-0.8, 0.5, practices)
    cluster = np.repeat(np.arange(practices), 2)  # one cell per practice and period
    n = rng.binomial(size[cluster], 0.5) + 1
    p = 1 / (1 + np.exp(-(level[cluster] + rng.normal(0, 0.25, len(cluster)))))
    row = np.repeat(np.arange(len(cluster)), n)
    return pd.DataFrame({
        "cluster": cluster[row],
        "treated": (cluster[row] < 8).astype(float),
        "after": np.tile([0.0, 1.0], practices)[row],
        "y": (rng.random(len(row)) < p[row]).astype(float),
    })  # fmt: skip


def test_the_interval_holds_95_percent_with_few_unequal_practices() -> None:
    """800 trials with no effect: the interval covers 0 in at least 93% of them. The
    usual clustered interval (CR1 with practices - 1 degrees of freedom, statsmodels)
    covers it in fewer on the same trials, so this test tells them apart."""
    # statsmodels is a test-only dependency, and slow to import
    import statsmodels.api as sm

    rng = np.random.default_rng(2026)
    cr2 = cr1 = 0
    trials = 800
    for _ in range(trials):
        rows = _trial(rng)
        low, high = did_cr2(rows).interval()
        cr2 += low <= 0 <= high
        x = np.column_stack([np.ones(len(rows)), rows["treated"], rows["after"],
                             rows["treated"] * rows["after"]])  # fmt: skip
        usual = sm.OLS(rows["y"].to_numpy(), x).fit(
            cov_type="cluster", cov_kwds={"groups": rows["cluster"].to_numpy()}, use_t=True
        )
        low, high = usual.conf_int()[3]
        cr1 += low <= 0 <= high
    assert cr2 / trials >= 0.93, cr2 / trials
    assert cr1 / trials < 0.93, cr1 / trials


def _rows(groups: list[str], practices: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    parts = [
        pd.DataFrame({"practice_id": p, "group": g, "period": period, "met": rng.random(30) < 0.4})
        for g, p in zip(groups, practices, strict=True)
        for period in ("before", "after")
    ]
    return pd.concat(parts, ignore_index=True)


def test_a_group_of_one_practice_gives_no_interval() -> None:
    """One participating practice alone makes its group's change: no interval that
    allows for practices being alike can be given, and none is."""
    one = difference_in_differences(
        _rows(["participating", "comparison", "comparison"], ["P1", "C1", "C2"])
    )
    assert np.isnan(one["estimate"])
    assert np.isnan(one["ci_low"])
    assert one["practices"] == 3
    groups = ["participating", "participating", "comparison", "comparison"]
    two = difference_in_differences(_rows(groups, ["P1", "P2", "C1", "C2"]))
    assert two["ci_low"] < two["estimate"] < two["ci_high"]
    assert two["df"] > 0
