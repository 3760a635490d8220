"""Publish a measure run into the hub, and withdraw it.

Everything slow (reading the folder, the policy's linear programmes, the monthly series
from the store) happens before the database is touched; then one transaction writes the
run, its suppressed rates and series, and sends :data:`~wellchild.hub.data.signals.
run_published` so the portal loads the run's member-level rows with it, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from wellchild.errors import WellchildError
from wellchild.hub.data import monthly, policy
from wellchild.hub.data.models import Rate, Run, RunMeasure, SeriesPoint, Team
from wellchild.hub.data.signals import run_published, run_withdrawn
from wellchild.measures.runfolder import BASELINE_COLUMNS, RunFolder

DEFAULT_MONTHS = 24


class LabelTaken(WellchildError):
    """Another run is published (or was, and is withdrawn) under the label asked for."""

    def __init__(self, message: str, *, label: str) -> None:
        super().__init__(
            message,
            hint=f'Choose another label, e.g. "{label} (2)", or withdraw that run first if '
            "this one replaces it.",
        )
        self.label = label


@dataclass
class Outcome:
    """What publishing did, for the command to report."""

    run: Run
    created: bool = False
    made_public: bool = False
    reinstated: bool = False
    outreach_loaded: bool = False
    notes: list[str] = field(default_factory=list)


def series_plan(folder: RunFolder, *, months: int) -> monthly.Plan:
    """Which monthly series a run gets: its measures, ``months`` months ending with its
    period, everyone, the counties and the practices that improvement teams follow."""
    settings = folder.info.get("settings") or {}
    practices = sorted(
        set(Team.objects.exclude(practice_id="").values_list("practice_id", flat=True))
    )
    return monthly.Plan(
        measures=folder.measure_ids,
        last=folder.period_end,
        months=months,
        telehealth=bool(settings.get("telehealth", True)),
        visit_spacing_days=int(settings.get("visit_spacing_days", 0)),
        practices=practices,
    )


def prepare_series(
    folder: RunFolder,
    *,
    db: Path,
    months: int,
    progress: Callable[[str], None] = lambda text: None,
) -> pd.DataFrame:
    """The run's monthly series with full counts, checked against its summary."""
    series = monthly.compute(db, series_plan(folder, months=months), progress=progress)
    if folder.as_of == folder.period_end:
        monthly.check_against_summary(series, folder.summary, db=db)
    return series


def publish_run(
    *,
    folder: RunFolder,
    label: str,
    public: bool,
    series: pd.DataFrame | None,
    outreach_dir: Path | None,
    db: Path | None,
    notes: list[str] | None = None,
) -> Outcome:
    """Load ``folder`` as a run named ``label``; idempotent on the run's fingerprint.

    ``series`` is :func:`prepare_series`'s table, or None to publish without monthly
    series. The same run published again adds nothing: a draft can be made public that
    way, and a withdrawn run is put back.
    """
    label = label.strip()
    if not label:
        raise WellchildError(
            "A run needs a label: the name the dashboards show.", hint='For example "MY2025".'
        )
    existing = Run.objects.filter(fingerprint=folder.fingerprint).first()
    if existing is not None:
        return _again(
            existing, label=label, public=public, folder=folder, outreach_dir=outreach_dir, db=db
        )
    taken = Run.objects.filter(label=label).first()
    if taken is not None:
        state = (
            f"withdrawn on {taken.withdrawn_at:%Y-%m-%d}"
            if taken.withdrawn_at
            else (f"published on {taken.published_at:%Y-%m-%d}")
        )
        raise LabelTaken(
            f"The label {label!r} belongs to another run ({state}, from {taken.source}). "
            "Nothing was published.",
            label=label,
        )
    shown = policy.public_summary(folder.summary)
    points = _suppressed_series(folder, shown, series)
    with transaction.atomic():
        run = Run.objects.create(
            label=label,
            slug=_slug(label),
            fingerprint=folder.fingerprint,
            year=folder.period_end.year,
            period_start=folder.period_start,
            period_end=folder.period_end,
            as_of=folder.as_of,
            baseline_year=folder.baseline_year,
            public=public,
            source=str(folder.path.resolve())[:500],
            details=_details(folder, series, notes or []),
        )
        measures = _store_rates(run, shown)
        _store_points(measures, points)
        _align_other_runs(run, folder, shown)
        loaded = run_published.send(
            sender=Run, run=run, run_dir=folder.path, outreach_dir=outreach_dir, db=db
        )
    return Outcome(run=run, created=True, notes=[*(notes or []), *_said(loaded)])


def _again(
    run: Run,
    *,
    label: str,
    public: bool,
    folder: RunFolder,
    outreach_dir: Path | None,
    db: Path | None,
) -> Outcome:
    outcome = Outcome(run=run)
    if run.label != label:
        outcome.notes.append(f"It keeps its label {run.label!r}; {label!r} was not used.")
    with transaction.atomic():
        if run.withdrawn_at is not None:
            run.withdrawn_at = None
            outcome.reinstated = True
        if public and not run.public:
            run.public = True
            outcome.made_public = True
        run.save(update_fields=["withdrawn_at", "public"])
        # Back from withdrawal, or live and given outreach folders now: the portal loads
        # the run again (replacing what it had of it), gap lists included.
        outcome.outreach_loaded = not outcome.reinstated and outreach_dir is not None
        if outcome.reinstated or outcome.outreach_loaded:
            loaded = run_published.send(
                sender=Run, run=run, run_dir=folder.path, outreach_dir=outreach_dir, db=db
            )
            outcome.notes.extend(_said(loaded))
    return outcome


def _said(responses: list[tuple[Any, Any]]) -> list[str]:
    """What the receivers of :data:`run_published` loaded, in their own words."""
    return [str(response) for _, response in responses if response is not None]


def find_run(label: str) -> Run | None:
    """The run published under ``label``: the exact label, else the one label that
    matches it without regard to case or spacing, or whose address (slug) it is."""
    label = label.strip()
    run = Run.objects.filter(label=label).first()
    if run is not None:
        return run
    squeezed = " ".join(label.split()).casefold()
    close = [
        r
        for r in Run.objects.all()
        if " ".join(r.label.split()).casefold() == squeezed or r.slug == label
    ]
    return close[0] if len(close) == 1 else None


def withdraw_run(*, label: str) -> Run:
    """Take a run off every page; the row stays, for the record."""
    run = find_run(label)
    if run is None:
        labels = list(Run.objects.filter(withdrawn_at__isnull=True).values_list("label", flat=True))
        raise WellchildError(
            f"No published run is labelled {label!r}.",
            hint="Published runs: " + (", ".join(repr(x) for x in labels) or "none") + ".",
        )
    if run.withdrawn_at is not None:
        raise WellchildError(
            f"The run {run.label!r} was already withdrawn on {run.withdrawn_at:%Y-%m-%d %H:%M}."
        )
    with transaction.atomic():
        run.withdrawn_at = timezone.now()
        run.save(update_fields=["withdrawn_at"])
        run_withdrawn.send(sender=Run, run=run)
    return run


def _slug(label: str) -> str:
    base = slugify(label)[:100] or "run"
    slug, n = base, 2
    while Run.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _details(folder: RunFolder, series: pd.DataFrame | None, notes: list[str]) -> dict[str, Any]:
    details = {k: v for k, v in folder.info.items() if k not in ("public",)}
    if series is not None and not series.empty:
        details["series"] = {
            "first_month": min(series["month"]).isoformat(),
            "last_month": max(series["month"]).isoformat(),
        }
    details["notes"] = notes
    return details


def _suppressed_series(
    folder: RunFolder, shown: pd.DataFrame, series: pd.DataFrame | None
) -> pd.DataFrame:
    if series is None or series.empty:
        return pd.DataFrame(columns=monthly.COLUMNS)
    points = policy.suppress_series(series)
    truth = points[["measure_id", "scope", "key", "month"]].merge(
        series, on=["measure_id", "scope", "key", "month"], how="left"
    )
    truth.index = points.index
    # this run's own period: the same children, whatever the counts shown
    points = policy.follow(
        points,
        shown,
        published_truth=folder.summary,
        same_children=folder.as_of == folder.period_end,
    )
    # and the periods of runs already published
    others = _published_rates(exclude=None)
    if not others.empty:
        points = policy.follow(points, others, point_truth=truth)
    policy.check_series(points, series)
    return points


def _published_rates(*, exclude: Run | None) -> pd.DataFrame:
    """The stored (suppressed) total, county and practice rows of every run in the hub."""
    rates = Rate.objects.filter(dimension__in=["total", "county", "practice"])
    if exclude is not None:
        rates = rates.exclude(measure__run=exclude)
    rows = list(
        rates.values(
            "measure__measure_id",
            "measure__period_start",
            "measure__period_end",
            "dimension",
            "group",
            "denominator",
            "numerator",
        )
    )
    frame = pd.DataFrame(rows).rename(
        columns={
            "measure__measure_id": "measure_id",
            "measure__period_start": "period_start",
            "measure__period_end": "period_end",
        }
    )
    for kind in ("denominator", "numerator"):
        if kind in frame:
            frame[kind] = frame[kind].astype("Int64")
    return frame


def _store_rates(run: Run, shown: pd.DataFrame) -> dict[str, RunMeasure]:
    measures: dict[str, RunMeasure] = {}
    rates = []
    for position, (measure_id, rows) in enumerate(shown.groupby("measure_id", sort=False)):
        first = rows.iloc[0]
        measure = RunMeasure.objects.create(
            run=run,
            measure_id=str(measure_id),
            name=str(first["measure_name"]),
            version=str(first["measure_version"]),
            period_start=first["period_start"],
            period_end=first["period_end"],
            position=position,
        )
        measures[str(measure_id)] = measure
        for order, row in enumerate(rows.to_dict("records")):
            rates.append(
                Rate(
                    measure=measure,
                    dimension=row["dimension"],
                    group=row["group"],
                    position=order,
                    denominator=_int(row["denominator"]),
                    numerator=_int(row["numerator"]),
                    rate=_float(row["rate"]),
                    ci_low=_float(row["ci_low"]),
                    ci_high=_float(row["ci_high"]),
                    small_denominator=_bool(row["small_denominator"]),
                    suppressed=_text(row.get("suppressed")),
                    reference_group=_text(row.get("reference_group")),
                    difference=_float(row["difference"]),
                    ratio=_float(row["ratio"]),
                    **{
                        c: (_bool if c == "disparity_aim_met" else _float)(row.get(c))
                        for c in BASELINE_COLUMNS
                        if c not in ("baseline_denominator", "baseline_numerator")
                    },
                )
            )
    Rate.objects.bulk_create(rates, batch_size=500)
    return measures


def _store_points(measures: dict[str, RunMeasure], points: pd.DataFrame) -> None:
    SeriesPoint.objects.bulk_create(
        [
            SeriesPoint(
                measure=measures[row["measure_id"]],
                scope=row["scope"],
                key=row["key"],
                month=row["month"],
                window_start=row["window_start"],
                window_end=row["window_end"],
                denominator=_int(row["denominator"]),
                numerator=_int(row["numerator"]),
            )
            for row in points.to_dict("records")
            if row["measure_id"] in measures
        ],
        batch_size=500,
    )


def _align_other_runs(run: Run, folder: RunFolder, shown: pd.DataFrame) -> None:
    """Months of runs published earlier whose window is this run's period now show what
    this summary shows (see :func:`policy.follow`)."""
    periods = {
        (m, r["period_start"].iloc[0], r["period_end"].iloc[0])
        for m, r in shown.groupby("measure_id")
    }
    found = []
    for measure_id, start, end in periods:
        found += list(
            SeriesPoint.objects.filter(
                measure__measure_id=measure_id, window_start=start, window_end=end
            )
            .exclude(measure__run=run)
            .select_related("measure")
        )
    if not found:
        return
    points = pd.DataFrame(
        [
            {
                "measure_id": p.measure.measure_id,
                "scope": p.scope,
                "key": p.key,
                "window_start": p.window_start,
                "window_end": p.window_end,
                "denominator": p.denominator,
                "numerator": p.numerator,
            }
            for p in found
        ]
    )
    for kind in ("denominator", "numerator"):
        points[kind] = points[kind].astype("Int64")
    aligned = policy.follow(points, shown, published_truth=folder.summary)
    changed = []
    for point, row in zip(found, aligned.to_dict("records"), strict=True):
        new = (_int(row["denominator"]), _int(row["numerator"]))
        if new != (point.denominator, point.numerator):
            point.denominator, point.numerator = new
            changed.append(point)
    SeriesPoint.objects.bulk_update(changed, ["denominator", "numerator"])


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or value != value


def _int(value: object) -> int | None:
    return None if _missing(value) else int(float(str(value)))


def _float(value: object) -> float | None:
    return None if _missing(value) else float(str(value))


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _bool(value: object) -> bool | None:
    return None if _missing(value) else bool(value)
