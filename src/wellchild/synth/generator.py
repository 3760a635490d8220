"""``generate``: write a seeded synthetic Medi-Cal child population as the six input files.

Children are made in chunks of :data:`CHUNK` with their own random stream
(``SeedSequence(seed, spawn_key=(2, k))`` for chunk ``k``), so the files depend only on
the arguments, never on memory or timing, and a million children stream through in
bounded memory. Practices and providers are drawn once for the whole population.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa

from wellchild.errors import WellchildError
from wellchild.synth.assignment import Choosers, assignment_table, choose_homes
from wellchild.synth.dates import HISTORY_YEARS, Window
from wellchild.synth.dental import DentalVocabulary, dental_lines, dental_table, dental_visits
from wellchild.synth.enrollment import enrollment_table, make_coverage
from wellchild.synth.ids import MAX_MEMBERS, MemberIds
from wellchild.synth.medical import MedicalVocabulary, medical_lines, medical_table
from wellchild.synth.population import make_children, member_table
from wellchild.synth.providers import Directory, build_directory, provider_table
from wellchild.synth.region import Region
from wellchild.synth.sources import SourceSink, dental_id, source_tables
from wellchild.synth.visits import Visits, lab_visits, other_visits, well_visits
from wellchild.synth.writer import Format, Sink

CHUNK = 10_000  # children per chunk; part of the seed's meaning, so never change it lightly
CLAIMS_PER_CHUNK = 10_000_000  # claim numbers reserved per chunk (10-digit running number)
FIRST_YEAR = 2012
Progress = Callable[[int], None]


@dataclass(frozen=True)
class SynthResult:
    """What :func:`generate` wrote: the folder, the file and row count of each table."""

    out: Path
    files: dict[str, Path]
    rows: dict[str, int]
    children: int
    seed: int
    year: int
    fmt: Format = "csv"
    seconds: float = field(default=0.0, compare=False)


def _check(out: Path, children: int, seed: int, year: int, fmt: str, today: dt.date) -> None:
    if isinstance(children, bool) or not isinstance(children, int) or children < 1:
        raise WellchildError(
            f"The number of children must be a whole number of at least 1; got {children!r}.",
            hint="Use --children 20000 for a population whose rates are worth reading.",
        )
    if children > MAX_MEMBERS:
        raise WellchildError(
            f"At most {MAX_MEMBERS:,} children can be generated; got {children:,}.",
            hint="Generate several folders with different seeds for more.",
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise WellchildError(
            f"The seed must be a whole number of at least 0; got {seed!r}.",
            hint="Any number works, e.g. --seed 7; the same seed gives the same files.",
        )
    last = today.year - 1
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        when = "has not ended yet" if isinstance(year, int) and year > last else "is too early"
        raise WellchildError(
            f"The measurement year {year!r} {when}: it must lie between {FIRST_YEAR} and {last}.",
            hint=f"The data cover {HISTORY_YEARS + 1} years up to 31 December of the year and must "
            f"not hold future dates; use --year {last} for the latest complete year.",
        )
    if fmt not in ("csv", "parquet"):
        raise WellchildError(
            f"The format must be csv or parquet; got {fmt!r}.",
            hint="Use --format csv or --format parquet.",
        )
    if out.exists() and not out.is_dir():
        raise WellchildError(
            f"{out} is a file, not a folder.", hint="Pass the folder to write the six files to."
        )


def _check_parts(parts: int, fmt: str) -> None:
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
        raise WellchildError(
            f"The number of parts must be a whole number of at least 1; got {parts!r}.",
            hint="Use --parts 1 for one file per table, --parts 8 for eight.",
        )
    if parts > 1 and fmt != "parquet":
        raise WellchildError(
            f"--parts {parts} writes Parquet parts; the format asked for is {fmt}.",
            hint="Add --format parquet.",
        )


def generate(
    out: Path,
    *,
    children: int,
    seed: int,
    year: int,
    fmt: Literal["csv", "parquet"] = "csv",
    separate_ids: bool = False,
    progress: Progress | None = None,
    parts: int = 1,
) -> SynthResult:
    """Write a synthetic Medi-Cal child population to ``out`` as the six input files.

    Parameters
    ----------
    out
        Folder to write to; created if missing. The six files are replaced if present
        (and files of the other format for the same tables are removed).
    children
        How many children (aged 0-20 on 31 December of ``year``).
    seed
        Random seed: the same arguments always give byte-identical files.
    year
        Measurement year; claims and enrollment run from 1 January of ``year - 4`` to
        31 December of ``year``. It must have ended.
    fmt
        ``csv`` or ``parquet``.
    separate_ids
        Also write a medical and a dental member file with different ids and noisy
        identifying fields (``medical/member``, ``dental/member``) and the truth that
        pairs them (``truth``); see :mod:`wellchild.synth.sources`.
    progress
        Called with the number of children finished since the last call.
    parts
        With more than 1 (Parquet only), each table is a folder ``<table>.parquet/`` of
        that many files, each with whole children (and their claims), for a cluster to
        read in parallel; 1 writes one file per table.

    Returns
    -------
    SynthResult
        The folder, the path and row count of each table.

    Raises
    ------
    WellchildError
        When an argument cannot be used (the message says which and why).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = generate(Path(tmp), children=50, seed=1, year=2023)
    >>> result.rows["member"], sorted(result.files)[:2]
    (50, ['dental_claim', 'enrollment'])
    """
    started = time.perf_counter()
    out = Path(out).expanduser()
    _check(out, children, seed, year, fmt, dt.date.today())
    _check_parts(parts, fmt)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WellchildError(
            f"The folder {out} cannot be created: {exc.strerror}.",
            hint="Check the path and that you may write there.",
        ) from None
    region = Region.load()
    window = Window(year)
    directory = build_directory(_rng(seed, 0), children, region)
    member_ids = MemberIds(_rng(seed, 1))
    chunk = _ChunkMaker(window, region, directory, member_ids)
    dental_numbers = MemberIds(_rng(seed, 4))
    sources = SourceSink(out, fmt) if separate_ids else None
    try:
        with Sink(out, fmt, parts) as sink, sources or contextlib.nullcontext():
            providers = provider_table(directory, region)
            for part in range(parts):  # the providers in even slices
                first, last = (len(providers) * p // parts for p in (part, part + 1))
                sink.put("provider", providers.slice(first, last - first), part)
            chunks = -(-children // CHUNK)
            for k, first in enumerate(range(0, children, CHUNK)):
                running = np.arange(first, min(first + CHUNK, children), dtype=np.int64)
                tables = chunk.make(_rng(seed, 2, k), running, k)
                for name, table in tables.items():
                    sink.put(name, table, k * parts // chunks)
                if sources is not None:
                    ids = dental_id(dental_numbers.numbers(running))
                    sources.put(source_tables(_rng(seed, 3, k), tables["member"], ids, region))
                if progress is not None:
                    progress(len(running))
    except OSError as exc:
        raise WellchildError(
            f"Writing to {out} failed: {exc.strerror or exc}.",
            hint="Check free disk space and that you may write there.",
        ) from None
    files, rows = dict(sink.final), sink.rows
    if sources is not None:
        files |= sources.final
        rows |= sources.rows
    return SynthResult(
        out=out,
        files=files,
        rows=rows,
        children=children,
        seed=seed,
        year=year,
        fmt=fmt,
        seconds=time.perf_counter() - started,
    )


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


class _ChunkMaker:
    """Makes the rows of every table for one chunk of children."""

    def __init__(self, window: Window, region: Region, d: Directory, member_ids: MemberIds) -> None:
        self.window = window
        self.region = region
        self.d = d
        self.member_ids = member_ids
        self.choosers = Choosers.build(d, region)
        self.medical = MedicalVocabulary(d)
        self.dental = DentalVocabulary(d)

    def make(self, rng: np.random.Generator, running: np.ndarray, k: int) -> dict[str, pa.Table]:
        c = make_children(rng, running, self.window, self.region, self.member_ids)
        coverage = make_coverage(rng, c, self.window)
        homes = choose_homes(rng, c, coverage, self.d, self.choosers)
        well = well_visits(rng, c, coverage, homes, self.d)
        visits = Visits.concat(
            [
                well,
                other_visits(rng, c, coverage, homes, self.d),
                lab_visits(rng, c, well, coverage, self.d),
            ]
        )
        lines = medical_lines(rng, visits, c, self.d)
        teeth = dental_visits(rng, c, coverage, homes, self.d, well)
        dental = dental_lines(rng, teeth, c, self.d, coverage.dmc)
        for name, claims in (("medical", lines), ("dental", dental)):
            if len(claims["claim"]) and int(claims["claim"].max()) >= CLAIMS_PER_CHUNK:
                raise AssertionError(f"too many {name} claims in one chunk")
        base = k * CLAIMS_PER_CHUNK
        return {
            "member": member_table(c, self.region),
            "enrollment": enrollment_table(c, coverage),
            "pcp_assignment": assignment_table(c, coverage, homes, self.d),
            "medical_claim": medical_table(lines, c.ids, base, self.medical),
            "dental_claim": dental_table(dental, c.ids, base, self.dental),
        }
