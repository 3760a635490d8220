"""The demo's interoperability step: one FHIR round trip and one linkage run.

FHIR in and out: the Synthea bundles shipped in ``wellchild/fhir/sample`` (four children
and the practitioners and organizations they saw) are ingested into the six contract
files, loaded, measured for the last complete year of the data, and exported again as
FHIR MeasureReports and a gaps-in-care bundle per child. The bundles carry no Coverage
with a period, so enrollment is derived from the claims, and the demo says so. Linkage:
a small synthetic population written as separate medical and dental sources without a
shared id is linked, and the crosswalk is scored against the generator's truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pandas as pd
from rich.console import Console

from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.fhir.export import export
from wellchild.ingest.fhir import ingest
from wellchild.linkage.link import link
from wellchild.measures.context import Period
from wellchild.measures.run import run_measures
from wellchild.measures.runfolder import read_long
from wellchild.synth import generate

LINKAGE_CHILDREN = 3_000
LINKAGE_SEED = 5
ENROLLMENT_FROM_CLAIMS = "to-end"


@contextmanager
def sample() -> Iterator[Path]:
    """The shipped Synthea sample as a folder on disk."""
    with resources.as_file(resources.files(__package__).joinpath("sample")) as folder:
        yield folder


def run(out: Path, year: int, console: Console) -> dict[str, Path]:
    """Run both and return the paths worth opening."""
    paths = _round_trip(out / "fhir", console)
    paths.update(_linkage(out / "linkage", year, console))
    return paths


def last_complete_year(last: dt.date) -> int:
    """The latest calendar year the data covers to its end.

    >>> last_complete_year(dt.date(2020, 4, 29)), last_complete_year(dt.date(2020, 12, 31))
    (2019, 2020)
    """
    return last.year if (last.month, last.day) == (12, 31) else last.year - 1


def _round_trip(out: Path, console: Console) -> dict[str, Path]:
    with sample() as folder:
        ingested = ingest(folder, out / "input", enrollment_from_claims=ENROLLMENT_FROM_CLAIMS)
    rows = ", ".join(f"{name} {count:,}" for name, count in ingested.account.rows.items())
    console.print(f"FHIR in: Synthea sample bundles → the six files ({rows})")
    console.print(
        f"  No Coverage with a period in these bundles: enrollment derived from the claims "
        f"(--enrollment-from-claims {ENROLLMENT_FROM_CLAIMS}); "
        f"{len(ingested.account.stand_ins)} providers with a broken NPI kept under stand-ins."
    )
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
        year = last_complete_year(last or dt.date.today())
        run = run_measures(engine, Period.for_year(year), out=out / f"measures-{year}")
    finally:
        engine.close()
    long = read_long(run.out)
    for line in rate_lines(long):
        console.print(f"  {line}")
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    counts = export(run.out, out / "export", generated=generated)
    console.print(
        f"FHIR out: {counts['summary']} summary and {counts['subject-list']} subject-list "
        f"MeasureReports, {counts['gaps']} gaps-in-care bundles ({counts['open']} open "
        f"gaps) for measurement year {year}"
    )
    return {
        "FHIR MeasureReports": out / "export" / "measure-reports",
        "FHIR gaps-in-care bundles": out / "export" / "gaps",
    }


def rate_lines(long: pd.DataFrame) -> list[str]:
    """``wcv: 1 of 4 (25.0%)`` for every measure with a denominator."""
    counted = long[long["in_denominator"].astype(bool) & ~long["excluded"].astype(bool)]
    lines = []
    for measure, rows in counted.groupby("measure_id", sort=True):
        met, total = int(rows["met"].astype(bool).sum()), len(rows)
        lines.append(f"{measure}: {met} of {total} ({met / total:.1%})")
    return lines


def _linkage(out: Path, year: int, console: Console) -> dict[str, Path]:
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
