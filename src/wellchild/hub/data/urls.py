"""The dashboards (public runs for everyone, drafts for coordinators) and the teams'
improvement work, under /data/."""

from __future__ import annotations

from django.urls import path

from wellchild.hub.data import teams, views

app_name = "data"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<slug:slug>/", views.run, name="run"),
    path("runs/<slug:slug>/measures.csv", views.run_csv, name="run-csv"),
    path("runs/<slug:slug>/<slug:measure_id>/", views.measure, name="measure"),
    path("runs/<slug:slug>/<slug:measure_id>/data.json", views.measure_json, name="measure-json"),
    path("runs/<slug:slug>/<slug:measure_id>/strata.csv", views.strata_csv, name="strata-csv"),
    path("runs/<slug:slug>/<slug:measure_id>/by-run.csv", views.years_csv, name="years-csv"),
    path(
        "runs/<slug:slug>/<slug:measure_id>/chart-<str:where>.svg",
        views.chart_svg,
        name="chart",
    ),
    path(
        "runs/<slug:slug>/<slug:measure_id>/monthly-<str:where>.csv",
        views.series_csv,
        name="series-csv",
    ),
    path("teams/", teams.teams, name="teams"),
    path("teams/<slug:slug>/", teams.team, name="team"),
    path("teams/<slug:slug>/cycles/new/", teams.cycle_new, name="cycle-new"),
    path("teams/<slug:slug>/cycles/<int:pk>/", teams.cycle_edit, name="cycle-edit"),
    path("teams/<slug:slug>/aims/new/", teams.aim_new, name="aim-new"),
    path("teams/<slug:slug>/aims/<int:pk>/", teams.aim_edit, name="aim-edit"),
    path("teams/<slug:slug>/<slug:measure_id>/chart.svg", teams.team_chart, name="team-chart"),
]
