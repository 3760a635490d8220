"""Plain-value conversions the builders share: dates, references, places, codes.

Each returns ``None`` for a value it cannot use, or raises :class:`Malformed` when the
value breaks the FHIR datatype, so the account can say which element of which resource.
"""

from __future__ import annotations

import datetime as dt
import re

from wellchild.contract.codes import canonical_language, is_language_tag, is_valid_npi
from wellchild.geography.places import counties, zip_place
from wellchild.geography.regions import region
from wellchild.ingest.fhir.views import maps

UNKNOWN_ZIP = "00000"
UNKNOWN_COUNTY = "999"  # the NCHS convention for an unknown county within a known state
UNKNOWN_PLACE = "99999"
UNKNOWN_TEXT = "UNKNOWN"
UNKNOWN_LANGUAGE = "und"  # BCP 47 "undetermined"
_CDT = re.compile(r"^D\d{4}$")
_CPT_HCPCS = re.compile(r"^(\d{4}[0-9A-Z]|[A-Z]\d{4})$")


class Malformed(ValueError):
    """A value that breaks its FHIR datatype; ``path`` names the element."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def date(value: str | None, path: str) -> dt.date | None:
    """A FHIR date or dateTime → its calendar date; a partial date (``2015-10``) is None."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise Malformed(path, f"{text!r} is not a FHIR date") from None


def reference_id(reference: str | None) -> str | None:
    """The id a reference points at: ``Patient/1``, ``urn:uuid:x`` or a bare id (CSV).

    A contained reference (``#p1``) points inside its resource and resolves to nothing.
    A conditional reference (``Practitioner?identifier=…|NPI``) resolves to ``npi:NPI``.
    """
    if not reference or reference.startswith("#"):
        return None
    if "?identifier=" in reference:
        return "npi:" + reference.rpartition("|")[2]
    if reference.startswith("urn:uuid:"):
        return reference.removeprefix("urn:uuid:")
    return reference.rstrip("/").rpartition("/")[2]


def site_keys(reference: str | None) -> list[str]:
    """Keys a practitioner or organization reference may be stored under.

    Ids are unique only within a type (``Practitioner/1`` and ``Organization/1`` differ),
    so sites are kept as ``Type/id``; an untyped reference (``urn:uuid:``, a CSV id) may
    name either type.
    """
    if not reference or reference.startswith("#") or "?identifier=" in reference:
        return []
    kind, _, ident = reference.removeprefix("urn:uuid:").rstrip("/").rpartition("/")
    if kind:
        return [f"{kind.rpartition('/')[2]}/{ident}"]
    return [f"Practitioner/{ident}", f"Organization/{ident}"]


def npi(value: str | None) -> str | None:
    """An NPI when it passes the Luhn check, else None."""
    return value if value and is_valid_npi(value.strip()) else None


def zip5(value: str | None) -> str | None:
    """The 5-digit ZIP of a postal code (ZIP+4 allowed)."""
    digits = (value or "").strip()[:5]
    return digits if re.fullmatch(r"\d{5}", digits) else None


def state_code(value: str | None) -> str | None:
    """USPS code of a state written as a name or a code."""
    text = (value or "").strip()
    table = maps()
    if text.upper() in table["state_fips"]:
        return text.upper()
    code = table["state_names"].get(text.lower())
    return str(code) if code else None


def county_fips(zip_code: str | None, district: str | None, state: str | None) -> str | None:
    """The county of an address, from its ZIP or its district (the county's name).

    California's ZIPs and counties ship with wellchild; another state's come from the
    region file in force (``WELLCHILD_REGION_FILE``): its ``zip_county`` crosswalk and its
    counties' names. None when neither knows the address.
    """
    if zip_code and (place := zip_place(zip_code)) is not None:
        return place.county_fips
    code = state_code(state)
    name = (district or "").strip().lower().removesuffix(" county")
    if code == "CA" and name:
        for fips, county in counties().items():
            if county.name.lower() == name:
                return fips

    other = region()
    if code is None or other.state.upper() != code:
        return None
    if zip_code and zip_code in other.zip_county:
        return other.zip_county[zip_code]
    if name:
        for fips, entry in other.counties.items():
            if entry.name.lower().removesuffix(" county") == name:
                return fips
    return None


def unknown_county(state: str | None) -> str:
    """The state's unknown county (``25999``), or ``99999`` when the state is unknown."""
    code = state_code(state)
    return maps()["state_fips"][code] + UNKNOWN_COUNTY if code else UNKNOWN_PLACE


def language(value: str | None) -> str | None:
    """A BCP 47 tag in canonical case, or None."""
    return canonical_language(value) if value and is_language_tag(value) else None


def procedure(system: str | None, code: str | None, dental: bool) -> str | None:
    """The contract procedure code a coded item stands for, or None.

    CDT for dental lines, CPT/HCPCS for medical ones; a code of another system counts only
    through ``procedure_map`` in maps.yaml.
    """
    if not code:
        return None
    table = maps()
    mapped = table["procedure_map"].get(f"{system}|{code}")
    if mapped:
        return str(mapped)
    text = code.strip().upper()
    if dental:
        known = system in table["dental_systems"] or system is None
        return text if known and _CDT.match(text) else None
    known = system in table["procedure_systems"] or system is None
    return text if known and _CPT_HCPCS.match(text) else None
