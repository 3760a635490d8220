"""The demo's interoperability step: one FHIR round trip and one linkage run.

FHIR in and out: Synthea's sample bundles (from the shared sample data beside the
repository, when it is there) are ingested into the six contract files, loaded, measured
and exported again as FHIR MeasureReports and gaps-in-care bundles. Linkage: a small
synthetic population written as separate medical and dental sources without a shared id
is linked, and the crosswalk is scored against the generator's truth.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

SAMPLE = Path("shared") / "data" / "synthea-r4-bundles"
LINKAGE_CHILDREN = 3_000
LINKAGE_SEED = 5


def find_sample(start: Path) -> Path | None:
    """The shared Synthea sample beside the repository (``../shared``), if present."""
    for folder in (start, *start.parents):
        candidate = folder.parent / SAMPLE
        if candidate.is_dir():
            return candidate
    return None


def run(out: Path, year: int, console: Console) -> dict[str, Path]:
    """Run both and return the paths worth opening."""
    paths = _round_trip(out / "fhir", console)
    paths.update(_linkage(out / "linkage", year, console))
    return paths


def _round_trip(out: Path, console: Console) -> dict[str, Path]:
    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.engines.duckdb_load import load_folder
    from wellchild.fhir.export import export
    from wellchild.ingest.fhir import ingest
    from wellchild.measures.context import Period
    from wellchild.measures.run import run_measures

    sample = find_sample(Path.cwd())
    if sample is None:
        console.print(f"No FHIR sample here (looked for ../{SAMPLE}); skipping the round trip.")
        return {}
    ingested = ingest(sample, out / "input")
    rows = ", ".join(f"{name} {count:,}" for name, count in ingested.account.rows.items())
    console.print(f"FHIR in: {sample.name} → the six files ({rows})")
    db = out / "sample.duckdb"
    load_folder(ingested.out, db)
    engine = DuckDBEngine.open(db)
    try:
        claims = engine.inputs().medical_claim
        last = (
            engine.to_arrow(claims.aggregate(last=claims.service_date.max()))
            .column("last")[0]
            .as_py()
        )
        year = (last or dt.date.today()).year
        run = run_measures(engine, Period.for_year(year), out=out / f"measures-{year}")
    finally:
        engine.close()
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    counts = export(run.out, out / "export", generated=generated)
    console.print(
        f"FHIR out: {counts['summary']} summary and {counts['subject-list']} subject-list "
        f"MeasureReports, {counts['gaps']} gaps-in-care bundles (measurement year {year})"
    )
    return {"FHIR MeasureReports": out / "export" / "measure-reports"}


def _linkage(out: Path, year: int, console: Console) -> dict[str, Path]:
    from wellchild.linkage.link import link
    from wellchild.synth import generate

    sources = out / "sources"
    generate(sources, children=LINKAGE_CHILDREN, seed=LINKAGE_SEED, year=year, separate_ids=True)
    result = link(
        sources / "medical", sources / "dental", out / "result", truth=sources / "truth.csv"
    )
    scores = result.scores
    if scores is not None:
        console.print(
            f"Linkage of {result.medical:,} medical and {result.dental:,} dental members "
            f"without a shared id: precision {scores.precision:.3f}, recall "
            f"{scores.recall:.3f}, F1 {scores.f1:.3f}; {result.review:,} pairs to review."
        )
    return {"Linkage crosswalk": result.files.get("crosswalk", out / "result")}
