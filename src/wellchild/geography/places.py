"""Typed loaders over the county and ZIP files shipped in this package."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

ZIP_FILE = "ca_zip_county.csv"
COUNTY_FILE = "ca_counties.csv"
ZIP_TYPES = ("STANDARD", "PO BOX", "UNIQUE")
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class County:
    """A California county: 5-digit FIPS code (``06037``), name and 2017 population."""

    fips: str
    name: str
    population: int


@dataclass(frozen=True)
class ZipPlace:
    """A ZIP code: its type (STANDARD, PO BOX, UNIQUE), city, county and location."""

    zip: str
    kind: str
    city: str
    county_fips: str
    lat: float
    lon: float


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def counties() -> dict[str, County]:
    """Every California county by 5-digit FIPS code, in FIPS order."""
    out = {}
    for row in _rows(COUNTY_FILE):
        county = County(row["geoid"], row["county_name"], int(row["population_2017"]))
        out[county.fips] = county
    return out


@cache
def _zips() -> dict[str, ZipPlace]:
    out = {}
    for row in _rows(ZIP_FILE):
        if row["active"] != "True" or not row["geoid"]:
            continue  # four PO-box and unique ZIPs carry no county and no location
        place = ZipPlace(
            zip=row["zip"],
            kind=row["zip_type"],
            city=row["city"],
            county_fips=row["geoid"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        out[place.zip] = place
    return out


def county_name(fips: str) -> str:
    """The name of the county with 5-digit FIPS code ``fips``.

    Raises
    ------
    KeyError
        When ``fips`` is not a California county.

    Examples
    --------
    >>> county_name("06067")
    'Sacramento'
    """
    try:
        return counties()[fips].name
    except KeyError:
        raise KeyError(f"{fips!r} is not the FIPS code of a California county") from None


@cache
def county_zips(fips: str, kind: str = "STANDARD") -> tuple[ZipPlace, ...]:
    """The ZIP codes of one type in a county, in ZIP order.

    STANDARD ZIPs are the ones people live at; PO BOX and UNIQUE ZIPs (a post office,
    a university, a large firm) are left out unless asked for.

    Examples
    --------
    >>> [p.city for p in county_zips("06005")][:3]
    ['Fiddletown', 'Ione', 'Jackson']
    """
    if kind not in ZIP_TYPES:
        raise ValueError(f"kind is one of {', '.join(ZIP_TYPES)}, found {kind!r}")
    county_name(fips)
    return tuple(
        p
        for p in sorted(_zips().values(), key=lambda p: p.zip)
        if p.county_fips == fips and p.kind == kind
    )


def zip_place(zip_code: str) -> ZipPlace | None:
    """Where a ZIP code lies, or ``None`` for a ZIP outside California or without a place.

    ZIP+4 codes are accepted (``90011-1234``).

    Examples
    --------
    >>> zip_place("95642").city
    'Jackson'
    >>> zip_place("10001") is None
    True
    """
    return _zips().get(zip_code.strip()[:5])


def distance_km(a: ZipPlace, b: ZipPlace) -> float:
    """Great-circle distance between two ZIP locations in kilometres (haversine)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
