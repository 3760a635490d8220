"""The demo's interoperability step: one FHIR round trip and one linkage run.

FHIR in and out: three of Synthea's synthetic patient bundles, shipped with the package
(``sample/``, with their source and licence), are ingested into the six contract files,
loaded, measured and exported again as FHIR MeasureReports and gaps-in-care bundles.
Linkage: a small synthetic population written as separate medical and dental sources
without a shared id is linked, and the crosswalk is scored against the generator's truth.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

#: Synthea R4 bundles of three children and the practitioners they saw (see its README).
SAMPLE = Path(__file__).resolve().parent / "sample"
LINKAGE_CHILDREN = 3_000
LINKAGE_SEED = 5


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

    ingested = ingest(SAMPLE, out / "input")
    rows = ", ".join(f"{name} {count:,}" for name, count in ingested.account.rows.items())
    console.print(f"FHIR in: Synthea's sample bundles → the six files ({rows})")
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
