"""How each kind of contract value is read, normalised and checked in DuckDB SQL.

A kind maps a trimmed text value ``v`` (never empty: empty fields are null) to a
normalised value and a validity test. Codes lose dots and spaces and are upper-cased,
enums take their canonical spelling whatever the case written, ZIP+4 keeps its 5 digits,
a place of service gets its leading zero back, language tags get BCP 47 casing.
"""

from __future__ import annotations

from wellchild.contract.schema import Column, Kind

# Macros installed on every loading connection. The NPI check is the Luhn formula over
# the 9 base digits with the 80840 prefix folded into the constant 24.
MACROS = (
    "CREATE OR REPLACE TEMP MACRO wc_dbl(c) AS "
    "CAST(substr('0246813579', CAST(c AS INTEGER) + 1, 1) AS INTEGER)",
    "CREATE OR REPLACE TEMP MACRO wc_npi_ok(s) AS CASE WHEN regexp_full_match(s, '[0-9]{10}') "
    "THEN (24 + wc_dbl(s[1]) + CAST(s[2] AS INTEGER) + wc_dbl(s[3]) + CAST(s[4] AS INTEGER) "
    "+ wc_dbl(s[5]) + CAST(s[6] AS INTEGER) + wc_dbl(s[7]) + CAST(s[8] AS INTEGER) "
    "+ wc_dbl(s[9]) + CAST(s[10] AS INTEGER)) % 10 = 0 ELSE FALSE END",
    "CREATE OR REPLACE TEMP MACRO wc_lang(s) AS array_to_string(list_transform("
    "string_split(s, '-'), lambda p, i: CASE WHEN i = 1 THEN lower(p) "
    "WHEN length(p) = 4 AND regexp_full_match(p, '[A-Za-z]{4}') THEN upper(p[1]) || lower(p[2:]) "
    "WHEN length(p) = 2 AND regexp_full_match(p, '[A-Za-z]{2}') THEN upper(p) "
    "ELSE lower(p) END), '-')",
    "CREATE OR REPLACE TEMP MACRO wc_code(s) AS CASE WHEN contains(s, '.') OR contains(s, ' ') "
    "THEN upper(replace(replace(s, '.', ''), ' ', '')) ELSE upper(s) END",
)

_TAG = (
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?"
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
_ICD = r"[A-Z][0-9][0-9A-Z]{1,5}"

SQL_TYPES: dict[Kind, str] = {
    Kind.DATE: "DATE",
    Kind.INTEGER: "INTEGER",
    Kind.BOOLEAN: "BOOLEAN",
}

BAD_VALUE: dict[Kind, str] = {
    Kind.TEXT: "is not text",
    Kind.DATE: "is not a valid date",
    Kind.INTEGER: "is not a whole number",
    Kind.BOOLEAN: "is not true or false",
    Kind.ENUM: "is not one of the allowed values",
    Kind.NPI: "is not a valid NPI",
    Kind.CDT: "is not a CDT code",
    Kind.PROCEDURE: "is not a known kind of procedure code",
    Kind.DIAGNOSIS_LIST: "holds a code that is not ICD-10-CM",
    Kind.FIPS: "is not a 5-digit county FIPS code",
    Kind.ZIP: "is not a ZIP code",
    Kind.LANGUAGE: "is not a BCP 47 language tag",
    Kind.LANGUAGE_LIST: "holds something that is not a BCP 47 language tag",
    Kind.PLACE_OF_SERVICE: "is not a place-of-service code",
}


def quote(name: str) -> str:
    """A safely quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A safely quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# Kinds whose values repeat a lot (codes, NPIs, tags): stored normalised, and checked
# once per distinct value rather than once per row.
BY_VALUE = frozenset(
    {
        Kind.NPI,
        Kind.CDT,
        Kind.PROCEDURE,
        Kind.DIAGNOSIS_LIST,
        Kind.FIPS,
        Kind.LANGUAGE,
        Kind.LANGUAGE_LIST,
        Kind.PLACE_OF_SERVICE,
    }
)


def trimmed(raw: str) -> str:
    """A raw text value without surrounding spaces, null when empty (cheap when clean)."""
    return (
        f"CASE WHEN {raw} = '' THEN NULL WHEN contains({raw}, ' ') "
        f"THEN NULLIF(trim({raw}), '') ELSE {raw} END"
    )


def stored(column: Column, v: str) -> str:
    """The value stored for ``v``, the column's trimmed, non-empty text."""
    kind = column.kind
    if kind is Kind.DATE:
        return f"TRY_CAST({v} AS DATE)"
    if kind is Kind.INTEGER:
        return f"TRY_CAST({v} AS INTEGER)"
    if kind is Kind.BOOLEAN:
        return f"(CASE lower({v}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)"
    if kind is Kind.ENUM:
        # The canonical spelling is matched as written first, and lower() is paid only by
        # other spellings; the results are values of the stored ENUM, so no row is cast
        # from text (together a third of the time of a ten-million-row column).
        def to(a: str) -> str:
            return f"CAST({literal(a)} AS {sql_type(column)})"

        exact = " ".join(f"WHEN {literal(a)} THEN {to(a)}" for a in column.allowed)
        folded = " ".join(f"WHEN {literal(a.lower())} THEN {to(a)}" for a in column.allowed)
        return f"(CASE {v} {exact} ELSE (CASE lower({v}) {folded} END) END)"
    if kind in (Kind.CDT, Kind.PROCEDURE, Kind.DIAGNOSIS_LIST):
        return f"wc_code({v})"
    if kind is Kind.ZIP:
        return f"left({v}, 5)"
    if kind is Kind.LANGUAGE:
        return f"wc_lang({v})"
    if kind is Kind.LANGUAGE_LIST:
        return (
            f"array_to_string(list_transform(string_split(replace({v}, ' ', ''), ';'), "
            f"lambda x: wc_lang(x)), ';')"
        )
    if kind is Kind.PLACE_OF_SERVICE:
        return f"(CASE WHEN length({v}) = 1 THEN '0' || {v} ELSE {v} END)"
    return v  # TEXT, NPI, FIPS


def row_valid(column: Column, v: str) -> str | None:
    """For kinds checked row by row: is the text ``v`` acceptable? (None: any text is.)"""
    kind = column.kind
    if kind is Kind.DATE:
        # GLOB's [0-9] is one digit and it matches the whole text: the pattern
        # [0-9]{4}-[0-9]{2}-[0-9]{2}, without a regular expression (a third quicker)
        digits = "[0-9]"
        return (
            f"({v} GLOB '{digits * 4}-{digits * 2}-{digits * 2}' "
            f"AND TRY_CAST({v} AS DATE) IS NOT NULL)"
        )
    if kind is Kind.INTEGER:
        return f"regexp_full_match({v}, '[+-]?[0-9]{{1,9}}')"
    if kind is Kind.BOOLEAN:
        return f"(lower({v}) IN ('true', 'false'))"
    if kind is Kind.ENUM:
        return f"({stored(column, v)} IS NOT NULL)"
    if kind is Kind.ZIP:
        return f"regexp_full_match({v}, '[0-9]{{5}}(-?[0-9]{{4}})?')"
    return None


def value_valid(column: Column, k: str) -> str:
    """For kinds checked per distinct value: is the stored value ``k`` acceptable?"""
    kind = column.kind
    if kind is Kind.NPI:
        return f"wc_npi_ok({k})"
    if kind is Kind.CDT:
        return f"regexp_full_match({k}, 'D[0-9]{{4}}')"
    if kind is Kind.PROCEDURE:
        return f"regexp_full_match({k}, '[0-9]{{4}}[0-9A-Z]|[A-Z][0-9]{{4}}')"
    if kind is Kind.DIAGNOSIS_LIST:
        return f"regexp_full_match({k}, '{_ICD}(;{_ICD})*')"
    if kind is Kind.FIPS:
        return f"regexp_full_match({k}, '[0-9]{{5}}')"
    if kind is Kind.LANGUAGE:
        return f"regexp_full_match({k}, '{_TAG}')"
    if kind is Kind.LANGUAGE_LIST:
        return f"regexp_full_match({k}, '{_TAG}(;{_TAG})*')"
    if kind is Kind.PLACE_OF_SERVICE:
        return f"regexp_full_match({k}, '[0-9]{{2}}')"
    raise AssertionError(f"{kind} is checked row by row")


def bad_text(column: Column, v: str) -> str | None:
    """The text ``v`` when a row-checked column cannot use it, else null."""
    valid = row_valid(column, v)
    if valid is None:
        return None
    return f"CASE WHEN {v} IS NOT NULL AND NOT coalesce({valid}, FALSE) THEN {v} END"


def sql_type(column: Column) -> str:
    """The stored type: DATE, INTEGER, BOOLEAN, an ENUM of the allowed values (compact,
    and read as text by every reader), else VARCHAR."""
    if column.kind is Kind.ENUM:
        return "ENUM(" + ", ".join(literal(a) for a in column.allowed) + ")"
    return SQL_TYPES.get(column.kind, "VARCHAR")
