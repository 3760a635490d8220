"""No public response gives away a small count: a run full of small cells is published,
every public page, chart, CSV and JSON of it is fetched, and what they show is checked.

Three checks: no count from 1 to 10 is shown anywhere; the cells the responses leave
blank cannot be worked out from the ones they show (the shared audit and the hub's own,
table by table: each measure's strata, each month of each series); and no hidden rate is
written anywhere, in any form a page uses, unless a shown value writes the same.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from typing import Any

import pandas as pd
import pytest
from data_run import tiny_run
from django.test import Client

from wellchild.hub.data import policy, publishing
from wellchild.hub.data.labels import PUBLIC_DIMENSIONS
from wellchild.measures.suppression import audit

KINDS = ("denominator", "numerator")


@pytest.fixture
def responses() -> dict[str, str]:
    """Every public response of the published run, by path (the pages' own links)."""
    run = tiny_run()
    published = publishing.publish_run(
        folder=run.folder,
        label="MY2024",
        public=True,
        series=run.series,
        outreach_dir=None,
        db=run.db,
    ).run
    client = Client()
    seen: dict[str, str] = {}
    todo = ["/data/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code != 200:
            assert response.status_code == 404, path  # a chart with too few months
            continue
        text = response.content.decode()
        seen[path] = text
        if response["Content-Type"].startswith("text/html"):
            for link in re.findall(r'(?:href|src)="([^"#]+)', text):
                link = link.replace("&amp;", "&")
                if link.startswith("?"):
                    link = path.split("?")[0] + link
                if link.startswith(f"/data/runs/{published.slug}/") or link == "/data/":
                    todo.append(link)
    return seen


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _json_counts(node: Any) -> list[int]:
    if isinstance(node, dict):
        found = [int(v) for k, v in node.items() if k in KINDS and v is not None]
        return found + [n for v in node.values() for n in _json_counts(v)]
    if isinstance(node, list):
        return [n for v in node for n in _json_counts(v)]
    return []


def test_the_crawl_reaches_every_kind_of_response(responses: dict[str, str]) -> None:
    last = [path.split("?")[0].rsplit("/", 1)[-1] for path in responses]
    kinds = {name.rsplit(".", 1)[-1] if "." in name else "" for name in last}
    assert {"", "csv", "json", "svg"} <= kinds
    assert sum(p.endswith(".svg") for p in responses) >= 2
    assert sum("monthly-" in p for p in responses) >= 8  # 2 measures × (all + 3 counties)


def test_no_response_shows_a_count_from_1_to_10(responses: dict[str, str]) -> None:
    shown: dict[str, list[int]] = {}
    for path, text in responses.items():
        if path.endswith(".csv"):
            counts = [int(r[k]) for r in _csv(text) for k in KINDS if r.get(k)]
        elif path.endswith(".json"):
            counts = _json_counts(json.loads(text))
        elif path.endswith(".svg"):
            counts = []
        else:
            counts = [int(v) for v in re.findall(r'<data class="count" value="(\d+)">', text)]
        shown[path] = [n for n in counts if 1 <= n <= 10]
    assert {p: v for p, v in shown.items() if v} == {}
    assert any(re.search(r'class="suppressed"', t) for t in responses.values())


def _published_strata(responses: dict[str, str], measure_id: str) -> pd.DataFrame:
    path = next(p for p in responses if p.endswith(f"/{measure_id}/strata.csv"))
    rows = pd.DataFrame(_csv(responses[path]))
    for kind in KINDS:
        rows[kind] = pd.to_numeric(rows[kind].replace("", None)).astype("Int64")
    return rows


def test_what_the_strata_hide_cannot_be_worked_out(responses: dict[str, str]) -> None:
    summary = tiny_run().folder.summary
    for measure_id, truth in summary.groupby("measure_id"):
        truth = truth[truth["dimension"].isin(["total", *PUBLIC_DIMENSIONS])].reset_index(drop=True)
        shown = _published_strata(responses, str(measure_id))
        table = truth[["dimension", "group", *KINDS]]
        merged = table.merge(shown, on=["dimension", "group"], how="left", suffixes=("", "_shown"))
        assert len(merged) == len(table)
        hidden = pd.DataFrame({k: merged[f"{k}_shown"].isna() for k in KINDS})
        assert hidden.any(axis=None)
        for kind in KINDS:  # what is shown is the truth
            known = ~hidden[kind]
            assert merged.loc[known, kind].tolist() == merged.loc[known, f"{kind}_shown"].tolist()
        assert policy.exposed(table, hidden) == [], measure_id
        assert audit(table, hidden) == [], measure_id


def _published_months(responses: dict[str, str], measure_id: str) -> pd.DataFrame:
    frames = []
    for path, text in responses.items():
        found = re.search(rf"/{measure_id}/monthly-(.+)\.csv$", path)
        if found:
            rows = pd.DataFrame(_csv(text)).assign(key=found.group(1))
            frames.append(rows)
    out = pd.concat(frames, ignore_index=True)
    for kind in KINDS:
        out[kind] = pd.to_numeric(out[kind].replace("", None)).astype("Int64")
    return out


def test_what_the_monthly_series_hide_cannot_be_worked_out(responses: dict[str, str]) -> None:
    series = tiny_run().series
    for measure_id in ("wcv_6m", "dental_12m"):
        shown = _published_months(responses, measure_id)
        truth = series[(series["measure_id"] == measure_id) & (series["scope"] != "practice")]
        counties = truth.loc[truth["scope"] == "county", "key"].unique()
        assert sorted(shown["key"].unique()) == sorted(["all", *counties])
        for month, rows in truth.groupby("month"):
            table = pd.DataFrame(
                {
                    "dimension": ["total" if s == "all" else "county" for s in rows["scope"]],
                    "group": [
                        "all" if s == "all" else k
                        for s, k in zip(rows["scope"], rows["key"], strict=True)
                    ],
                    "denominator": rows["denominator"].astype(int).to_numpy(),
                    "numerator": rows["numerator"].astype(int).to_numpy(),
                }
            )
            published = shown[shown["month"] == month.isoformat()].set_index("key")
            hidden = pd.DataFrame(
                {k: [pd.isna(published.at[g, k]) for g in table["group"]] for k in KINDS}
            )
            for kind in KINDS:
                for group, value, gone in zip(
                    table["group"], table[kind], hidden[kind], strict=True
                ):
                    assert gone or int(published.at[group, kind]) == value
            assert policy.exposed(table, hidden) == [], (measure_id, month)
            assert audit(table, hidden) == [], (measure_id, month)


def _forms(value: float) -> set[str]:
    """How the pages, CSVs, JSON and charts write a rate."""
    return {f"{value * 100:.1f}", f"{value * 100:.0f}", f"{value:.6g}", f"{value:.4g}"}


def test_no_hidden_rate_is_written_anywhere(responses: dict[str, str]) -> None:
    summary = tiny_run().folder.summary
    tokens: set[str] = set()
    for text in responses.values():
        tokens |= set(re.findall(r"\d+(?:\.\d+)?", text.replace(",", "")))
    # what a response may write: the published values (every CSV cell) and the charts'
    # axis labels
    allowed: set[str] = set()
    for path, text in responses.items():
        if path.endswith(".csv"):
            for row in _csv(text):
                for value in row.values():
                    with contextlib.suppress(ValueError):
                        allowed |= _forms(float(value))
        if path.endswith(".svg"):
            for label in re.findall(r"role-axis-label.*?</g>", text, re.S):
                allowed |= set(re.findall(r"\d+\.\d", label))
    hidden_rates: set[str] = set()
    for measure_id, truth in summary.groupby("measure_id"):
        shown = _published_strata(responses, str(measure_id))
        merged = truth.merge(shown, on=["dimension", "group"], suffixes=("", "_shown"))
        for row in merged.to_dict("records"):
            if not row["rate_shown"] and row["denominator"]:
                hidden_rates |= {f"{row['numerator'] / row['denominator'] * 100:.1f}"}
    assert hidden_rates
    leaked = sorted(r for r in hidden_rates if r in tokens and r not in allowed)
    assert leaked == []
