"""The dashboard prints the same rounded rate as the command line: one rounding function,
halves away from zero, on the decimal value (a dashboard that cut digits off showed 43.6%
where `wellchild measure` showed 43.7%)."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest
from data_run import tiny_run
from django.test import Client

from wellchild import rounding
from wellchild.hub.data import policy, publishing
from wellchild.hub.data.templatetags.dashboard import interval, pct, points
from wellchild.measures.display import measure_table


def test_the_rounding_examples_hold() -> None:
    failed, tried = doctest.testmod(rounding)
    assert tried > 0
    assert failed == 0


@pytest.mark.parametrize(
    ("rate", "shown"),
    [(0.4365, "43.7%"), (0.43659, "43.7%"), (0.4475, "44.8%"), (0.46849, "46.8%"),
     (0.4685, "46.9%"), (0.0005, "0.1%"), (1.0, "100.0%"), (0.0, "0.0%")],
)  # fmt: skip
def test_a_rate_reads_as_a_person_rounds_it(rate: float, shown: str) -> None:
    assert pct(rate) == shown


def test_every_fraction_reads_the_same_on_the_dashboard_and_in_the_terminal() -> None:
    rates = [k / n for n in range(1, 400) for k in range(n + 1)]
    frame = pd.DataFrame(
        {
            "measure_id": [f"m{i}" for i in range(len(rates))],
            "dimension": "total",
            "denominator": 1,
            "numerator": 1,
            "rate": rates,
            "ci_low": rates,
            "ci_high": rates,
        }
    )
    table = measure_table(frame, baseline=False)
    terminal = list(table.columns[3].cells)
    dashboard = [pct(r).removesuffix("%") for r in rates]
    assert terminal == dashboard
    assert interval({"ci_low": 0.4365, "ci_high": 0.46849}) == "43.7–46.8%"
    assert points(-0.00449) == "−0.4 points"
    assert points(0.0045) == "+0.5 points"


def test_the_run_page_shows_the_totals_the_terminal_shows() -> None:
    run = tiny_run()
    published = publishing.publish_run(
        folder=run.folder, label="Rounding", public=True, series=None, outreach_dir=None, db=None
    ).run
    page = Client().get(f"/data/runs/{published.slug}/").content.decode()
    # What `wellchild measure --public` prints: the same policy, so the same totals shown.
    public = policy.public_summary(run.folder.summary)
    totals = public[(public["dimension"] == "total") & public["rate"].notna()]
    assert len(totals) > 0
    terminal = measure_table(totals, baseline=False).columns[3].cells
    for shown in terminal:
        assert f"{shown}%" in page
