"""California counties and ZIP codes: names, places and distances.

The data are two small files shipped with the package (see ``README.md`` beside this
module for their source and licence): every California county with its 5-digit FIPS code,
and every California ZIP code with its type, city, county and location. The synthetic
generator draws addresses from them; later stages use them to find the dentists nearest
to a child.

Examples
--------
>>> county_name("06037")
'Los Angeles'
>>> place = zip_place("90011")
>>> (place.city, place.county_fips)
('Los Angeles', '06037')
>>> len(county_zips("06005")) > 0
True
>>> round(distance_km(zip_place("90011"), zip_place("91203")))
16
"""

from wellchild.geography.places import (
    County,
    ZipPlace,
    counties,
    county_name,
    county_zips,
    distance_km,
    zip_place,
)

__all__ = [
    "County",
    "ZipPlace",
    "counties",
    "county_name",
    "county_zips",
    "distance_km",
    "zip_place",
]
