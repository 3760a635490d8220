"""How the dashboards name things: measures, strata, groups and counties.

The summary speaks in codes (``06037``, ``es``, ``FFS``); visitors read names. The
measures and their names come from the measure registry's catalogue of ``spec.yaml``
files (read as data, so the hub starts without loading the measure engine).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wellchild.measures import catalogue

# The strata a visitor may read. The summary's ``practice`` stratum is left off the public
# pages: naming practices publicly is the collaborative's decision, not the software's.
PUBLIC_DIMENSIONS = (
    "race_ethnicity",
    "language",
    "county",
    "plan",
    "sex",
    "dental_delivery",
    "age_band",
)
DIMENSION_NAMES: dict[str, Promise] = {
    "total": _("All children"),
    "race_ethnicity": _("Race and ethnicity"),
    "language": _("Preferred language"),
    "county": _("County"),
    "plan": _("Health plan"),
    "sex": _("Sex"),
    "dental_delivery": _("Dental delivery system"),
    "age_band": _("Age band"),
    "practice": _("Practice"),
}
GROUP_NAMES: dict[str, dict[str, Promise]] = {
    "total": {"all": _("All children")},
    "language": {
        "en": _("English"),
        "es": _("Spanish"),
        "ar": _("Arabic"),
        "fa": _("Farsi"),
        "hy": _("Armenian"),
        "km": _("Khmer"),
        "ko": _("Korean"),
        "ru": _("Russian"),
        "sm": _("Samoan"),
        "tl": _("Tagalog"),
        "to": _("Tongan"),
        "uk": _("Ukrainian"),
        "vi": _("Vietnamese"),
        "zh-Hans": _("Chinese (simplified)"),
        "zh-Hant": _("Chinese (traditional)"),
    },
    "race_ethnicity": {
        "American Indian or Alaska Native": _("American Indian or Alaska Native"),
        "Asian": _("Asian"),
        "Black": _("Black"),
        "Hispanic": _("Hispanic"),
        "Other": _("Other"),
        "Pacific Islander": _("Pacific Islander"),
        "White": _("White"),
        "Unknown": _("Unknown"),
    },
    "age_band": {"under 1": _("under 1")},
    "sex": {"F": _("Female"), "M": _("Male"), "U": _("Unknown"), "X": _("Non-binary")},
    "dental_delivery": {
        "DMC": _("Dental managed care"),
        "FFS": _("Fee-for-service dental"),
        "(unknown)": _("(unknown)"),
    },
    "plan": {"(not enrolled)": _("(not enrolled that day)"), "FFS": _("Fee-for-service")},
}


# What the hub reads of a spec: the Spanish texts are optional (English is shown, marked)
SPEC_TEXTS = ("name", "steward", "version", "description", "name_es", "description_es")


def measure_ids() -> tuple[str, ...]:
    """The measures in the order docs/measure-rules.md lists them."""
    return catalogue.ids()


def measure_name(measure_id: str) -> str:
    return spec_text(measure_id, "name") or measure_id


def measure_title(measure_id: str) -> str:
    """The measure's name in the reader's language (its spec's English when it has none)."""
    spanish = spec_text(measure_id, "name_es") if get_language() == "es" else ""
    return spanish or measure_name(measure_id)


def spec_text(measure_id: str, key: str) -> str:
    """A text of the measure's spec (``""`` for a measure or text the hub does not know)."""
    spec = catalogue.specs().get(measure_id, {})
    return str(spec.get(key, "")) if key in SPEC_TEXTS else ""


def event_month_series(measure_id: str) -> bool:
    """The measure's monthly series counts children by the month of their index visit."""
    return catalogue.specs().get(measure_id, {}).get("series") == catalogue.EVENT_MONTH


def measure_choices() -> list[tuple[str, str]]:
    """The measures a form offers, read from the registry each time it is asked (so no
    migration lists them)."""
    return [(m, f"{m}: {measure_name(m)}") for m in measure_ids()]


@cache
def counties() -> dict[str, str]:
    """County FIPS code (``06037``) → name (``Los Angeles``)."""
    text = resources.files("wellchild.geography").joinpath("ca_counties.csv")
    rows = csv.DictReader(text.read_text(encoding="utf-8").splitlines())
    return {row["geoid"]: row["county_name"] for row in rows}


def county_choices_fips() -> list[tuple[str, str]]:
    return sorted(counties().items(), key=lambda item: item[1])


def county_name(code: str) -> str:
    return counties().get(code, code)


def dimension_name(dimension: str) -> str:
    return str(DIMENSION_NAMES.get(dimension, dimension.replace("_", " ").capitalize()))


def group_name(dimension: str, group: str) -> str:
    if dimension == "county":
        return county_name(group)
    name = GROUP_NAMES.get(dimension, {}).get(group)
    return str(name) if name is not None else group
