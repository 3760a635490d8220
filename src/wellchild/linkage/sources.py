"""Reading a source's member file and putting its fields in one comparable form.

Two systems write the same name as ``GARCIA`` and ``Garcia``, an address with or without
its apartment, a sex they do not know as ``U``. Comparisons only mean something once
case, punctuation and unknowns are the same on both sides.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wellchild.errors import InputError, WellchildError

COLUMNS = (
    "member_id",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "address",
    "zip",
    "guardian_name",
)
NAMES = ("member.csv", "member.csv.gz", "member.parquet")
_NOT_LETTERS = re.compile(r"[^a-z ]+")
_UNIT = re.compile(r"\s+(apt|unit|#)\s*\w+$")


@cache
def nickname_roots() -> dict[str, str]:
    """Lower-case given name or nickname -> the nickname that stands for the group, so
    ``alejandro``, ``alexander`` and ``alex`` share one root."""
    text = resources.files("wellchild.linkage").joinpath("nicknames.csv").read_text("utf-8")
    roots: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        name, nickname = line.lower().split(",")
        roots[name] = nickname
        roots[nickname] = nickname
    return roots


def member_file(folder: Path, role: str) -> Path:
    """The member file of a source folder (``--medical`` or ``--dental``)."""
    if not folder.is_dir():
        raise WellchildError(
            f"--{role} {folder}: no such folder.",
            hint="Pass the folder holding the source's member.csv or member.parquet "
            "(wellchild synth --separate-ids writes OUT/medical and OUT/dental).",
        )
    for name in NAMES:
        if (folder / name).is_file():
            return folder / name
    raise WellchildError(
        f"--{role} {folder}: no member file (expected one of {', '.join(NAMES)}).",
        hint="The folder must hold the source's member file with the columns "
        + ", ".join(COLUMNS)
        + ".",
    )


def read_source(folder: Path, role: str) -> pd.DataFrame:
    """The identifying columns of a source, every value as text (empty = missing)."""
    path = member_file(folder, role)
    try:
        if path.suffix == ".parquet":
            table = pq.read_table(path)
        else:
            convert = pacsv.ConvertOptions(
                column_types=dict.fromkeys(COLUMNS, pa.string()), strings_can_be_null=True
            )
            table = pacsv.read_csv(path, convert_options=convert)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"{path}: cannot be read ({exc}).", hint="Check it is a CSV or Parquet file."
        ) from None
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}.",
            hint="A source needs " + ", ".join(COLUMNS) + " (other columns are ignored).",
        )
    if table.num_rows == 0:
        raise InputError(f"{path}: has no rows.", hint="Both sources need members to link.")
    frame: pd.DataFrame = table.select(list(COLUMNS)).to_pandas()
    duplicated = frame["member_id"].duplicated()
    if duplicated.any() or frame["member_id"].isna().any():
        first = frame.loc[duplicated, "member_id"].iloc[0] if duplicated.any() else "(empty)"
        raise InputError(
            f"{path}: member_id must be filled in and unique (first problem: {first}).",
            hint="Each row of a source is one member under the source's own id.",
        )
    return frame


def _text(values: pd.Series) -> pd.Series:
    cleaned = values.astype("string").str.lower().str.replace(_NOT_LETTERS, "", regex=True)
    cleaned = cleaned.str.split().str.join(" ")
    return cleaned.where(cleaned.str.len() > 0)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns the model compares, in one form on both sides."""
    out = pd.DataFrame({"member_id": frame["member_id"].astype("string")})
    for column in ("first_name", "last_name", "guardian_name"):
        out[column] = _text(frame[column])
    out["first_root"] = out["first_name"].map(lambda v: nickname_roots().get(v, v))
    out["birth_date"] = frame["birth_date"].astype("string").str.slice(0, 10)
    sex = frame["sex"].astype("string").str.upper().str.strip()
    out["sex"] = sex.where(sex.isin(["F", "M", "X"]))
    address = frame["address"].astype("string").str.lower().str.split().str.join(" ")
    out["address"] = address.where(address.str.len() > 0)
    out["street"] = out["address"].str.replace(_UNIT, "", regex=True)
    out["zip"] = frame["zip"].astype("string").str.strip().str.slice(0, 5)
    return out
