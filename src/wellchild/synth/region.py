"""The three counties of the synthetic population: their ZIPs, where families live and
how far apart places are."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from wellchild.geography import county_zips
from wellchild.synth import rates
from wellchild.synth.columns import Ints
from wellchild.synth.names import People, people

Floats = npt.NDArray[np.float64]


def sample_cdf(rng: np.random.Generator, cdf: Floats, n: int) -> Ints:
    """``n`` draws from the distribution with cumulative weights ``cdf``."""
    out: Ints = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").astype(np.int64)
    return out


@dataclass
class Region:
    """Los Angeles, Sacramento and Amador counties and their STANDARD ZIP codes.

    ZIPs are numbered across the three counties; ``county[z]`` is the index of the
    county (in :data:`rates.COUNTIES`) of ZIP ``z``.
    """

    people: People
    zip_text: pa.StringArray
    cities: pa.StringArray  # distinct city names
    city: Ints  # index into cities per ZIP
    county: Ints
    lat: Floats
    lon: Floats
    _weights: dict[tuple[int, int], Floats] = field(default_factory=dict)
    _by_language: Floats | None = None

    @classmethod
    def load(cls) -> Region:
        return _load()

    @classmethod
    def _read(cls) -> Region:
        places = [p for fips in rates.COUNTIES for p in county_zips(fips)]
        known = {p.zip for p in places}
        data = people()
        for (culture, fips), zips in data.neighbourhoods.items():
            unknown = [z for z in zips if z not in known or fips not in rates.COUNTIES]
            if unknown:
                raise ValueError(
                    f"people.yaml: {culture} ZIPs {unknown} are not STANDARD ZIPs of {fips}"
                )
        return cls(
            people=data,
            zip_text=pa.array([p.zip for p in places], type=pa.string()),
            cities=pa.array(sorted({p.city for p in places}), type=pa.string()),
            city=np.array([sorted({p.city for p in places}).index(p.city) for p in places]),
            county=np.array([rates.COUNTIES.index(p.county_fips) for p in places], dtype=np.int64),
            lat=np.array([p.lat for p in places]),
            lon=np.array([p.lon for p in places]),
        )

    @property
    def n_zips(self) -> int:
        return len(self.county)

    def zips_of(self, county: int) -> Ints:
        return np.flatnonzero(self.county == county)

    def zip_weights(self, culture: int, county: int) -> Floats:
        """Where families of a culture live in a county: a weight per ZIP of the region."""
        key = (culture, county)
        if key not in self._weights:
            text = self.zip_text.to_pylist()
            inside = self.county == county
            base = np.where(inside, 1.0, 0.0)
            quiet = np.array([z in self.people.quiet_zips for z in text])
            base[quiet] *= rates.QUIET_ZIP_WEIGHT
            base /= base.sum()
            name = self.people.cultures[culture]
            home = set(self.people.neighbourhoods.get((name, rates.COUNTIES[county]), ()))
            if home:
                near = np.array([z in home for z in text], dtype=np.float64)
                base = (1 - rates.NEIGHBOURHOOD) * base + rates.NEIGHBOURHOOD * near / near.sum()
            self._weights[key] = base
        return self._weights[key]

    def county_shares(self, culture: Ints) -> Floats:
        """Probability of each county per row, keeping LA-only cultures in Los Angeles."""
        cells = self.people.cells
        la_only = np.array([c in self.people.la_only for c in self.people.cultures])
        s = float(cells.share[la_only[cells.culture]].sum())
        shares = np.array(rates.COUNTY_SHARES)
        spread = np.array([shares[0] - s, shares[1], shares[2]]) / (1 - s)
        out = np.tile(spread, (len(culture), 1))
        out[la_only[culture]] = (1.0, 0.0, 0.0)
        return out

    def sample_zips(self, rng: np.random.Generator, culture: Ints, county: Ints) -> Ints:
        """A home ZIP per child, families clustering in their neighbourhoods."""
        out = np.empty(len(culture), dtype=np.int64)
        key = culture * len(rates.COUNTIES) + county
        for k in np.unique(key):
            rows = np.flatnonzero(key == k)
            cdf = np.cumsum(
                self.zip_weights(int(k) // len(rates.COUNTIES), int(k) % len(rates.COUNTIES))
            )
            out[rows] = sample_cdf(rng, cdf, len(rows))
        return out

    def expected_children(self) -> Floats:
        """Expected share of all children living in each ZIP."""
        out: Floats = self.expected_by_language().sum(axis=1)
        return out

    def expected_by_language(self) -> Floats:
        """Expected share of all children per ZIP (rows) and language (columns)."""
        if self._by_language is not None:
            return self._by_language
        cells = self.people.cells
        out = np.zeros((self.n_zips, len(self.people.languages)))
        county_p = self.county_shares(cells.culture)
        for i in range(len(cells.share)):
            for c in range(len(rates.COUNTIES)):
                if county_p[i, c] > 0:
                    weight = cells.share[i] * county_p[i, c]
                    out[:, cells.language[i]] += weight * self.zip_weights(int(cells.culture[i]), c)
        self._by_language = out
        return out

    def distance_km(self, zip_index: Ints, lat: Floats, lon: Floats) -> Floats:
        """Distance from each ZIP in ``zip_index`` (rows) to each place (columns)."""
        la, lo = np.radians(self.lat[zip_index])[:, None], np.radians(self.lon[zip_index])[:, None]
        x = (np.radians(lon)[None, :] - lo) * np.cos((la + np.radians(lat)[None, :]) / 2)
        y = np.radians(lat)[None, :] - la
        out: Floats = 6371.0 * np.sqrt(x * x + y * y)
        return out


@cache
def _load() -> Region:
    return Region._read()
