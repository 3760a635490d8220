"""The region file: counties, their threshold languages, plans and contact lines.

Documents and rankings read the counties from one YAML file per state (California ships
as ``data/regions/CA.yaml``); ``WELLCHILD_REGION_FILE`` names another one, so a new
state is a new file, not new code. The file is checked when read and every problem is
reported together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from wellchild import config
from wellchild.errors import ConfigError, WellchildError

FIPS = re.compile(r"^\d{5}$")
TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{4})?(-[A-Z]{2})?$")

config.register(
    config.Setting(
        "region_file",
        None,
        "YAML file of counties (threshold languages, plans, contact lines) that `rank`, "
        "`outreach`, `brochure` and `evaluate` read; unset means the California file "
        "shipped with wellchild.",
        Path,
    )
)


@dataclass(frozen=True)
class Contact:
    """A phone line printed on the documents."""

    label: str
    phone: str


@dataclass(frozen=True)
class County:
    """A county as the documents see it."""

    fips: str
    name: str
    threshold_languages: tuple[str, ...]
    plans: dict[str, Contact]
    contacts: tuple[Contact, ...]
    # Medi-Cal dental plans of a Dental Managed Care county (Sacramento, Los Angeles);
    # empty where Medi-Cal Dental pays dentists directly.
    dental_plans: dict[str, Contact] = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
    """A state: its dental programme line and its counties by FIPS code."""

    state: str
    name: str
    dental: Contact
    dental_web: str
    counties: dict[str, County]
    # The state's ZIP → county FIPS crosswalk (optional ``zip_county`` key), which lets
    # FHIR ingest place addresses in counties outside California.
    zip_county: dict[str, str] = field(default_factory=dict)

    def county(self, fips: str) -> County:
        """The county of a FIPS code, or an error naming the counties the file has."""
        try:
            return self.counties[fips]
        except KeyError:
            known = ", ".join(f"{c.fips} ({c.name})" for c in self.counties.values())
            raise WellchildError(
                f"County {fips!r} is not in the region file for {self.name}.",
                hint=f"Known counties: {known}. Add it to the region file "
                "(WELLCHILD_REGION_FILE) to use it.",
            ) from None

    def dental_line(self) -> dict[str, str]:
        """The state dental programme's line, as a referral form prints it when no
        dentist nearby fits."""
        return {"label": self.dental.label, "phone": self.dental.phone, "web": self.dental_web}

    def phone_lines(self, county: County | None) -> list[dict[str, str]]:
        """The phone lines a family document prints: the state dental programme's, then
        the county's dental plans, health plans and contacts when a county is given.
        Each has a ``kind`` (dental, dental_plan, plan, ffs, county) that the document
        words in the family's language."""
        lines = [{"label": self.dental.label, "phone": self.dental.phone, "kind": "dental"}]
        if county:
            lines += [{"label": c.label, "phone": c.phone, "kind": "dental_plan"}
                      for c in county.dental_plans.values()]  # fmt: skip
            lines += [{"label": c.label, "phone": c.phone, "kind": "ffs" if k == "FFS" else "plan"}
                      for k, c in county.plans.items()]  # fmt: skip
            lines += [{"label": c.label, "phone": c.phone, "kind": "county"}
                      for c in county.contacts]  # fmt: skip
        return lines

    def languages(self, fips: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The threshold languages of some counties (all counties when none is given),
        in the order the file lists them."""
        chosen = [self.county(f) for f in fips] if fips else list(self.counties.values())
        seen: dict[str, None] = {}
        for county in chosen:
            seen.update(dict.fromkeys(county.threshold_languages))
        return tuple(seen)


def _contact(raw: Any, where: str, problems: list[str]) -> Contact:
    if not isinstance(raw, dict) or not raw.get("phone"):
        problems.append(f"{where}: expected a mapping with a phone, found {raw!r}")
        return Contact("", "")
    return Contact(str(raw.get("name") or raw.get("label") or ""), str(raw["phone"]))


def _county(fips: str, raw: Any, problems: list[str]) -> County:
    where = f"counties.{fips}"
    if not FIPS.match(fips):
        problems.append(f"{where}: a county key is a 5-digit FIPS code, found {fips!r}")
    if not isinstance(raw, dict) or not raw.get("name"):
        problems.append(f"{where}: expected a mapping with a name")
        return County(fips, "", (), {}, ())
    languages = tuple(str(t) for t in raw.get("threshold_languages") or [])
    for tag in languages:
        if not TAG.match(tag):
            problems.append(f"{where}.threshold_languages: {tag!r} is not a BCP 47 tag")
    plans = {
        str(k): _contact(v, f"{where}.plans.{k}", problems)
        for k, v in (raw.get("plans") or {}).items()
    }
    contacts = tuple(
        _contact(c, f"{where}.contacts[{i}]", problems)
        for i, c in enumerate(raw.get("contacts") or [])
    )
    dental_plans = {
        str(k): _contact(v, f"{where}.dental_plans.{k}", problems)
        for k, v in (raw.get("dental_plans") or {}).items()
    }
    return County(fips, str(raw["name"]), languages, plans, contacts, dental_plans)


def parse(text: str, source: str) -> Region:
    """A region from the text of its YAML file; every problem is reported at once."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source} is not valid YAML: {exc}") from None
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level.")
    for key in ("state", "state_name", "dental_program", "counties"):
        if key not in raw:
            problems.append(f"missing key {key!r}")
    program = raw.get("dental_program") or {}
    dental = _contact(program, "dental_program", problems)
    counties = {
        str(f): _county(str(f), c, problems) for f, c in (raw.get("counties") or {}).items()
    }
    zip_county = _crosswalk(raw.get("zip_county") or {}, problems)
    if problems:
        raise ConfigError(
            f"{source} has {len(problems)} problem(s): " + "; ".join(problems),
            hint="See docs/outreach.md, 'The region file'.",
        )
    return Region(
        state=str(raw["state"]),
        name=str(raw["state_name"]),
        dental=dental,
        dental_web=str(program.get("web") or ""),
        counties=counties,
        zip_county=zip_county,
    )


def _crosswalk(raw: Any, problems: list[str]) -> dict[str, str]:
    """``zip_county``: 5-digit ZIP → 5-digit county FIPS code."""
    if not isinstance(raw, dict):
        problems.append(f"zip_county: expected a mapping of ZIP to county FIPS, found {raw!r}")
        return {}
    out: dict[str, str] = {}
    for zip_code, fips in raw.items():
        z, f = str(zip_code), str(fips)
        if not re.fullmatch(r"\d{5}", z) or not FIPS.match(f):
            problems.append(f"zip_county.{z}: expected a 5-digit ZIP and FIPS, found {f!r}")
        else:
            out[z] = f
    return out


@cache
def _load(path: Path | None) -> Region:
    if path is None:
        text = resources.files(__package__).joinpath("data/regions/CA.yaml").read_text("utf-8")
        return parse(text, "the shipped California region file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"WELLCHILD_REGION_FILE names {path}: {exc.strerror}") from None
    return parse(text, str(path))


def region() -> Region:
    """The region in force (``WELLCHILD_REGION_FILE``, else California)."""
    path: Path | None = config.get("region_file")
    return _load(path)
