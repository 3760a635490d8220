"""Every address of the hub outside the practice portal and the admin, by persona.

test_portal_views.py checks every portal address for every persona, and this file does
the same for the rest of the hub: the community site, meetings, the resource library,
the mailing list, the data dashboards and the teams, the account pages. Every URL pattern
is listed in exactly one table, so a new page fails ``test_every_address_is_checked``
until someone says who may see it. The admin refuses everyone who is not a coordinator
on every one of its addresses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from data_run import publish
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from factories import Personas, meeting, resource, subscriber

from wellchild.hub.data.models import Aim, Cycle, Team
from wellchild.hub.mailing import domain as mailing
from wellchild.hub.meetings import domain as meetings
from wellchild.hub.meetings.models import Material
from wellchild.hub.portal import urls as portal_urls

BACKEND = "django.contrib.auth.backends.ModelBackend"
WHO = ("anonymous", "loner", "member", "org admin", "other org admin", "coordinator")


@dataclass
class World:
    personas: Personas
    objects: dict[str, Any]


def _patterns(patterns: list[Any], namespace: str = "", prefix: str = "") -> list[tuple[str, str]]:
    """(namespace:name, route) of every named pattern under ``patterns``."""
    found = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            inner = namespace if p.namespace is None else p.namespace
            found += _patterns(p.url_patterns, inner, route)
        elif isinstance(p, URLPattern) and p.name:
            found.append((f"{namespace}:{p.name}", route))
    return found


@pytest.fixture
def world(personas: Personas) -> World:
    team = Team.objects.create(
        name="Golden Valley team", slug="golden-valley", organization=personas.plan
    )
    first = meeting("Learning session", days_from_now=7)
    material = Material.objects.create(
        meeting=first, title="Slides", kind=Material.Kind.OTHER, url="https://example.org/s"
    )
    aim = Aim.objects.create(
        team=team, measure_id="wcv_6m", baseline=50, target=60, by_when=dt.date(2026, 6, 30)
    )
    cycle = Cycle.objects.create(
        team=team,
        measure_id="wcv_6m",
        change_idea="Text reminders",
        plan="Text every family",
        starts_on=dt.date(2024, 11, 3),
    )
    fan = subscriber("fan@example.org")
    feed = meetings.renew_personal_feed(user=personas.plan_member.user)
    objects = {
        "team": team,
        "aim": aim,
        "cycle": cycle,
        "meeting": first,
        "material": material,
        "resource": resource("Toolkit", summary="How to."),
        "confirm": mailing.confirm_token(fan),
        "manage": mailing.manage_token(fan),
        "feed": feed,
    }
    return World(personas, objects)


Build = Callable[[World], str]


def _run(w: World) -> str:
    return "/data/runs/my2024"  # the run publish("MY2024") makes


def _team(w: World) -> str:
    return f"/data/teams/{w.objects['team'].slug}"


LOGIN = ("redirect", "/account/sign-in/")
Expected = dict[str, Any]


def everyone(answer: Any) -> Expected:
    return dict.fromkeys(WHO, answer)


def signed_in(answer: Any) -> Expected:
    """Anonymous visitors are sent to sign in; everyone signed in gets ``answer``."""
    return everyone(answer) | {"anonymous": LOGIN}


ORG = signed_in(403) | {"org admin": 200, "coordinator": 200}  # the organization's admins
TEAM = ORG | {"member": 200}  # the team's organization and the coordinators
HOME = ("redirect", "/me/")

# (pattern name, what is asked for, its address, who gets what); a name may come twice
ADDRESSES: list[tuple[str, str, Build, Expected]] = [
    (":home", "", lambda w: "/", everyone(200)),
    (":pledge", "", lambda w: "/pledge/", everyone(200)),
    (":join", "", lambda w: "/join/", everyone(200)),
    (":join-person", "", lambda w: "/join/person/", everyone(200)),
    (":join-organization", "", lambda w: "/join/organization/", everyone(200)),
    (":join-sent", "", lambda w: "/join/check-your-email/", everyone(200)),
    (":confirm", "a forged token", lambda w: "/confirm/not-a-token/", everyone(400)),
    (":profile", "", lambda w: "/me/", signed_in(200)),
    (":export-data", "", lambda w: "/me/data.json", signed_in(200)),
    (":leave", "", lambda w: "/me/leave/", signed_in(200)),
    (":directory", "", lambda w: "/directory/", everyone(200)),
    (":directory-category", "", lambda w: "/directory/managed-care-plans/", everyone(200)),
    (":organization", "listed", lambda w: f"/organizations/{w.personas.plan.slug}/",
     everyone(200)),
    (":organization", "not approved yet",
     lambda w: f"/organizations/{w.personas.pending_org.slug}/",
     everyone(404) | {"coordinator": 200}),
    (":organization-manage", "", lambda w: f"/organizations/{w.personas.plan.slug}/manage/", ORG),
    (":confirm-member", "a GET (it takes a POST)",
     lambda w: f"/organizations/{w.personas.plan.slug}/confirm-member/", signed_in(405)),
    (":contact", "", lambda w: "/contact/", everyone(200)),
    (":contact-sent", "", lambda w: "/contact/sent/", everyone(200)),
    (":favicon", "", lambda w: "/favicon.ico", everyone(("redirect", "/static/hub/favicon.svg"))),
    (":login", "", lambda w: "/account/sign-in/", everyone(200)),
    (":logout", "a GET (it takes a POST)", lambda w: "/account/sign-out/", everyone(405)),
    (":verify", "without a second factor", lambda w: "/account/code/", signed_in(HOME)),
    (":two-factor", "", lambda w: "/account/two-factor/",
     signed_in(HOME) | {"coordinator": 200}),
    (":password_reset", "", lambda w: "/account/password-reset/", everyone(200)),
    (":password_reset_done", "", lambda w: "/account/password-reset/sent/", everyone(200)),
    (":password_reset_confirm", "a forged link (a page saying so)",
     lambda w: "/account/password-reset/MQ/x-y/", everyone(200)),
    (":password_reset_complete", "", lambda w: "/account/password-reset/done/", everyone(200)),
    (":set_language", "", lambda w: "/i18n/setlang/", everyone(("redirect", "/"))),
    ("mailing:subscribe", "", lambda w: "/mailing-list/", everyone(200)),
    ("mailing:sent", "", lambda w: "/mailing-list/check-your-email/", everyone(200)),
    ("mailing:confirm", "its token", lambda w: f"/mailing-list/confirm/{w.objects['confirm']}/",
     everyone(200)),
    ("mailing:preferences", "its token",
     lambda w: f"/mailing-list/preferences/{w.objects['manage']}/", everyone(200)),
    ("mailing:preferences", "a forged token", lambda w: "/mailing-list/preferences/x:y:z/",
     everyone(400)),
    ("mailing:unsubscribe", "its token",
     lambda w: f"/mailing-list/unsubscribe/{w.objects['manage']}/", everyone(200)),
    ("meetings:list", "", lambda w: "/meetings/", everyone(200)),
    ("meetings:feed", "", lambda w: "/meetings/feed.ics", everyone(200)),
    ("meetings:manage-feed", "a GET (it takes a POST)", lambda w: "/meetings/my-feed/",
     signed_in(405)),
    ("meetings:personal-feed", "its token (the credential)",
     lambda w: f"/meetings/my-feed/{w.objects['feed'].token}.ics", everyone(200)),
    ("meetings:personal-feed", "a guessed token", lambda w: "/meetings/my-feed/guess.ics",
     everyone(404)),
    ("meetings:detail", "", lambda w: f"/meetings/{w.objects['meeting'].slug}/", everyone(200)),
    ("meetings:ics", "", lambda w: f"/meetings/{w.objects['meeting'].slug}/calendar.ics",
     everyone(200)),
    ("meetings:material", "a link, not a file",
     lambda w: f"/meetings/{w.objects['meeting'].slug}/materials/{w.objects['material'].pk}/",
     everyone(404)),
    ("library:list", "", lambda w: "/resources/", everyone(200)),
    ("library:detail", "", lambda w: f"/resources/{w.objects['resource'].slug}/", everyone(200)),
    ("library:download", "a link, not a file",
     lambda w: f"/resources/{w.objects['resource'].slug}/download/", everyone(404)),
    ("data:index", "", lambda w: "/data/", everyone(200)),
    ("data:run", "", lambda w: f"{_run(w)}/", everyone(200)),
    ("data:run-csv", "", lambda w: f"{_run(w)}/measures.csv", everyone(200)),
    ("data:measure", "", lambda w: f"{_run(w)}/wcv_6m/", everyone(200)),
    ("data:measure-json", "", lambda w: f"{_run(w)}/wcv_6m/data.json", everyone(200)),
    ("data:strata-csv", "", lambda w: f"{_run(w)}/wcv_6m/strata.csv", everyone(200)),
    ("data:years-csv", "", lambda w: f"{_run(w)}/wcv_6m/by-run.csv", everyone(200)),
    ("data:chart", "a county", lambda w: f"{_run(w)}/dental_12m/chart-06037.svg", everyone(200)),
    ("data:chart", "a practice (never public)",
     lambda w: f"{_run(w)}/dental_12m/chart-P00007.svg", everyone(404)),
    ("data:series-csv", "a county", lambda w: f"{_run(w)}/wcv_6m/monthly-06037.csv",
     everyone(200)),
    ("data:series-csv", "a practice (never public)",
     lambda w: f"{_run(w)}/wcv_6m/monthly-P00007.csv", everyone(404)),
    ("data:teams", "(each sees their own)", lambda w: "/data/teams/", signed_in(200)),
    ("data:team", "", lambda w: f"{_team(w)}/", TEAM),
    ("data:cycle-new", "", lambda w: f"{_team(w)}/cycles/new/", TEAM),
    ("data:cycle-edit", "", lambda w: f"{_team(w)}/cycles/{w.objects['cycle'].pk}/", TEAM),
    ("data:aim-new", "", lambda w: f"{_team(w)}/aims/new/", TEAM),
    ("data:aim-edit", "", lambda w: f"{_team(w)}/aims/{w.objects['aim'].pk}/", TEAM),
    ("data:team-chart", "", lambda w: f"{_team(w)}/wcv_6m/chart.svg", TEAM),
]  # fmt: skip
# The addresses of one run (the rows above built by ``_run``): for a run published as a
# draft, the coordinators alone get them.
RUN_PAGES = ("data:run", "data:run-csv", "data:measure", "data:measure-json", "data:strata-csv",
             "data:years-csv", "data:chart", "data:series-csv")  # fmt: skip


def _clients(p: Personas) -> dict[str, Client]:
    found = {"anonymous": Client()}
    people = [p.loner, p.plan_member, p.plan_admin, p.clinic_admin, p.coordinator]
    for who, person in zip(WHO[1:], people, strict=True):
        found[who] = Client()
        found[who].force_login(getattr(person, "user", person), backend=BACKEND)
    return found


def _answer(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code in (301, 302):
        return ("redirect", response["Location"].split("?")[0])
    return response.status_code


def _portal_names() -> set[str]:
    """The portal's patterns: test_portal_views.py checks each for every persona."""
    return {f"portal:{p.name}" for p in portal_urls.urlpatterns}


def test_every_address_is_checked() -> None:
    names = {name for name, _ in _patterns(get_resolver().url_patterns)}
    outside = {n for n in names if not n.startswith("admin:")}
    assert outside - _portal_names() == {name for name, *_ in ADDRESSES}


def _seen(clients: dict[str, Client], url: str) -> Expected:
    return {who: _answer(client, url) for who, client in clients.items()}


def test_every_address_answers_each_persona_as_it_should(world: World) -> None:
    publish("MY2024")
    clients = _clients(world.personas)
    wrong = {}
    for name, what, build, expected in ADDRESSES:
        url = build(world)
        if (seen := _seen(clients, url)) != expected:
            wrong[f"{name} {what} {url}"] = {
                w: (seen[w], expected[w]) for w in WHO if seen[w] != expected[w]
            }
    assert wrong == {}


def test_a_draft_runs_addresses_answer_the_coordinators_alone(world: World) -> None:
    publish("MY2024", public=False)
    clients = _clients(world.personas)
    for name, what, build, expected in ADDRESSES:
        if name in RUN_PAGES and expected == everyone(200):
            url = build(world)
            assert _seen(clients, url) == everyone(404) | {"coordinator": 200}, (name, what)


def _admin_addresses() -> list[str]:
    """One address per admin pattern, with 1 for every object id (the refusal comes before
    any object is looked up)."""
    found = []
    for name, route in _patterns(get_resolver().url_patterns):
        if name.startswith("admin:"):
            # the app index is a regular expression: ^coordinators/^(?P<app_label>portal|…)/$
            route = re.sub(r"\^\(\?P<app_label>([a-z_]+)[^/]*/\$", r"\1/", route)
            found.append("/" + re.sub(r"<[^>]+>", "1", route).replace("^", "").replace("$", ""))
    return found


def test_the_admin_refuses_everyone_but_the_coordinators(world: World) -> None:
    """Every admin address sends everyone who is not a coordinator to sign in, before any
    object is looked up. (With two factors required, in production, the coordinators also
    give their code first: test_sessions.py.)"""
    clients = _clients(world.personas)
    addresses = _admin_addresses()
    assert len(addresses) > 100
    for url in addresses:
        for who in WHO[:-1]:
            response = clients[who].get(url, follow=True)
            landed = response.redirect_chain[-1][0].split("?")[0]
            assert (landed, response.status_code) == ("/account/sign-in/", 200), (url, who)
    assert clients["coordinator"].get("/coordinators/").status_code == 200
