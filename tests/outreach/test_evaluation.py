"""The pilot evaluation: windows, comparison group, rates, the DiD estimate, the funnel
and the small-cell policy of the public report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.outreach.evaluation import (
    ELIGIBLE,
    FALLBACK,
    Evaluation,
    comparison_group,
    evaluate,
    funnel,
    windows,
)
from wellchild.outreach.report import tables

START, AS_OF = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def test_the_baseline_window_is_whole_years_earlier_and_does_not_overlap() -> None:
    w = windows(START, AS_OF)
    assert (w.before_start, w.before_as_of, w.years_back) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        1,
    )
    long = windows(dt.date(2023, 7, 1), AS_OF)
    assert (long.before_start, long.before_as_of) == (dt.date(2021, 7, 1), dt.date(2022, 12, 31))


def test_comparison_practices_come_from_the_top_list_share_the_county_and_are_closest_in_size() -> (
    None
):
    sizes = pd.DataFrame({
        "practice_id": ["A", "B", "C", "D", "E", "F", "G"],
        "county_fips": ["06037", "06037", "06037", "06037", "06067", "06037", "06037"],
        "panel": [100, 95, 400, 110, 100, 20, 101],
    })  # fmt: skip
    # G is closest in size but was not in the top list: the eligible C and D come first,
    # however far C's size is; E is eligible but of another county.
    t = comparison_group(sizes, ["A"], eligible=["A", "B", "C", "E"]).set_index("practice_id")
    assert t["group"].to_dict() == {"A": "participating", "B": "comparison", "C": "comparison",
                                    "D": "none", "E": "none", "F": "none", "G": "none"}  # fmt: skip
    assert t.loc[["B", "C"], "matched"].eq(ELIGIBLE).all()


def test_when_the_top_list_runs_short_the_county_fills_in_by_size_and_says_so() -> None:
    sizes = pd.DataFrame({
        "practice_id": ["A", "B", "C", "D", "E"],
        "county_fips": ["06037", "06037", "06037", "06037", "06067"],
        "panel": [100, 95, 400, 110, 100],
    })  # fmt: skip
    t = comparison_group(sizes, ["A"], eligible=["A", "C", "E"]).set_index("practice_id")
    assert t.loc["C", ["group", "matched"]].tolist() == ["comparison", ELIGIBLE]
    # The one eligible practice (C, however far in size) first, then the closest of the
    # county's others (B before D); E is eligible but of another county.
    assert t.loc["B", ["group", "matched"]].tolist() == ["comparison", FALLBACK]
    assert t.loc["D", "group"] == t.loc["E", "group"] == "none"


@pytest.fixture(scope="module")
def result(outreach_db: Path) -> Evaluation:
    engine = DuckDBEngine.open(outreach_db)
    try:
        from wellchild.outreach.evaluation import panels

        sizes = panels(engine, START).sort_values("panel", ascending=False)
        chosen = sizes[sizes["county_fips"] == "06037"]["practice_id"].head(3).tolist()
        empty = pd.DataFrame(columns=["member_id", "practice_id", "status", "status_date"])
        return evaluate(engine, START, AS_OF, chosen, empty)
    finally:
        engine.close()


def test_did_is_the_difference_of_the_four_rates(result: Evaluation) -> None:
    r = result.rates.set_index(["group", "period"])["rate"]
    expected = (r["participating", "after"] - r["participating", "before"]) - (
        r["comparison", "after"] - r["comparison", "before"]
    )
    assert result.did["estimate"] == pytest.approx(expected)
    assert result.did["ci_low"] < result.did["estimate"] < result.did["ci_high"]
    assert (result.rates["ci_low"] <= result.rates["rate"]).all()


def test_strata_partition_each_group(result: Evaluation) -> None:
    s = result.strata
    for group in ("participating", "comparison"):
        rows = s[s["measure_id"] == group]
        total = int(rows.loc[rows["dimension"] == "total", "denominator"].iloc[0])
        for dimension in ("language", "race_ethnicity"):
            assert int(rows.loc[rows["dimension"] == dimension, "denominator"].sum()) == total
        after = result.rates.set_index(["group", "period"]).loc[(group, "after"), "denominator"]
        assert total == after


def test_funnel_counts_register_statuses_of_listed_children_only() -> None:
    register = pd.DataFrame({
        "member_id": ["a", "a", "b", "c", "z"],
        "practice_id": ["P", "P", "P", "Q", "P"],
        "status": ["given", "seen", "unreachable", "given", "given"],
        "status_date": [dt.date(2024, 2, 1)] * 5,
    })  # fmt: skip
    after = pd.DataFrame({"member_id": ["a", "b"], "group": "participating", "met": [True, False]})
    f = funnel({"a", "b", "c"}, register, ["P"], after).set_index("step")["children"]
    assert f["on a gap list at the programme start (the cohort)"] == 3
    assert f["referral recorded (any status)"] == 2
    assert (f["referral given"], f["seen, as recorded by the practice"], f["unreachable"]) == (
        1,
        1,
        1,
    )
    assert f["dental visit within 6 months of it (claims)"] == 1


def test_every_recorded_status_is_accounted_for_once() -> None:
    from wellchild.outreach.evaluation import ACCOUNT_STEPS, account

    w = windows(START, AS_OF)
    cohort = pd.DataFrame({"member_id": ["a", "b"], "practice_id": ["P", "P"]})
    day, early = dt.date(2024, 3, 1), dt.date(2023, 12, 1)
    register = pd.DataFrame({
        "member_id": ["a", "a", "b", "c", "a", "d", "ghost"],
        "practice_id": ["P", "P", "P", "P", "Q", "Q", "P"],
        "status": ["given", "seen", "given", "given", "given", "given", "given"],
        "status_date": [day, day, early, day, day, day, day],
    })  # fmt: skip
    a = account(register, cohort, ["P"], {"a", "b", "c", "d"}, w).set_index("line")
    assert a["statuses"].tolist() == [2, 1, 2, 1, 1, 7]
    assert a["children"].tolist() == [1, 1, 2, 1, 1, 6]
    assert a.index.tolist()[:5] == list(ACCOUNT_STEPS)
    assert a["statuses"].iloc[:5].sum() == len(register)


def test_with_no_status_recorded_the_report_says_so(result: Evaluation) -> None:
    from wellchild.outreach.report import summary

    shown = tables(result, public=False)
    assert shown.statuses == 0
    assert shown.funnel["children"].iloc[1:7].isna().all()
    assert int(shown.funnel["children"].iloc[0]) > 0
    text = " ".join(summary(result, shown))
    assert "No referral statuses have been recorded yet" in text
    assert "Caution. The estimate rests on" in text


def test_public_tables_blank_small_cells(result: Evaluation) -> None:
    shown = tables(result, public=True)
    small = shown.funnel["children"].dropna().astype(int)
    assert not small.between(1, 10).any()
    strata = shown.strata
    assert not strata["denominator"].dropna().astype(int).between(1, 10).any()
    assert not strata["numerator"].dropna().astype(int).between(1, 10).any()
    rates = shown.rates
    for r in rates.itertuples():
        if not pd.isna(r.rate):
            assert not 1 <= r.numerator <= 10
            assert not 1 <= r.denominator - r.numerator <= 10
    if rates["rate"].isna().any():
        assert np.isnan(shown.did["estimate"])
    assert "panel" not in shown.practices


def test_evaluate_command_writes_html_and_pdf(
    outreach_db: Path, result: Evaluation, tmp_path: Path
) -> None:
    chosen = result.practices.loc[result.practices["group"] == "participating", "practice_id"]
    listed = tmp_path / "recruited.csv"
    pd.DataFrame({"practice_id": chosen}).to_csv(listed, index=False)
    out = tmp_path / "evaluation"
    run = CliRunner().invoke(app, [
        "evaluate", "--program-start", "2024-01-01", "--as-of", "2024-12-31",
        "--practices", str(listed), "--out", str(out), "--db", str(outreach_db), "--public",
    ])  # fmt: skip
    assert run.exit_code == 0, run.output
    said = re.search(r"Difference-in-differences: ([+-][\d.]+) points \(95% CI .+; 9 practices, "
                     r"([\d.]+) degrees of freedom\)", " ".join(run.output.split()))  # fmt: skip
    assert said is not None, run.output
    assert float(said[1]) == pytest.approx(100 * result.did["estimate"], abs=0.05)
    assert float(said[2]) == pytest.approx(result.did["df"], abs=0.05)
    html = (out / "evaluation.html").read_text()
    assert "<svg" in html
    assert "Difference-in-differences" in html
    text = PdfReader(out / "evaluation.pdf").pages[0].extract_text()
    assert "Medical–dental pilot evaluation (public)" in text
    assert sorted(p.name for p in out.glob("*.csv")) == [
        "accounting.csv",
        "did.csv",
        "funnel.csv",
        "practices.csv",
        "rates.csv",
        "strata.csv",
    ]


def test_one_participating_practice_gets_no_interval_and_is_told_why(
    outreach_db: Path, result: Evaluation, tmp_path: Path
) -> None:
    listed = tmp_path / "one.txt"
    listed.write_text(str(result.practices["practice_id"].iloc[0]) + "\n")
    run = CliRunner().invoke(app, [
        "evaluate", "--program-start", "2024-01-01", "--as-of", "2024-12-31",
        "--practices", str(listed), "--out", str(tmp_path / "o"), "--db", str(outreach_db),
    ])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "Difference-in-differences: not estimable (it needs two practices or more" in (
        " ".join(run.output.split())
    )
    assert "nan" not in run.output.lower()
    did = pd.read_csv(tmp_path / "o" / "did.csv")
    assert did["estimate"].isna().all()


def test_unknown_participating_practice_is_a_user_error(outreach_db: Path, tmp_path: Path) -> None:
    listed = tmp_path / "x.txt"
    listed.write_text("NOPE\n")
    run = CliRunner().invoke(app, [
        "evaluate", "--program-start", "2024-01-01", "--as-of", "2024-12-31",
        "--practices", str(listed), "--out", str(tmp_path / "o"), "--db", str(outreach_db),
    ])  # fmt: skip
    assert "NOPE" in str(run.exception)
