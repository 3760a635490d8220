"""The public dashboards: a run's measures, a measure's strata, years and months.

Every view fetches its run through :mod:`wellchild.hub.data.access`, which shows
drafts to coordinators only and withdrawn runs to no one. The pages, the CSV and JSON
downloads and the charts all read the same stored rows, suppressed when published.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wellchild.hub import translated
from wellchild.hub.data import access, charts, dashboards, labels
from wellchild.hub.data.models import Run, RunMeasure, Scope

NOT_HEDIS = gettext_lazy(
    "Quality-improvement versions of the published measures, following the specification "
    "versions named per measure: not audited HEDIS rates."
)
SERIES_COLUMNS = (
    "month",
    "window_start",
    "window_end",
    "denominator",
    "numerator",
    "rate",
    "centre",
    "lower",
    "upper",
    "signal",
    "note",
)


def index(request: HttpRequest) -> HttpResponse:
    runs = access.visible_runs(request.user)
    run = runs.first()
    if run is None:
        return render(request, "data/empty.html", status=200)
    return _run_page(request, run)


def run(request: HttpRequest, slug: str) -> HttpResponse:
    return _run_page(request, access.run_for(request.user, slug))


def _run_page(request: HttpRequest, run: Run) -> HttpResponse:
    return render(
        request,
        "data/run.html",
        {
            "run": run,
            "rows": dashboards.totals(run),
            "runs": access.visible_runs(request.user),
            "not_hedis": NOT_HEDIS,
        },
    )


def run_csv(request: HttpRequest, slug: str) -> HttpResponse:
    run = access.run_for(request.user, slug)
    rows = [{"measure_id": r["measure"].measure_id, **r} for r in dashboards.totals(run)]
    return _csv(f"{run.slug}-measures.csv", rows, ("measure_id", *dashboards.CSV_COLUMNS))


def _scope(measure: RunMeasure, value: str) -> tuple[str, str, str]:
    """(scope, key, name) of a chart: ``all`` or a county code the series has."""
    if value in ("", "all"):
        return Scope.ALL, "", str(_("All children"))
    if measure.points.filter(scope=Scope.COUNTY, key=value).exists():
        return Scope.COUNTY, value, labels.county_name(value)
    raise Http404("no such series")


def _counties(measure: RunMeasure) -> list[tuple[str, str]]:
    keys = (
        measure.points.filter(scope=Scope.COUNTY)
        .order_by()
        .values_list("key", flat=True)
        .distinct()
    )
    return sorted(((k, labels.county_name(k)) for k in keys), key=lambda kv: kv[1])


def _series(measure: RunMeasure, value: str) -> tuple[charts.Series, str]:
    scope, key, name = _scope(measure, value)
    total = dashboards.total(measure) if scope == Scope.ALL else {}
    title = _("%(measure)s: %(who)s, month by month") % {
        "measure": translated.text(measure, "name"),
        "who": name,
    }
    data = charts.series(measure, scope, key, title=title, target=total.get("target_rate"))
    return data, name


def measure(request: HttpRequest, slug: str, measure_id: str) -> HttpResponse:
    item = access.measure_for(request.user, slug, measure_id)
    where = request.GET.get("chart", "all")
    data, where_name = _series(item, where)
    strata = dashboards.strata(item)
    race = next((s for s in strata if s["dimension"] == "race_ethnicity"), None)
    return render(
        request,
        "data/measure.html",
        {
            "run": item.run,
            "measure": item,
            "total": dashboards.total(item),
            "years": dashboards.years(request.user, item),
            "strata": strata,
            "race": race,
            "chart": data,
            "chart_key": "all" if data.points and data.points[0].scope == Scope.ALL else where,
            "chart_where": where_name,
            "chart_rows": charts.rows(data),
            "chart_summary": charts.summary(data),
            "counties": _counties(item),
            "steward": labels.measure_name(item.measure_id),
            "not_hedis": NOT_HEDIS,
        },
    )


def chart_svg(request: HttpRequest, slug: str, measure_id: str, where: str) -> HttpResponse:
    item = access.measure_for(request.user, slug, measure_id)
    data, _name = _series(item, where)
    if not data.chartable:
        raise Http404("too few months to chart")
    response = HttpResponse(charts.svg(data), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "max-age=300" + (", private" if not item.run.public else "")
    return response


def series_csv(request: HttpRequest, slug: str, measure_id: str, where: str) -> HttpResponse:
    item = access.measure_for(request.user, slug, measure_id)
    data, _name = _series(item, where)
    name = f"{item.run.slug}-{item.measure_id}-{where}-monthly.csv"
    return _csv(name, charts.rows(data), SERIES_COLUMNS)


def strata_csv(request: HttpRequest, slug: str, measure_id: str) -> HttpResponse:
    item = access.measure_for(request.user, slug, measure_id)
    rows = [{"dimension": "total", **dashboards.total(item)}]
    rows += [row for s in dashboards.strata(item) for row in s["rows"]]
    return _csv(f"{item.run.slug}-{item.measure_id}-strata.csv", rows, dashboards.CSV_COLUMNS)


def years_csv(request: HttpRequest, slug: str, measure_id: str) -> HttpResponse:
    item = access.measure_for(request.user, slug, measure_id)
    rows = [
        {
            "run": r["run"].label,
            "period_start": r["measure"].period_start,
            "period_end": r["measure"].period_end,
            **r,
        }
        for r in dashboards.years(request.user, item)
    ]
    columns = ("run", "period_start", "period_end", "denominator", "numerator", "rate", "ci_low")
    return _csv(f"{item.measure_id}-by-run.csv", rows, (*columns, "ci_high", "small_denominator"))


def measure_json(request: HttpRequest, slug: str, measure_id: str) -> JsonResponse:
    """Everything the measure's page shows, as data."""
    item = access.measure_for(request.user, slug, measure_id)
    series = {}
    for key in ["all", *(k for k, _n in _counties(item))]:
        data, _name = _series(item, key)
        series[key] = charts.rows(data)
    body = {
        "run": {
            "label": item.run.label,
            "period_start": item.run.period_start,
            "period_end": item.run.period_end,
        },
        "measure": {"id": item.measure_id, "name": item.name, "version": item.version},
        "note": str(NOT_HEDIS),
        "total": _plain(dashboards.total(item)),
        "strata": [
            {"dimension": s["dimension"], "rows": [_plain(r) for r in s["rows"]]}
            for s in dashboards.strata(item)
        ],
        "by_run": [
            {"run": r["run"].label, **_plain(r)} for r in dashboards.years(request.user, item)
        ],
        "monthly": series,
    }
    return JsonResponse(json.loads(json.dumps(body, default=str)), json_dumps_params={"indent": 1})


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in dashboards.CSV_COLUMNS if k in row}


def _csv(filename: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return response


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
