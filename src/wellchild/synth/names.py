"""Name pools, family groups and neighbourhoods read from ``data/people.yaml``.

A *culture* is a pool of given and family names (Hispanic, Armenian, Korean, ...); a
*cell* is a DHCS race/ethnicity category split by culture and preferred written language,
with its share of all children. The generator draws a cell per child, then names from
the cell's culture.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import yaml

from wellchild.contract.codes import is_language_tag
from wellchild.contract.member import RACE_ETHNICITIES
from wellchild.synth.columns import Ints

# Los Angeles County's Medi-Cal threshold languages: the generator makes sure each appears.
THRESHOLD_LANGUAGES = (
    "en",
    "es",
    "hy",
    "zh-Hant",
    "zh-Hans",
    "ko",
    "vi",
    "tl",
    "fa",
    "ru",
    "km",
    "ar",
)
POPULARITY_SKEW = 1.6  # > 1 favours the first (most common) names of each list


def read_data(name: str) -> dict[str, Any]:
    """A YAML file from this package's ``data`` folder."""
    text = (
        resources.files("wellchild.synth")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class Pool:
    """One kind of name (girls' given names, family names, ...) for every culture.

    ``values`` holds all cultures' names back to back; culture ``c`` owns
    ``values[start[c] : start[c] + size[c]]``.
    """

    values: pa.StringArray
    start: Ints
    size: Ints

    @classmethod
    def build(cls, lists: list[list[str]]) -> Pool:
        sizes = np.array([len(x) for x in lists], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        flat = [name for names in lists for name in names]
        return cls(pa.array(flat, type=pa.string()), starts, sizes)

    def pick(self, rng: np.random.Generator, culture: Ints) -> Ints:
        """An index into ``values`` per row, common names more often."""
        u = rng.random(len(culture)) ** POPULARITY_SKEW
        return self.start[culture] + (u * self.size[culture]).astype(np.int64)

    def text(self, index: Ints) -> pa.StringArray:
        return self.values.take(pa.array(index))


@dataclass(frozen=True)
class Cells:
    """Race/ethnicity × culture × language cells with their share of children."""

    race: Ints  # index into wellchild.contract.member.RACE_ETHNICITIES
    culture: Ints
    language: Ints  # index into People.languages
    share: npt.NDArray[np.float64]


@dataclass(frozen=True)
class People:
    """Everything ``people.yaml`` says, as arrays the generator can index."""

    cultures: tuple[str, ...]
    languages: tuple[str, ...]
    cells: Cells
    female: Pool
    male: Pool
    family: Pool  # masculine (or only) form
    family_female: Pool  # feminine form where the language has one (Ivanova)
    parent_female: Pool
    parent_male: Pool
    same_family: npt.NDArray[np.float64]
    la_only: frozenset[str]
    neighbourhoods: dict[tuple[str, str], tuple[str, ...]]  # (culture, county) -> ZIPs
    quiet_zips: frozenset[str]
    streets: dict[str, tuple[str, ...]]
    area_codes: dict[str, tuple[int, ...]]

    def culture_index(self, name: str) -> int:
        return self.cultures.index(name)


def _split_family(names: list[str]) -> tuple[list[str], list[str]]:
    masculine, feminine = [], []
    for name in names:
        m, _, f = name.partition("/")
        masculine.append(m)
        feminine.append(f or m)
    return masculine, feminine


@cache
def people() -> People:
    """The name pools and population cells (read once)."""
    data = read_data("people.yaml")
    cultures: dict[str, dict[str, Any]] = data["cultures"]
    names = tuple(cultures)
    languages: list[str] = list(THRESHOLD_LANGUAGES)
    race, culture, language, share = [], [], [], []
    for cell in data["cells"]:
        for tag, part in cell["languages"].items():
            if not is_language_tag(tag):
                raise ValueError(f"people.yaml: {tag!r} is not a BCP 47 tag")
            if tag not in languages:
                languages.append(tag)
            race.append(RACE_ETHNICITIES.index(cell["race"]))
            culture.append(names.index(cell["culture"]))
            language.append(languages.index(tag))
            share.append(float(cell["share"]) * float(part))
    shares = np.array(share)
    masculine, feminine = zip(*(_split_family(c["family"]) for c in cultures.values()), strict=True)
    neighbourhoods = {}
    for name, c in cultures.items():
        neighbourhoods[(name, "06037")] = tuple(c.get("la_zips", ()))
        neighbourhoods[(name, "06067")] = tuple(c.get("sac_zips", ()))
    return People(
        cultures=names,
        languages=tuple(languages),
        cells=Cells(
            race=np.array(race, dtype=np.int64),
            culture=np.array(culture, dtype=np.int64),
            language=np.array(language, dtype=np.int64),
            share=shares / shares.sum(),
        ),
        female=Pool.build([c["female"] for c in cultures.values()]),
        male=Pool.build([c["male"] for c in cultures.values()]),
        family=Pool.build(list(masculine)),
        family_female=Pool.build(list(feminine)),
        parent_female=Pool.build([c["parent_female"] for c in cultures.values()]),
        parent_male=Pool.build([c["parent_male"] for c in cultures.values()]),
        same_family=np.array([float(c["same_family"]) for c in cultures.values()]),
        la_only=frozenset(data["la_only"]),
        neighbourhoods=neighbourhoods,
        quiet_zips=frozenset(data["quiet_zips"]),
        streets={k: tuple(v) for k, v in data["streets"].items()},
        area_codes={k: tuple(int(x) for x in v) for k, v in data["area_codes"].items()},
    )


@cache
def practice_words() -> dict[str, Any]:
    """Words for practice names and clinician titles (``data/practices.yaml``)."""
    return read_data("practices.yaml")
