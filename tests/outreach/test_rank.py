"""Ranking practices by dental non-utilizers: the counts agree with the long table,
both ranks follow their definitions, and the files open as they should."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.geography.regions import region
from wellchild.measures.context import Period
from wellchild.measures.registry import get
from wellchild.measures.run import run_measures
from wellchild.outreach.rank import Ranking, rank_practices

AS_OF = dt.date(2024, 12, 31)
LA = "06037"


@pytest.fixture(scope="module")
def ranking(outreach_db: Path) -> Ranking:
    engine = DuckDBEngine.open(outreach_db)
    try:
        return rank_practices(
            engine, AS_OF, counties=[LA], languages=region().languages([LA]), top=5, min_panel=30
        )
    finally:
        engine.close()


def test_counts_match_the_long_table(outreach_db: Path, ranking: Ranking, tmp_path: Path) -> None:
    engine = DuckDBEngine.open(outreach_db)
    try:
        run = run_measures(
            engine, Period.for_year(2024, as_of=AS_OF), out=tmp_path, measures=[get("dental_12m")]
        )
    finally:
        engine.close()
    long = pd.read_parquet(run.long_path)
    long = long[long["in_denominator"] & ~long["excluded"] & long["practice_id"].notna()]
    expected = long.groupby("practice_id").agg(
        panel=("met", "size"), non_utilizers=("met", lambda m: int((~m).sum()))
    )
    got = ranking.table.set_index("practice_id")[["panel", "non_utilizers"]]
    assert got.sort_index().to_dict() == expected.loc[got.index].sort_index().to_dict()


def test_ranks_follow_their_definitions(ranking: Ranking) -> None:
    t = ranking.table
    assert (t["county_fips"] == LA).all()
    assert t["rank_number"].min() == 1
    top_by_number = t.loc[t["rank_number"] == 1, "non_utilizers"].iloc[0]
    assert top_by_number == t["non_utilizers"].max()
    small = t[t["small_panel"]]
    assert (small["panel"] < 30).all()
    assert small["rank_share"].isna().all()
    big = t[~t["small_panel"]]
    best_share = big.loc[big["rank_share"] == 1, "share"].iloc[0]
    assert best_share == big["share"].max()
    assert (t["share_ci_low"] <= t["share"]).all()
    assert (t["share"] <= t["share_ci_high"]).all()
    in_top = (t["rank_number"] <= 5) | (t["rank_share"].astype(float) <= 5)
    assert t["in_top"].tolist() == in_top.tolist()
    shares = t[[c for c in t.columns if c.startswith("lang_")]].sum(axis=1)
    assert shares[t["non_utilizers"] > 0].round(9).eq(1).all()


def test_rank_command_writes_csv_xlsx_and_chart(outreach_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "rank"
    result = CliRunner().invoke(
        app, ["rank", "--as-of", "2024-12-31", "--county", LA, "--top", "5",
              "--db", str(outreach_db), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "rank.csv",
        "rank.png",
        "rank.svg",
        "rank.xlsx",
    ]
    csv = pd.read_csv(out / "rank.csv", dtype={"county_fips": str})
    book = load_workbook(out / "rank.xlsx")
    assert book.sheetnames == ["Top 5 by number or share", "All practices", "About"]
    assert "Los Angeles County" in (out / "rank.svg").read_text()
    sheet = book["All practices"]
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(1, sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{len(csv) + 1}"
    assert [c.value for c in sheet[1]] == list(csv.columns)
    assert sheet.cell(2, list(csv.columns).index("share") + 1).number_format == "0.0%"
    assert (out / "rank.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (out / "rank.svg").read_text()


def test_unknown_county_is_a_user_error(outreach_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["rank", "--as-of", "2024-12-31", "--county", "99999", "--db", str(outreach_db)]
    )
    assert "not in the region file" in str(result.exception)


def test_a_bad_date_is_a_user_error(outreach_db: Path) -> None:
    result = CliRunner().invoke(app, ["rank", "--as-of", "31/12/2024", "--db", str(outreach_db)])
    assert "YYYY-MM-DD" in str(result.exception)


def test_a_missing_chart_library_names_the_extra(
    ranking: Ranking, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from wellchild.errors import WellchildError
    from wellchild.outreach.rank_chart import save_chart

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "altair" else find_spec(name)
    )
    with pytest.raises(WellchildError) as caught:
        save_chart(ranking, tmp_path / "chart")
    assert caught.value.hint == "pip install 'wellchild[docs]'"
    assert list(tmp_path.iterdir()) == []
