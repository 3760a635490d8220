"""Two source systems for the same children, without a shared id (``--separate-ids``).

Outside Medi-Cal the medical plan and the dental plan each keep their own member file,
typed by different clerks from different forms. This module turns the clean ``member``
rows of a chunk into a *medical* and a *dental* member file whose ids differ and whose
identifying fields carry the mistakes such files have — typos, nicknames, day and month
swapped, moved families, missing values — at the rates of
:data:`wellchild.synth.rates.MEDICAL_SOURCE` and :data:`~wellchild.synth.rates.DENTAL_SOURCE`,
plus the truth (which medical id is which dental id) to score a linkage against.

The noise has its own random streams, so the six contract files are the same bytes with
or without it. Edits touch only the few rows drawn for them; every draw is made for every
row, so one rate never shifts another field's draws.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wellchild.synth import rates
from wellchild.synth.columns import Ints
from wellchild.synth.rates import SourceNoise
from wellchild.synth.region import Region
from wellchild.synth.writer import SUFFIX, Format

SOURCES = ("medical", "dental")
SOURCE_SCHEMA = pa.schema(
    [
        ("member_id", pa.string()),
        ("first_name", pa.string()),
        ("last_name", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("address", pa.string()),
        ("zip", pa.string()),
        ("guardian_name", pa.string()),
    ]
)
TRUTH_SCHEMA = pa.schema([("medical_id", pa.string()), ("dental_id", pa.string())])
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_UNIT = re.compile(r" Apt \d+$")
Mask = npt.NDArray[np.bool_]


@cache
def nicknames() -> dict[str, str]:
    """Given name -> its common nickname, from ``wellchild/linkage/nicknames.csv``."""
    text = resources.files("wellchild.linkage").joinpath("nicknames.csv").read_text("utf-8")
    return {row["name"]: row["nickname"] for row in csv.DictReader(text.splitlines())}


def dental_id(numbers: Ints) -> list[str]:
    """The dental plan's own ids: ``D`` and eight digits, unrelated to the CIN."""
    return [f"D{n:08d}" for n in numbers.tolist()]


def typo(text: str, u: npt.NDArray[np.float64]) -> str:
    """One keying slip in ``text``, chosen by three uniforms: a letter substituted,
    dropped, doubled, or two neighbours swapped.

    Examples
    --------
    >>> typo("Garcia", np.array([0.0, 0.5, 0.0]))
    'Garaia'
    """
    if len(text) < 3:
        return text
    kind = int(u[0] * 4)
    at = min(int(u[1] * len(text)), len(text) - 2)
    letter = _LETTERS[int(u[2] * 26)]
    if text[at].isupper():
        letter = letter.upper()
    if kind == 0:
        return text[:at] + letter + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at + 1 :]
    if kind == 2:
        return text[:at] + text[at] + text[at:]
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _edit(values: list[str | None], mask: Mask, change: Callable[[str, int], str | None]) -> None:
    for i in np.flatnonzero(mask).tolist():
        value = values[i]
        if value is not None:
            values[i] = change(value, i)


def _text_noise(
    rng: np.random.Generator, values: list[str | None], typo_rate: float, missing: float
) -> None:
    n = len(values)
    slip, where, gone = rng.random(n) < typo_rate, rng.random((n, 3)), rng.random(n) < missing
    _edit(values, slip, lambda v, i: typo(v, where[i]))
    _edit(values, gone, lambda v, i: None)


def _birth(rng: np.random.Generator, birth: Ints, noise: SourceNoise) -> pa.Array:
    n = len(birth)
    day = birth.astype("datetime64[D]")
    month_start = day.astype("datetime64[M]")
    year = day.astype("datetime64[Y]")
    d = (day - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    m = (month_start - year.astype("datetime64[M]")).astype(np.int64) + 1
    swap = (rng.random(n) < noise.birth_swap) & (d <= 12) & (d != m)
    swapped = (year.astype("datetime64[M]") + (d - 1)).astype("datetime64[D]") + (m - 1)
    out = np.where(swap, swapped.astype(np.int64), birth)
    slip = rng.random(n) < noise.birth_typo
    out = np.where(slip, out + rng.choice(np.array([-1, 1]), n), out)
    missing = rng.random(n) < noise.birth_missing
    return pa.array(out.astype(np.int32), type=pa.int32(), mask=missing).view(pa.date32())


def _new_address(rng: np.random.Generator, county: str, region: Region) -> tuple[str, str]:
    streets = region.people.streets[county]
    house = int(np.exp(rng.uniform(np.log(100), np.log(19_999))))
    address = f"{house} {streets[int(rng.integers(len(streets)))]}"
    if rng.random() < rates.APARTMENT:
        address += f" Apt {int(rng.integers(1, 60))}"
    zips = region.zips_of(rates.COUNTIES.index(county))
    return address, str(region.zip_text[int(zips[int(rng.integers(len(zips)))])])


def _home(
    rng: np.random.Generator, member: pa.Table, noise: SourceNoise, region: Region
) -> tuple[list[str | None], list[str | None]]:
    address: list[str | None] = member["address"].to_pylist()
    zips: list[str | None] = member["zip"].cast(pa.string()).to_pylist()
    county: list[str] = member["county_fips"].cast(pa.string()).to_pylist()
    n = len(address)
    moved = np.flatnonzero(rng.random(n) < noise.moved).tolist()
    for i in moved:
        address[i], zips[i] = _new_address(rng, county[i], region)
    dropped = rng.random(n) < noise.unit_dropped
    _edit(address, dropped, lambda v, i: _UNIT.sub("", v))
    _text_noise(rng, address, noise.address_typo, noise.address_missing)
    digit = rng.integers(1, 10, n)
    slip = rng.random(n) < noise.zip_typo
    _edit(zips, slip, lambda v, i: v[:-1] + str((int(v[-1]) + int(digit[i])) % 10))
    return address, zips


def _names(
    rng: np.random.Generator, member: pa.Table, noise: SourceNoise
) -> dict[str, list[str | None]]:
    n = member.num_rows
    first: list[str | None] = member["first_name"].to_pylist()
    short = nicknames()
    nick = rng.random(n) < noise.nickname
    _edit(first, nick, lambda v, i: short.get(v, v))
    _text_noise(rng, first, noise.first_typo, noise.first_missing)
    last: list[str | None] = member["last_name"].to_pylist()
    _text_noise(rng, last, noise.last_typo, noise.last_missing)
    guardian: list[str | None] = member["guardian_name"].to_pylist()
    other = rng.random(n) < noise.guardian_other
    donor = rng.permutation(n)
    original = list(guardian)
    _edit(guardian, other, lambda v, i: original[int(donor[i])])
    _text_noise(rng, guardian, noise.guardian_typo, noise.guardian_missing)
    return {"first_name": first, "last_name": last, "guardian_name": guardian}


def noisy_source(
    rng: np.random.Generator,
    member: pa.Table,
    ids: list[str],
    noise: SourceNoise,
    region: Region,
) -> tuple[Mask, pa.Table]:
    """One source's rows for a chunk's ``member`` rows: which children it holds, and
    their identifying fields as that source recorded them, under ``ids``."""
    n = member.num_rows
    present = rng.random(n) < noise.present
    names = _names(rng, member, noise)
    birth = _birth(rng, member["birth_date"].cast(pa.int32()).to_numpy().astype(np.int64), noise)
    sex: list[str | None] = member["sex"].cast(pa.string()).to_pylist()
    _edit(sex, rng.random(n) < noise.sex_unknown, lambda v, i: "U")
    address, zips = _home(rng, member, noise, region)
    upper = rng.random(n) < noise.upper_case
    for values in (names["first_name"], names["last_name"], names["guardian_name"], address):
        _edit(values, upper, lambda v, i: v.upper())
    columns = {
        "member_id": ids,
        **names,
        "birth_date": birth,
        "sex": sex,
        "address": address,
        "zip": zips,
    }
    table = pa.table([columns[f.name] for f in SOURCE_SCHEMA], schema=SOURCE_SCHEMA)
    return present, table.filter(pa.array(present))


def source_tables(
    rng: np.random.Generator, member: pa.Table, dental_ids: list[str], region: Region
) -> dict[str, pa.Table]:
    """The medical and dental rows of one chunk and its truth pairs.

    The medical source keeps the CIN (``member_id``), so its ids join the six files;
    the dental source has its own ids and lists its rows in another order.
    """
    cin: list[str] = member["member_id"].to_pylist()
    in_medical, medical = noisy_source(rng, member, cin, rates.MEDICAL_SOURCE, region)
    in_dental, dental = noisy_source(rng, member, dental_ids, rates.DENTAL_SOURCE, region)
    dental = dental.take(pa.array(rng.permutation(dental.num_rows)))
    both = pa.array(in_medical & in_dental)
    truth = pa.table(
        [pa.array(cin).filter(both), pa.array(dental_ids).filter(both)], schema=TRUTH_SCHEMA
    )
    return {"medical": medical, "dental": dental, "truth": truth}


class SourceSink:
    """Writes ``OUT/medical/member``, ``OUT/dental/member`` and ``OUT/truth`` chunk by
    chunk under temporary names, renamed into place only when all are complete."""

    def __init__(self, out: Path, fmt: Format) -> None:
        suffix = SUFFIX[fmt]
        self.fmt = fmt
        self.final = {
            "medical": out / "medical" / f"member{suffix}",
            "dental": out / "dental" / f"member{suffix}",
            "truth": out / f"truth{suffix}",
        }
        self.rows = dict.fromkeys(self.final, 0)
        self._writers: dict[str, pacsv.CSVWriter | pq.ParquetWriter] = {}
        self._files: list[pa.NativeFile] = []

    def _partial(self, name: str) -> Path:
        final = self.final[name]
        return final.with_name(f".{final.name}.partial")

    def __enter__(self) -> SourceSink:
        for name, final in self.final.items():
            final.parent.mkdir(parents=True, exist_ok=True)
            schema = TRUTH_SCHEMA if name == "truth" else SOURCE_SCHEMA
            path = str(self._partial(name))
            if self.fmt == "csv":
                # Arrow quotes a header it writes itself; the six files have a plain one.
                self._files.append(sink := pa.OSFile(path, "wb"))
                sink.write((",".join(schema.names) + "\n").encode("utf-8"))
                options = pacsv.WriteOptions(include_header=False, quoting_style="none")
                self._writers[name] = pacsv.CSVWriter(sink, schema, write_options=options)
            else:
                self._writers[name] = pq.ParquetWriter(
                    path, schema, compression="zstd", store_schema=False
                )
        return self

    def put(self, tables: dict[str, pa.Table]) -> None:
        for name, table in tables.items():
            self._writers[name].write_table(table)
            self.rows[name] += table.num_rows

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for writer in self._writers.values():
            writer.close()
        for file in self._files:
            file.close()
        for name, final in self.final.items():
            if kind is None:
                for stale in (final.with_suffix(s) for s in SUFFIX.values()):
                    if stale != final and stale.is_file():
                        stale.unlink()  # another format's file would make the folder ambiguous
                os.replace(self._partial(name), final)
            else:
                with contextlib.suppress(OSError):
                    self._partial(name).unlink()
