"""Who sees which run and which team, by persona; what the public pages leave out."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from data_run import publish as _publish
from data_run import tiny_run
from django.test import Client
from factories import Personas

from wellchild.hub.data import publishing
from wellchild.hub.data.models import Aim, Cycle, Rate, Team

BACKEND = "django.contrib.auth.backends.ModelBackend"


def client_for(person_or_user: Any | None) -> Client:
    client = Client()
    if person_or_user is not None:
        client.force_login(getattr(person_or_user, "user", person_or_user), backend=BACKEND)
    return client


@pytest.fixture
def everyone(personas: Personas) -> dict[str, Client]:
    return {
        "anonymous": client_for(None),
        "member": client_for(personas.plan_member),
        "other org admin": client_for(personas.clinic_admin),
        "coordinator": client_for(personas.coordinator),
    }


def _status(everyone: dict[str, Client], path: str) -> dict[str, int]:
    return {who: client.get(path).status_code for who, client in everyone.items()}


def test_a_public_run_is_for_everyone_a_draft_for_coordinators(everyone: dict[str, Client]) -> None:
    run = _publish("MY2024", public=False)
    pages = [
        f"/data/runs/{run.slug}/",
        f"/data/runs/{run.slug}/wcv_6m/",
        f"/data/runs/{run.slug}/wcv_6m/strata.csv",
    ]
    for path in pages:
        assert _status(everyone, path) == {
            "anonymous": 404,
            "member": 404,
            "other org admin": 404,
            "coordinator": 200,
        }, path
    assert "Draft" in everyone["coordinator"].get(pages[0]).content.decode()
    assert "No measure run is published yet" in everyone["anonymous"].get("/data/").content.decode()
    publishing.publish_run(
        folder=tiny_run().folder,
        label="MY2024",
        public=True,
        series=None,
        outreach_dir=None,
        db=None,
    )
    for path in pages:
        assert set(_status(everyone, path).values()) == {200}, path
    publishing.withdraw_run(label="MY2024")
    for path in pages:
        assert set(_status(everyone, path).values()) == {404}, path


def test_every_public_download_answers(everyone: dict[str, Client]) -> None:
    run = _publish("MY2024", public=True)
    client = everyone["anonymous"]
    base = f"/data/runs/{run.slug}"
    types = {
        f"{base}/measures.csv": "text/csv",
        f"{base}/wcv_6m/strata.csv": "text/csv",
        f"{base}/wcv_6m/by-run.csv": "text/csv",
        f"{base}/wcv_6m/monthly-all.csv": "text/csv",
        f"{base}/wcv_6m/monthly-06037.csv": "text/csv",
        f"{base}/wcv_6m/data.json": "application/json",
    }
    assert {p: client.get(p)["Content-Type"].split(";")[0] for p in types} == types
    assert client.get(f"{base}/wcv_6m/monthly-P00007.csv").status_code == 404
    assert client.get(f"{base}/no_such_measure/").status_code == 404


def test_the_public_pages_show_no_practice(everyone: dict[str, Client]) -> None:
    run = _publish("MY2024", public=True)
    practice = tiny_run().practice
    client = everyone["anonymous"]
    base = f"/data/runs/{run.slug}"
    for path in [
        f"{base}/",
        f"{base}/wcv_6m/",
        f"{base}/wcv_6m/strata.csv",
        f"{base}/wcv_6m/data.json",
    ]:
        text = client.get(path).content.decode()
        assert practice not in text, path
        assert "practice" not in text.lower().replace("practices", ""), path
    strata = client.get(f"{base}/wcv_6m/strata.csv").content.decode().splitlines()
    dimensions = sorted({line.split(",")[0] for line in strata[1:]})
    assert dimensions == sorted(
        [
            "total",
            "race_ethnicity",
            "language",
            "county",
            "plan",
            "sex",
            "dental_delivery",
            "age_band",
        ]
    )


@pytest.fixture
def team(personas: Personas) -> Team:
    return Team.objects.create(
        name="Golden Valley pediatrics",
        slug="golden-valley",
        organization=personas.plan,
        practice_id=tiny_run().practice,
    )


def test_a_team_is_for_its_organization_and_the_coordinators(
    everyone: dict[str, Client], team: Team
) -> None:
    assert _status(everyone, f"/data/teams/{team.slug}/") == {
        "anonymous": 302,
        "member": 200,
        "other org admin": 403,
        "coordinator": 200,
    }
    assert _status(everyone, f"/data/teams/{team.slug}/cycles/new/") == {
        "anonymous": 302,
        "member": 200,
        "other org admin": 403,
        "coordinator": 200,
    }


def _teams(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/data/teams/[^"]+/">([^<]+)</a>', html)


def test_the_coordinators_roll_up_lists_every_team(
    everyone: dict[str, Client], team: Team, personas: Personas
) -> None:
    Team.objects.create(name="Riverbend clinic", slug="riverbend", organization=personas.clinic)
    Aim.objects.create(
        team=team, measure_id="wcv_6m", baseline=50, target=60, by_when=dt.date(2026, 6, 30)
    )
    Cycle.objects.create(
        team=team,
        measure_id="wcv_6m",
        change_idea="Text reminders",
        plan="Text every family",
        starts_on=dt.date(2024, 11, 3),
    )
    seen = {
        who: _teams(c.get("/data/teams/").content.decode())
        for who, c in everyone.items()
        if who != "anonymous"
    }
    assert seen == {
        "member": ["Golden Valley pediatrics"],
        "other org admin": ["Riverbend clinic"],
        "coordinator": ["Golden Valley pediatrics", "Riverbend clinic"],
    }
    rollup = everyone["coordinator"].get("/data/teams/").content.decode()
    assert "Text reminders" in rollup
    assert "50.0% → 60.0%" in rollup


def test_a_member_records_a_cycle_and_it_marks_the_teams_chart(
    everyone: dict[str, Client], team: Team, personas: Personas
) -> None:
    _publish("MY2024", public=True)
    member = everyone["member"]
    response = member.post(
        f"/data/teams/{team.slug}/cycles/new/",
        {
            "change_idea": "Text reminders",
            "measure_id": "wcv_6m",
            "starts_on": "2024-11-03",
            "ends_on": "2024-10-01",
            "plan": "Text every family a week before the visit.",
        },
    )
    assert response.status_code == 200
    assert "The end date comes before the start date" in response.content.decode()
    response = member.post(
        f"/data/teams/{team.slug}/cycles/new/",
        {
            "change_idea": "Text reminders",
            "measure_id": "wcv_6m",
            "starts_on": "2024-11-03",
            "plan": "Text every family a week before the visit.",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get()
    assert (cycle.team, cycle.created_by) == (team, personas.plan_member.user)
    page = member.get(f"/data/teams/{team.slug}/").content.decode()
    assert "PDSA 1: Text reminders" in page  # the cycle, numbered
    assert re.search(r"<td>[^<]*PDSA 1</td>", page)  # and its note in the chart's table
    assert member.get(f"/data/teams/{team.slug}/cycles/{cycle.pk}/").status_code == 200
    assert (
        everyone["other org admin"]
        .post(f"/data/teams/{team.slug}/cycles/{cycle.pk}/", {"change_idea": "Mine now"})
        .status_code
        == 403
    )


def test_the_chart_in_words_is_one_list_item_per_line_without_terminal_dashes() -> None:
    from wellchild.hub.data import charts
    from wellchild.hub.data.models import SeriesPoint

    months = [dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(20)]
    met = [480 + 13 * (m % 4) for m in range(20)]
    met[12] = 900  # one month far outside the limits
    points = [
        SeriesPoint(month=month, numerator=n, denominator=1000)
        for month, n in zip(months, met, strict=True)
    ]
    lines = charts.summary(charts.Series(points=points, title="wcv_6m"))
    signal = [line for line in lines if line.startswith("Outside the 3-sigma limits")]
    assert signal == ["Outside the 3-sigma limits: 1 point: 2025-01-01 (90%, high)."], lines
    assert not [line for line in lines if line.startswith("-") or not line.strip()]
    assert charts.summary(charts.Series(points=points[:1], title="wcv_6m")) == []


ENGLISH_CHART_WORDS = ("Centre line", "Points", "Lines", "Month", "signals by", "Unusually")


def test_the_spanish_dashboard_reads_in_spanish() -> None:
    run = _publish("MY2024", public=True)
    spanish = Client(headers={"accept-language": "es"})
    page = spanish.get(f"/data/runs/{run.slug}/wcv_6m/").content.decode()
    assert "Dos o más consultas de niño sano antes de los 6 meses de edad" in page
    assert "La proporción de bebés que cumplen 6 meses" in page  # the description
    assert "Línea central (media)" in page  # the chart's summary, beside it
    assert "en inglés" not in page
    for words in (*ENGLISH_CHART_WORDS, "Two or more well-child"):
        assert words not in page, words

    svg = spanish.get(f"/data/runs/{run.slug}/wcv_6m/chart-all.svg").content.decode()
    for words in ("Mes", "Cumplen / Niños", "Línea central", "Límites de 3 sigma", "Puntos"):
        assert words in svg, words
    for words in ENGLISH_CHART_WORDS:
        assert words not in svg, words
    assert re.search(r">(oct|nov|dic) 2024<", svg)  # the axis' months, in Spanish

    english = Client().get(f"/data/runs/{run.slug}/wcv_6m/chart-all.svg").content.decode()
    assert "Centre line" in english
    assert "Línea central" not in english


def test_age_bands_come_in_age_order() -> None:
    run = _publish("MY2024", public=True)
    rates = Rate.objects.filter(measure__run=run, measure__measure_id="dental_12m")
    # as a summary sorted as text lists them: "12–17" before "3–5", here "3–5" first
    for position, group in enumerate(["3–5", "1–2"]):
        rates.filter(dimension="age_band", group=group).update(position=position)
    page = Client().get(f"/data/runs/{run.slug}/dental_12m/").content.decode()
    table = page[page.index('id="stratum-age_band"') :]
    table = table[: table.index("</table>")]
    bands = [band.strip() for band in re.findall(r'<th scope="row">([^<]+)<', table)]
    assert bands == ["1–2", "3–5"]
