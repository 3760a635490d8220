"""No public response gives away a small count: a run full of small cells is published,
every public page, chart, CSV and JSON of it is fetched, and what they show is checked.

Three checks: no count from 1 to 10 is shown anywhere; the product's own attack, run on
every count the responses show (collected from all of them, each in its place), learns
nothing about what they hide (each measure's strata, each month of each series); and no
hidden rate is written anywhere, in any form a page uses, unless a shown value writes the
same.
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

from wellchild.hub.data import publishing
from wellchild.hub.data.labels import PUBLIC_DIMENSIONS
from wellchild.measures.suppression import attack, describe

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


def _collected(responses: dict[str, str]) -> dict[tuple[str, ...], dict[str, int]]:
    """Every count any response shows, by where it belongs: ``(measure, dimension,
    group)`` for the strata and totals (strata CSV, the run's CSV, JSON), ``(measure,
    "month", where, month)`` for the series (monthly CSVs, JSON). A count shown twice
    must be the same count."""
    seen: dict[tuple[str, ...], dict[str, int]] = {}

    def note(place: tuple[str, ...], row: dict[str, Any]) -> None:
        for kind in KINDS:
            value = row.get(kind)
            if value not in (None, ""):
                known = seen.setdefault(place, {})
                assert known.get(kind, int(value)) == int(value), (place, kind)
                known[kind] = int(value)

    for path, text in responses.items():
        strata = re.search(r"/([a-z0-9_]+)/strata\.csv$", path)
        monthly = re.search(r"/([a-z0-9_]+)/monthly-(.+)\.csv$", path)
        if strata:
            for row in _csv(text):
                note((strata.group(1), row["dimension"], row["group"]), row)
        elif monthly:
            for row in _csv(text):
                note((monthly.group(1), "month", monthly.group(2), row["month"]), row)
        elif path.endswith("/measures.csv"):
            for row in _csv(text):
                note((row["measure_id"], "total", "all"), row)
        elif path.endswith("/data.json"):
            body = json.loads(text)
            measure_id = body["measure"]["id"]
            note((measure_id, "total", "all"), body["total"])
            for stratum in body["strata"]:
                for row in stratum["rows"]:
                    note((measure_id, row["dimension"], row["group"]), row)
            for row in body["by_run"]:
                if row["run"] == "MY2024":
                    note((measure_id, "total", "all"), row)
            for where, rows in body["monthly"].items():
                for row in rows:
                    note((measure_id, "month", where, str(row["month"])), row)
    return seen


def test_the_attack_on_everything_published_finds_nothing(responses: dict[str, str]) -> None:
    """The product's own attack, on what the crawl collected from every page, CSV and
    JSON: no hidden count of a measure's strata can be worked out, bounded between 1 and
    10 (alone or with others), or shown to be a rate of 0% or 100%."""
    seen = _collected(responses)
    summary = tiny_run().folder.summary
    hidden_somewhere = False
    for measure_id, truth in summary.groupby("measure_id"):
        truth = truth[truth["dimension"].isin(["total", *PUBLIC_DIMENSIONS])].reset_index(drop=True)
        table = truth[["dimension", "group", *KINDS]]
        shown = [
            seen.get((str(measure_id), d, g), {})
            for d, g in zip(table["dimension"], table["group"], strict=True)
        ]
        hidden = pd.DataFrame({k: [k not in s for s in shown] for k in KINDS})
        for kind in KINDS:  # what is shown is the truth
            for value, cell in zip(table[kind], shown, strict=True):
                assert cell.get(kind, value) == value
        hidden_somewhere |= bool(hidden.any(axis=None))
        assert describe(attack(table, hidden), table) == [], measure_id
    assert hidden_somewhere


def test_the_attack_on_the_published_months_finds_nothing(responses: dict[str, str]) -> None:
    seen = _collected(responses)
    series = tiny_run().series
    for measure_id in ("wcv_6m", "dental_12m"):
        truth = series[(series["measure_id"] == measure_id) & (series["scope"] != "practice")]
        counties = truth.loc[truth["scope"] == "county", "key"].unique()
        fetched = {
            m.group(1)
            for p in responses
            if (m := re.search(rf"/{measure_id}/monthly-(.+)\.csv$", p))
        }
        assert fetched == {"all", *counties}
        for month, rows in truth.groupby("month"):
            total = rows[rows["scope"] == "all"]
            rest = {
                k: int(total[k].iloc[0]) - int(rows.loc[rows["scope"] == "county", k].sum())
                for k in KINDS
            }
            where = [
                "all" if s == "all" else k for s, k in zip(rows["scope"], rows["key"], strict=True)
            ]
            table = pd.DataFrame(
                {
                    "dimension": ["total" if s == "all" else "county" for s in rows["scope"]],
                    "group": where,
                    "denominator": rows["denominator"].astype(int).to_numpy(),
                    "numerator": rows["numerator"].astype(int).to_numpy(),
                }
            )
            if any(rest.values()):  # the children of no county: never on a page
                table.loc[len(table)] = [
                    "county",
                    "(unknown)",
                    rest["denominator"],
                    rest["numerator"],
                ]
                where.append("(unknown)")
            shown = [seen.get((measure_id, "month", w, month.isoformat()), {}) for w in where]
            hidden = pd.DataFrame({k: [k not in s for s in shown] for k in KINDS})
            for kind in KINDS:
                for value, cell in zip(table[kind], shown, strict=True):
                    assert cell.get(kind, value) == value
            assert describe(attack(table, hidden), table) == [], (measure_id, month)


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
