"""Run measures on an engine and write ``measure_long.parquet`` and ``summary.csv``
(with ``public=True``: only the suppressed ``summary.csv`` and ``run.json``).

The Python API behind ``wellchild measure``::

    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.measures.context import Period, Settings
    from wellchild.measures.run import run_measures

    engine = DuckDBEngine.open(Path("wellchild.duckdb"))
    result = run_measures(engine, Period.for_year(2024), out=Path("out"))
    result.summary  # a pandas DataFrame, one row per measure and stratum
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis.expr.types as ir
import pandas as pd
import pyarrow.parquet as pq

from wellchild import __version__
from wellchild.engines.base import Engine
from wellchild.errors import WellchildError
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import LONG_COLUMNS, denominators, every_child
from wellchild.measures.registry import Measure, all_measures
from wellchild.measures.runfolder import LONG, RUN_JSON, SUMMARY
from wellchild.measures.summary import (
    DIMENSIONS,
    practice_rows,
    statistics,
    strata_counts,
    strata_rows,
    with_baseline,
)
from wellchild.measures.suppression import publish

NOT_HEDIS = (
    "Quality-improvement versions of the published measures, following the specification "
    "versions named per measure: not audited HEDIS rates."
)


@dataclass(frozen=True)
class MeasureRun:
    """A finished run: where its files are, and the summary itself."""

    out: Path
    long_path: Path | None  # None for a public run, which writes no member-level file
    summary_path: Path
    rows: int
    seconds: float
    summary: pd.DataFrame
    measures: tuple[str, ...] = field(default_factory=tuple)


def counts(
    engine: Engine, ctx: Context, measures: Sequence[Measure]
) -> tuple[ir.Table, pd.DataFrame]:
    """What the measures decided about the children in their denominators (cached, with
    window ends) and the strata counts of the period. Only the denominators are kept:
    the long table's other rows are written straight from the member table
    (:func:`every_child`)."""
    den = engine.cache(denominators(ctx, measures))
    rows = strata_rows(den, ctx.inputs.member, ctx.inputs.enrollment)
    strata = strata_counts(rows, DIMENSIONS, apart={"practice": practice_rows(den)})
    table = engine.to_arrow(strata).to_pandas()
    return den, _ordered(table, measures)


def _batches(engine: Engine, measures: Sequence[Measure]) -> list[Sequence[Measure]]:
    """All measures in one plan, or one plan per measure where the engine asks for it."""
    return [[m] for m in measures] if engine.one_measure_at_a_time else [measures]


def strata_table(engine: Engine, ctx: Context, measures: Sequence[Measure]) -> pd.DataFrame:
    """The strata counts of a period, without writing a long table (for a baseline)."""
    tables = []
    for batch in _batches(engine, measures):
        _, table = counts(engine, ctx, batch)
        engine.release()
        tables.append(table)
    return _ordered(pd.concat(tables, ignore_index=True), measures)


def write_long(
    engine: Engine, ctx: Context, measures: Sequence[Measure], path: Path
) -> tuple[int, pd.DataFrame]:
    """Write the long table of ``measures`` to ``path`` and return its row count and the
    strata counts.

    The rows are in no particular order (readers filter by measure and child): putting
    fifty million rows in order took a quarter of a run at five million children."""
    batches = _batches(engine, measures)
    if len(batches) == 1:
        den, table = counts(engine, ctx, measures)
        rows = engine.write_parquet(every_child(ctx, den, measures).select(*LONG_COLUMNS), path)
        engine.release()
        return rows, table
    tables = []
    with tempfile.TemporaryDirectory(prefix=".long-", dir=path.parent) as work:
        parts = []
        for i, batch in enumerate(batches):
            den, table = counts(engine, ctx, batch)
            part = Path(work) / f"{i:03d}.parquet"
            engine.write_parquet(every_child(ctx, den, batch).select(*LONG_COLUMNS), part)
            engine.release()
            parts.append(part)
            tables.append(table)
        rows = _concatenate(parts, path)
    return rows, _ordered(pd.concat(tables, ignore_index=True), measures)


def _concatenate(parts: Sequence[Path], path: Path) -> int:
    """One Parquet file of the parts' rows, streamed a row group at a time."""
    rows = 0
    with pq.ParquetWriter(path, pq.read_schema(parts[0]), compression="zstd") as writer:
        for part in parts:
            source = pq.ParquetFile(part)
            for group in range(source.num_row_groups):
                chunk = source.read_row_group(group)
                writer.write_table(chunk)
                rows += chunk.num_rows
    return rows


def _ordered(table: pd.DataFrame, measures: Sequence[Measure]) -> pd.DataFrame:
    rank = {m.id: i for i, m in enumerate(measures)}
    dims = {d: i for i, d in enumerate(("total", *DIMENSIONS))}
    table = table.assign(
        _m=table["measure_id"].map(rank), _d=table["dimension"].map(dims)
    ).sort_values(["_m", "_d", "group"])
    return table.drop(columns=["_m", "_d"]).reset_index(drop=True)


def run_measures(
    engine: Engine,
    period: Period,
    *,
    out: Path,
    settings: Settings | None = None,
    measures: Sequence[Measure] | None = None,
    baseline: Period | None = None,
    aims: Mapping[str, float] | None = None,
    references: Mapping[str, str] | None = None,
    public: bool = False,
) -> MeasureRun:
    """Evaluate ``measures`` (all by default) for ``period`` and write the run to ``out``.

    A ``public`` run writes only what may be published: ``summary.csv`` through the
    small-cell policy and its attack (:func:`~wellchild.measures.suppression.publish`,
    which refuses a table that would give a count away) and ``run.json``; no long
    table, and never into a folder that already holds one."""
    started = time.perf_counter()
    settings = settings or Settings.from_config()
    chosen = tuple(measures or all_measures())
    ctx = Context(engine.inputs(), period, settings, cache=engine.cache)
    long_path: Path | None = out / LONG
    if public:
        _check_public_folder(out)
        long_path, rows = None, 0
        table = strata_table(engine, ctx, chosen)
        out.mkdir(parents=True, exist_ok=True)
    else:
        out.mkdir(parents=True, exist_ok=True)
        rows, table = write_long(engine, ctx, chosen, out / LONG)

    stats = statistics(table, references=references)
    if baseline is not None:
        base_ctx = Context(engine.inputs(), baseline, settings, cache=engine.cache)
        base_table = strata_table(engine, base_ctx, chosen)
        stats = with_baseline(
            stats, statistics(base_table, references=references), _aims(chosen, aims)
        )
    names = {m.id: m for m in chosen}
    stats.insert(1, "measure_name", stats["measure_id"].map(lambda i: names[i].name))
    stats.insert(2, "measure_version", stats["measure_id"].map(lambda i: names[i].version))
    bounds = {m.id: m.period(period) for m in chosen}
    stats.insert(3, "period_start", stats["measure_id"].map(lambda i: bounds[i][0]))
    stats.insert(4, "period_end", stats["measure_id"].map(lambda i: bounds[i][1]))
    summary = publish(stats) if public else stats
    summary_path = out / SUMMARY
    summary.to_csv(summary_path, index=False, float_format="%.6g")
    (out / RUN_JSON).write_text(
        json.dumps(
            {
                "wellchild": __version__,
                "engine": engine.name,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "as_of": period.as_of.isoformat(),
                "program_start": period.program_start.isoformat(),
                "baseline_year": baseline.year if baseline else None,
                "settings": {
                    "telehealth": settings.telehealth,
                    "visit_spacing_days": settings.visit_spacing_days,
                },
                "measures": {m.id: m.version for m in chosen},
                "public": public,
                "note": NOT_HEDIS,
            },
            indent=2,
        )
        + "\n"
    )
    return MeasureRun(
        out=out,
        long_path=long_path,
        summary_path=summary_path,
        rows=rows,
        seconds=time.perf_counter() - started,
        summary=summary,
        measures=tuple(m.id for m in chosen),
    )


def _check_public_folder(out: Path) -> None:
    """A public run's folder must be publishable as a whole: nothing member-level in it."""
    if (out / LONG).exists():
        raise WellchildError(
            f"{out} holds {LONG}, one row per child: public output goes to a folder with "
            "nothing member-level in it, so that the whole folder can be published.",
            hint="Give --public its own --out folder (e.g. --out measures-2024-public).",
        )


def _aims(measures: Sequence[Measure], overrides: Mapping[str, float] | None) -> dict[str, float]:
    aims = {m.id: float(m.spec["aim_points"]) for m in measures if "aim_points" in m.spec}
    aims.update({k: float(v) for k, v in (overrides or {}).items()})
    return aims
