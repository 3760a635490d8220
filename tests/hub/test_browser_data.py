"""The dashboards in headless Chromium: the chart is drawn and its table is there for
those who cannot see it, and axe-core finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from browsing import axe
from data_run import tiny_run
from playwright.sync_api import expect

from wellchild.hub.data import publishing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(site: str) -> str:
    """The live hub (conftest's ``site``) with a public run."""
    run = tiny_run()
    publishing.publish_run(
        folder=run.folder,
        label="MY2024",
        public=True,
        series=run.series,
        outreach_dir=None,
        db=run.db,
    )
    return site


def test_the_measure_page_draws_the_chart_and_has_its_table(page: Any, site: str) -> None:
    page.goto(site + "/data/")
    page.get_by_role("link", name="Two or more well-child visits by 6 months of age").click()
    expect(page).to_have_url(re.compile(r"/data/runs/my2024/wcv_6m/"))
    # drawn without being scrolled to: a printed or captured page has its chart (the
    # predicate waits out the navigation: until the measure page is parsed there is no img)
    page.wait_for_function(
        "() => { const img = document.querySelector('figure.chart img');"
        " return img !== null && img.complete; }"
    )
    assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 600
    table = page.locator("#monthly-table")
    expect(table).to_be_visible()  # beside the chart, open
    assert table.locator("caption").inner_text().startswith("Two or more well-child visits")
    assert table.locator("tbody tr").count() == 3
    # a county's chart: dental_12m's (in so small a run, wcv_6m's two small counties hold
    # fewer than 11 children together, so Los Angeles is hidden with them every month)
    page.goto(site + "/data/runs/my2024/dental_12m/")
    page.get_by_role("link", name="Los Angeles").click()
    expect(page).to_have_url(re.compile(r"chart=06037"))
    assert page.locator("figure.chart img").get_attribute("src").endswith("/chart-06037.svg")


def test_the_dashboards_have_no_axe_violations(page: Any, site: str) -> None:
    found = {}
    for path in [
        "/data/",
        "/data/runs/my2024/wcv_6m/",
        "/data/runs/my2024/dental_12m/?chart=06037",
    ]:
        for language in ("en", "es"):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
            page.goto(site + path)
            if violations := axe(page):
                found[f"{language} {path}"] = violations
    assert found == {}, json.dumps(found, indent=1)
