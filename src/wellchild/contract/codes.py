"""Code formats of the contract that plain Python needs too (the synthetic generator,
tests, FHIR mapping): NPI check digits, BCP 47 tags, code normalisation.

Examples
--------
>>> npi_check_digit("123456789")
'3'
>>> is_valid_npi("1234567893")
True
>>> normalize_code(" z00.129 ")
'Z00129'
>>> canonical_language("ZH-hant")
'zh-Hant'
"""

from __future__ import annotations

import re

# Luhn over the NPI's 9 base digits prefixed with 80840 (the health-industry issuer
# prefix), as 45 CFR 162.406 and the CMS NPI check-digit note specify.
NPI_PREFIX = "80840"


def npi_check_digit(base9: str) -> str:
    """The Luhn check digit for a 9-digit NPI base."""
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError(f"an NPI base has 9 digits, found {base9!r}")
    total = 0
    for position, char in enumerate(reversed(NPI_PREFIX + base9)):
        digit = int(char)
        if position % 2 == 0:  # rightmost digit of the base is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def is_valid_npi(npi: str) -> bool:
    """True when ``npi`` has 10 digits and a valid check digit."""
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == npi[9]


def normalize_code(code: str) -> str:
    """Codes compare without dots, spaces and case (``Z00.129`` equals ``z00129``)."""
    return code.replace(".", "").replace(" ", "").upper()


_LANGUAGE = re.compile(
    r"^(?P<lang>[A-Za-z]{2,3})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*$"
)


def is_language_tag(tag: str) -> bool:
    """True for a well-formed BCP 47 tag of the common shapes (language-Script-REGION)."""
    return _LANGUAGE.match(tag.strip()) is not None


def canonical_language(tag: str) -> str:
    """BCP 47 case conventions: ``es``, ``zh-Hant``, ``pt-BR``."""
    parts = tag.strip().split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)
