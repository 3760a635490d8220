"""The geography package: county names, ZIPs of a county, where a ZIP lies."""

from __future__ import annotations

import doctest

import pytest

import wellchild.geography
import wellchild.geography.places
from wellchild.geography import counties, county_name, county_zips, distance_km, zip_place


def test_counties() -> None:
    assert len(counties()) == 58
    assert county_name("06037") == "Los Angeles"
    assert county_name("06005") == "Amador"
    with pytest.raises(KeyError, match="not the FIPS code of a California county"):
        county_name("99999")


def test_standard_zips_of_a_county() -> None:
    zips = county_zips("06037")
    assert 280 < len(zips) <= 290  # active STANDARD ZIPs
    assert [z.zip for z in zips] == sorted(z.zip for z in zips)
    assert {z.kind for z in zips} == {"STANDARD"}
    assert {z.county_fips for z in zips} == {"06037"}
    assert all(33 < z.lat < 35.5 and -119 < z.lon < -117 for z in zips)
    assert {z.kind for z in county_zips("06037", "PO BOX")} == {"PO BOX"}
    with pytest.raises(ValueError, match="kind is one of"):
        county_zips("06037", "MILITARY")


def test_where_a_zip_lies() -> None:
    place = zip_place("91203-1234")
    assert place is not None
    assert (place.city, place.county_fips) == ("Glendale", "06037")
    assert zip_place("90085") is None  # a PO box ZIP with no county in the source
    assert zip_place("00000") is None


def test_distance() -> None:
    glendale, jackson = zip_place("91203"), zip_place("95642")
    assert glendale is not None
    assert jackson is not None
    assert distance_km(glendale, glendale) == 0
    assert 500 < distance_km(glendale, jackson) < 560


@pytest.mark.parametrize("module", [wellchild.geography, wellchild.geography.places])
def test_doctests(module: object) -> None:
    failed, _ = doctest.testmod(module)  # type: ignore[arg-type]
    assert failed == 0
