"""The vocabulary of the input contract: tables, columns, kinds of value and rules.

The six table modules of this package describe docs/contract.md with these classes;
the load (``wellchild.engines.duckdb_load``) turns them into checks. Nothing here knows
about an engine: a kind says in plain words what it expects, the engine says how to test it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """An ``error`` stops the load; a ``warning`` is counted and the load goes on."""

    ERROR = "error"
    WARNING = "warning"


class Kind(StrEnum):
    """What a column holds. Every kind has a plain-words expectation and a hint."""

    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ENUM = "enum"
    NPI = "npi"
    CDT = "cdt"
    PROCEDURE = "procedure"
    DIAGNOSIS_LIST = "diagnosis_list"
    FIPS = "fips"
    ZIP = "zip"
    LANGUAGE = "language"
    LANGUAGE_LIST = "language_list"
    PLACE_OF_SERVICE = "place_of_service"


EXPECTED: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.DATE: "a date as YYYY-MM-DD",
    Kind.INTEGER: "a whole number",
    Kind.BOOLEAN: "true or false",
    Kind.ENUM: "one of the allowed values",
    Kind.NPI: "a 10-digit NPI with a valid check digit",
    Kind.CDT: "a CDT code: D and 4 digits",
    Kind.PROCEDURE: "a CPT code (5 characters) or HCPCS code (a letter and 4 digits)",
    Kind.DIAGNOSIS_LIST: "ICD-10-CM codes separated by ';'",
    Kind.FIPS: "a 5-digit county FIPS code",
    Kind.ZIP: "a 5-digit ZIP code (ZIP+4 is accepted)",
    Kind.LANGUAGE: "a BCP 47 language tag such as en, es or zh-Hant",
    Kind.LANGUAGE_LIST: "BCP 47 language tags separated by ';'",
    Kind.PLACE_OF_SERVICE: "a 2-digit CMS place-of-service code",
}

HINTS: dict[Kind, str] = {
    Kind.TEXT: "",
    Kind.DATE: "Write dates as YYYY-MM-DD (2024-03-01); spreadsheets often change the "
    "format on save, so export as CSV with ISO dates.",
    Kind.INTEGER: "Use digits only, without decimals or thousands separators.",
    Kind.BOOLEAN: "Write true or false.",
    Kind.ENUM: "Use one of the allowed values; case does not matter.",
    Kind.NPI: "An NPI has 10 digits and its last digit is a Luhn check digit; a lost "
    "leading digit or a typo breaks the check. Look the provider up in NPPES.",
    Kind.CDT: "CDT codes are D followed by 4 digits (D0120, D1206).",
    Kind.PROCEDURE: "Check for typos and stray characters; modifiers belong in their own column.",
    Kind.DIAGNOSIS_LIST: "ICD-10-CM codes start with a letter and a digit (Z00.129); separate "
    "several codes with ';'.",
    Kind.FIPS: "County FIPS codes have 5 digits (06037 is Los Angeles); a spreadsheet may "
    "have dropped the leading zero, so keep the column as text.",
    Kind.ZIP: "ZIP codes have 5 digits; a spreadsheet may have dropped a leading zero, so "
    "keep the column as text.",
    Kind.LANGUAGE: "Use BCP 47 tags: en, es, hy, zh-Hans, zh-Hant, ko, vi, tl, fa, ru, km, ar, ...",
    Kind.LANGUAGE_LIST: "Separate several BCP 47 tags with ';' (en;es).",
    Kind.PLACE_OF_SERVICE: "Place of service is a 2-digit CMS code such as 11 (office) or "
    "02 (telehealth).",
}


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``severity`` is what a value that breaks the kind costs: most bad values stop the
    load, a few (codes on claim lines) are only counted. ``personal`` columns never have
    their values quoted in a problem report.
    """

    name: str
    kind: Kind
    required: bool
    notes: str = ""
    allowed: tuple[str, ...] = ()
    severity: Severity = Severity.ERROR
    personal: bool = False

    @property
    def expected(self) -> str:
        if self.kind is Kind.ENUM:
            return "one of " + ", ".join(self.allowed)
        return EXPECTED[self.kind]

    @property
    def hint(self) -> str:
        return HINTS[self.kind]


@dataclass(frozen=True)
class Unique:
    """No two rows share these columns (the table's key)."""

    columns: tuple[str, ...]
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Ordered:
    """``later`` is on or after ``earlier`` whenever both are present."""

    earlier: str
    later: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class NotFuture:
    """The date is not after the day of the load."""

    column: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class References:
    """Every non-empty ``column`` value appears in ``table.target``."""

    column: str
    table: str
    target: str
    severity: Severity
    hint: str = ""


@dataclass(frozen=True)
class WithinLife:
    """A dated row falls between the member's birth and death."""

    column: str
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class KnownProvider:
    """At least one of the NPI columns names a provider in ``provider``."""

    columns: tuple[str, ...]
    #: What such a line means for this table's use (a medical line and a dental line are
    #: used differently, so the advice differs).
    hint: str = ""
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class NoOverlap:
    """Spans of one ``by`` value do not overlap (``start``..``end``, open end allowed)."""

    by: str
    start: str
    end: str
    severity: Severity = Severity.WARNING
    hint: str = ""


Rule = Unique | Ordered | NotFuture | References | WithinLife | KnownProvider | NoOverlap


@dataclass(frozen=True)
class Table:
    """One input table of the contract."""

    name: str
    grain: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)
