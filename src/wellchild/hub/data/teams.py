"""Improvement work: a team's aims and PDSA cycles, charted on its own series, and the
coordinators' roll-up of every team.

A team's pages are for the confirmed members of its organization and the coordinators
(``data.view_team``); they may record cycles and aims (``data.record_improvement``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wellchild.hub import translated
from wellchild.hub.data import access, charts, dashboards, domain, labels
from wellchild.hub.data.forms import AimForm, CycleForm
from wellchild.hub.data.models import Aim, Cycle, Run, RunMeasure, Scope, Team

DEFAULT_MEASURE = "wcv_6m"


@dataclass(frozen=True)
class Where:
    """Whose children a team's chart and progress follow."""

    scope: str
    key: str
    dimension: str
    name: str
    note: str = ""


def where(team: Team, measure: RunMeasure | None) -> Where:
    """The practice's series when the run has it, else the county's, else everyone's."""
    has = (
        (lambda scope, key: measure.points.filter(scope=scope, key=key).exists())
        if measure is not None
        else (lambda scope, key: False)
    )
    if team.practice_id and has(Scope.PRACTICE, team.practice_id):
        return Where(
            Scope.PRACTICE,
            team.practice_id,
            "practice",
            _("practice %(id)s") % {"id": team.practice_id},
        )
    reasons = []
    if team.practice_id:
        reasons.append(
            _(
                "This run has no monthly series for practice %(id)s (it is computed for the "
                "practices with a team when a run is published)."
            )
            % {"id": team.practice_id}
        )
    elif team.plan_id:
        reasons.append(_("Monthly series are computed for counties and practices, not plans."))
    if team.county:
        county = labels.county_name(team.county)
        if has(Scope.COUNTY, team.county):
            if reasons:
                reasons.append(
                    _("The chart shows the team's county, %(county)s.") % {"county": county}
                )
            return Where(Scope.COUNTY, team.county, "county", county, " ".join(reasons))
        reasons.append(_("This run has no monthly series for %(county)s.") % {"county": county})
    if not reasons:
        reasons.append(_("The team follows no practice, plan or county."))
    reasons.append(_("The chart shows all children instead, not the team's own."))
    return Where(Scope.ALL, "", "total", _("all children"), " ".join(reasons))


def _rate_group(team: Team) -> tuple[str, str]:
    """The summary row a team's progress is read from."""
    if team.practice_id:
        return "practice", team.practice_id
    if team.plan_id:
        return "plan", team.plan_id
    if team.county:
        return "county", team.county
    return "total", "all"


def _latest(user: Any) -> Run | None:
    return access.visible_runs(user).first()


def _team_series(
    team: Team, run: Run | None, measure_id: str
) -> tuple[charts.Series | None, Where | None]:
    measure = run.measures.filter(measure_id=measure_id).first() if run else None
    if measure is None:
        return None, None
    place = where(team, measure)
    aim = team.aims.filter(measure_id=measure_id).first()
    notes = []
    # numbered as the team's list numbers them, so a label on the chart finds its cycle
    for number, cycle in enumerate(team.cycles.order_by("starts_on", "id"), start=1):
        if cycle.measure_id != measure_id:
            continue
        notes.append((cycle.starts_on, _("PDSA %(n)s") % {"n": number}))
        if cycle.ends_on and cycle.ends_on.replace(day=1) != cycle.starts_on.replace(day=1):
            # the note sits on the month the cycle ended in, and names the day itself
            ended = date_format(cycle.ends_on, "DATE_FORMAT")
            notes.append(
                (cycle.ends_on, _("PDSA %(n)s ends %(date)s") % {"n": number, "date": ended})
            )
    title = _("%(measure)s: %(who)s") % {
        "measure": translated.text(measure, "name"),
        "who": place.name,
    }
    data = charts.series(
        measure,
        place.scope,
        place.key,
        title=title,
        target=aim.target / 100 if aim else None,
        annotations=notes,
    )
    return data, place


def _progress(team: Team, run: Run | None, aim: Aim) -> dict[str, Any]:
    if run is None:
        return {}
    dimension, group = _rate_group(team)
    row = dashboards.group_rate(run, aim.measure_id, dimension, group)
    rate = row.get("rate")
    if rate is None:
        return {"rate": None, "suppressed": bool(row)}
    span = aim.target - aim.baseline
    progress = (rate * 100 - aim.baseline) / span if span else None
    return {"rate": rate, "progress": progress}


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    """Coordinators: every team, its cycles, latest aims and progress. Others: their teams."""
    everyone = request.user.has_perm("data.view_all_teams")
    found = access.teams(request.user).prefetch_related("aims", "cycles")
    run = _latest(request.user)
    rows = []
    for team in found:
        aims = list(team.aims.all())
        latest: dict[str, Aim] = {}
        for aim in aims:
            latest.setdefault(aim.measure_id, aim)
        cycles = list(team.cycles.all())
        rows.append(
            {
                "team": team,
                "cycles": len(cycles),
                "open_cycles": sum(1 for c in cycles if not c.act),
                "last_cycle": max(cycles, key=lambda c: c.starts_on) if cycles else None,
                "aims": [{"aim": a, **_progress(team, run, a)} for a in latest.values()],
            }
        )
    return render(request, "data/teams.html", {"rows": rows, "everyone": everyone, "run": run})


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    item = access.team(request, slug)
    run = _latest(request.user)
    measure_ids = list(
        dict.fromkeys(
            [
                *item.aims.values_list("measure_id", flat=True),
                *item.cycles.values_list("measure_id", flat=True),
            ]
        )
    ) or [DEFAULT_MEASURE]
    panels = []
    for measure_id in measure_ids:
        data, place = _team_series(item, run, measure_id)
        panels.append(
            {
                "measure_id": measure_id,
                "name": labels.measure_title(measure_id),
                "chart": data,
                "where": place,
                "rows": charts.rows(data) if data is not None else [],
                "summary": charts.summary(data) if data is not None else [],
            }
        )
    return render(
        request,
        "data/team.html",
        {
            "team": item,
            "run": run,
            "panels": panels,
            "aims": [{"aim": a, **_progress(item, run, a)} for a in item.aims.all()],
            "cycles": list(item.cycles.order_by("starts_on", "id")),
            "can_edit": request.user.has_perm("data.record_improvement", item),
        },
    )


@login_required
def team_chart(request: HttpRequest, slug: str, measure_id: str) -> HttpResponse:
    item = access.team(request, slug)
    data, _place = _team_series(item, _latest(request.user), measure_id)
    if data is None or not data.chartable:
        raise Http404("no chart")
    response = HttpResponse(charts.svg(data), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response


def _edit(
    request: HttpRequest,
    team: Team,
    form_class: type[CycleForm] | type[AimForm],
    instance: Any,
    title: str,
) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        domain.record_work(item=form.save(commit=False), team=team, by=request.user)
        return redirect("data:team", slug=team.slug)
    return render(request, "data/team_form.html", {"team": team, "form": form, "title": title})


@login_required
def cycle_new(request: HttpRequest, slug: str) -> HttpResponse:
    item = access.team(request, slug, edit=True)
    return _edit(request, item, CycleForm, Cycle(team=item), _("New PDSA cycle"))


@login_required
def cycle_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = access.team(request, slug, edit=True)
    cycle = get_object_or_404(Cycle, pk=pk, team=item)
    return _edit(request, item, CycleForm, cycle, _("Edit PDSA cycle"))


@login_required
def aim_new(request: HttpRequest, slug: str) -> HttpResponse:
    item = access.team(request, slug, edit=True)
    return _edit(request, item, AimForm, Aim(team=item), _("New aim"))


@login_required
def aim_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = access.team(request, slug, edit=True)
    aim = get_object_or_404(Aim, pk=pk, team=item)
    return _edit(request, item, AimForm, aim, _("Edit aim"))
