"""What a reader sees: rule names in the legend, the text summary, the accessible SVG."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from paths import DATA
from wellchild.qi import QIChart, QIChartError, chart_spec, describe, qi_chart, save


@pytest.fixture(scope="module")
def cdi() -> pd.DataFrame:
    data = pd.read_csv(DATA / "qicharts2" / "inputs" / "cdi.csv")
    return data.assign(month=pd.to_datetime(data["month"]))


def _domains(spec: dict[str, Any]) -> dict[str, list[str]]:
    """Legend title → the labels it shows, from every layer of the spec."""
    found: dict[str, list[str]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            legend = node.get("legend")
            scale = node.get("scale")
            if isinstance(legend, dict) and isinstance(scale, dict) and "domain" in scale:
                found.setdefault(str(legend.get("title")), []).extend(scale["domain"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return {title: list(dict.fromkeys(labels)) for title, labels in found.items()}


def test_the_legend_names_the_anhoej_rules_that_fired(cdi: pd.DataFrame) -> None:
    result = qi_chart(cdi, x="month", y="n", freeze=24)
    legends = _domains(chart_spec(result).to_dict())
    assert legends["Points"] == ["No signal", "Anhøj: unusually long run"]
    assert legends["Lines"] == ["Centre line: Anhøj unusually few crossings"]


def test_the_legend_names_the_ihi_rules_that_fired(cdi: pd.DataFrame) -> None:
    result = qi_chart(cdi, x="month", y="n", chart="c", method="ihi", target=10)
    legends = _domains(chart_spec(result).to_dict())
    # Both astronomical points (27 and 3 infections) also lie in a shift.
    assert legends["Points"] == ["No signal", "IHI: astronomical point + IHI: shift", "IHI: shift"]
    assert legends["Lines"] == ["Centre line: IHI too few runs", "3-sigma limits", "Target"]


def test_the_summary_says_which_rules_fired_where(cdi: pd.DataFrame) -> None:
    result = qi_chart(cdi, x="month", y="n", freeze=24)
    assert describe(result).splitlines() == [
        "Run chart of n. Run chart (any measure over time, against its median); signals by "
        "the Anhøj rules.",
        "",
        "36 points, 2012-11-01 to 2015-10-01. Centre line (median) 19. The centre line comes "
        "from the baseline, the first 24 points (to 2014-10-01).",
        "- Unusually long run: 15 points below the centre line, 2014-08-01 to 2015-10-01 "
        "(longer than 8 is unusual).",
        "- Unusually few crossings: the line crosses the centre line 8 times (fewer than 11 "
        "is unusual).",
    ]


def test_a_split_chart_without_signals_says_so(cdi: pd.DataFrame) -> None:
    result = qi_chart(cdi, x="month", y="n", chart="c", part=[24], notes="notes")
    assert describe(result).splitlines()[2:] == [
        "Part 1: 24 points, 2012-11-01 to 2014-10-01. Centre line (mean) 18.71. Lower control "
        "limit 5.732, upper 31.68.",
        "No signal: only common-cause (random) variation.",
        "",
        "Part 2: 12 points, 2014-11-01 to 2015-10-01. Centre line (mean) 7.083. Lower control "
        "limit 0, upper 15.07. Note at 2014-11-01: Intervention begins.",
        "No signal: only common-cause (random) variation.",
    ]


def _saved(result: QIChart, path: Path) -> Path:
    return save(result, path)


def test_the_svg_carries_its_title_and_summary(cdi: pd.DataFrame, tmp_path: Path) -> None:
    result = qi_chart(cdi, x="month", y="n", chart="c", part=[24])
    svg = _saved(result, tmp_path / "c.svg").read_text()
    assert svg.startswith('<svg role="img" aria-label="C chart of n" ')
    assert "<title>C chart of n</title>" in svg
    assert "Part 2: 12 points" in svg


def test_the_json_holds_table_summary_and_spec(cdi: pd.DataFrame, tmp_path: Path) -> None:
    result = qi_chart(cdi, x="month", y="n", chart="u", n="days", multiply=10000)
    document = json.loads(_saved(result, tmp_path / "u.json").read_text())
    assert sorted(document) == sorted(
        ["title", "chart", "rules", "target", "multiply", "summary", "parts", "points", "vega_lite"]
    )
    assert document["points"][0]["x"] == "2012-11-01"
    assert document["summary"] == describe(result)


def test_an_unknown_file_type_is_refused(cdi: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(QIChartError, match=r"must end in \.csv, \.json, \.svg, \.png"):
        save(qi_chart(cdi, x="month", y="n"), tmp_path / "chart.pdf")


def test_a_proportion_drawn_as_a_percentage_reads_as_one() -> None:
    # 20 months of 100 children, 50 or 52 seen: p = 0.51, 3-sigma = 3·√(0.51·0.49/100) ≈ 0.15.
    data = pd.DataFrame({"month": range(1, 21), "seen": [50, 52] * 10, "children": [100] * 20})
    result = qi_chart(data, x="month", y="seen", n="children", chart="p", target=0.6)
    lines = describe(result).splitlines()
    assert lines[1] == "Target: 60%."
    assert lines[3] == (
        "20 points, 1 to 20. Centre line (mean) 51%. Lower control limit 36%, upper 66%."
    )
    tooltips = [t["format"] for t in _tooltips(chart_spec(result).to_dict()) if "format" in t]
    assert len(tooltips) == 4
    assert set(tooltips) == {".2%"}


def _tooltips(node: object) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = list(node.get("tooltip", [])) if isinstance(node.get("tooltip"), list) else []
        return found + [t for value in node.values() for t in _tooltips(value)]
    if isinstance(node, list):
        return [t for value in node for t in _tooltips(value)]
    return []
