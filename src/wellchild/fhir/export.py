"""Measure results (a run folder of ``wellchild measure``) → FHIR R4 resources.

Per measure and practice: a summary MeasureReport (population counts and the rate) and a
subject-list MeasureReport (the same populations, each with a contained List of the
children in it). Per child: a Da Vinci DEQM gaps-in-care document Bundle with one
individual MeasureReport and one DetectedIssue (open or closed gap) per measure, wired as
the DEQM examples are: Composition → section focus MeasureReport, entry DetectedIssue →
evidence MeasureReport. Every resource is validated with ``fhir.resources`` before writing,
once per shape (:class:`Validator`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic_core import to_json

from wellchild.measures.runfolder import read_long

DEQM = "http://hl7.org/fhir/us/davinci-deqm"
DEQM_UV = "http://hl7.org/fhir/uv/deqm"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
LINK_ID = "http://hl7.org/fhir/5.0/StructureDefinition/extension-MeasureReport.group"
UNATTRIBUTED = "unattributed"
Resource = dict[str, Any]
# Profiles of both DEQM guides: the US 5.0.0 one payers use and the universal 1.0.0.
PROFILES = {
    "summary": ("summary-measurereport-deqm", "deqm-summarymeasurereport"),
    "subject-list": ("subjectlist-measurereport-deqm", "deqm-subjectlistmeasurereport"),
    "individual": ("indv-measurereport-deqm", "deqm-individualmeasurereport"),
    "Bundle": ("gaps-bundle-deqm", "deqm-gapsincarebundle"),
    "Composition": ("gaps-composition-deqm", "deqm-gapsincarecomposition"),
    "DetectedIssue": ("gaps-detectedissue-deqm", "deqm-gapsincaredetectedissue"),
}
# Every wellchild measure is a proportion where a higher rate is better.
SCORING = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/measure-scoring", "code": "proportion"}
    ]
}
IMPROVEMENT = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/measure-improvement-notation",
            "code": "increase",
        }
    ]
}
POPULATIONS = ("initial-population", "denominator", "denominator-exclusion", "numerator")


def fhir_id(*parts: str) -> str:
    """A FHIR id (letters, digits, ``-`` and ``.``, at most 64 characters) from parts that
    may hold others, such as the underscore of ``dental_12m``.

    >>> fhir_id("dental_12m", "Organization/1", "summary")
    'dental-12m-Organization-1-summary'
    """
    return re.sub(r"[^A-Za-z0-9.\-]", "-", "-".join(parts))[:64]


def resource_uuid(*parts: str) -> str:
    """A stable UUID for a resource of a bundle, so reruns give the same fullUrls.

    >>> resource_uuid("Patient", "M1") == resource_uuid("Patient", "M1")
    True
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:wellchild:" + "/".join(parts)))


def measure_url(measure_id: str, version: str) -> str:
    """The canonical of a wellchild measure (a URN: the measures are not published)."""
    return f"urn:wellchild:measure:{measure_id}|{version}"


def _meta(kind: str) -> Resource:
    """Both guides' profiles, except for the Composition: the US bundle's invariant reads
    the Composition's ``meta.profile`` as a single string, so it claims the US one only
    (it conforms to both all the same)."""
    us, uv = PROFILES[kind]
    profiles = [f"{DEQM}/StructureDefinition/{us}", f"{DEQM_UV}/StructureDefinition/{uv}"]
    return {"profile": profiles[:1] if kind == "Composition" else profiles}


def _scoring() -> list[Resource]:
    return [
        {
            "url": f"{DEQM}/StructureDefinition/extension-measureScoring",
            "valueCodeableConcept": SCORING,
        },
        {
            "url": f"{DEQM_UV}/StructureDefinition/deqm-measureScoring",
            "valueCodeableConcept": SCORING,
        },
    ]


def _group(populations: list[Resource], score: float | None) -> Resource:
    group: Resource = {
        "extension": [
            {"url": f"{LINK_ID}.linkId", "valueString": "group-1"},
            {
                "url": f"{DEQM}/StructureDefinition/extension-groupImprovementNotation",
                "valueCodeableConcept": IMPROVEMENT,
            },
            {
                "url": f"{DEQM_UV}/StructureDefinition/deqm-groupImprovementNotation",
                "valueCodeableConcept": IMPROVEMENT,
            },
        ],
        "population": populations,
    }
    if score is not None:
        group["measureScore"] = {"value": score}
    return group


def _population(code: str, count: int, listed: bool = False) -> Resource:
    out: Resource = {
        "extension": [{"url": f"{LINK_ID}.population.linkId", "valueString": code}],
        "code": {"coding": [{"system": POPULATION, "code": code}]},
        "count": count,
    }
    if listed:
        out["subjectResults"] = {"reference": f"#{code}"}
    return out


def _populations(rows: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """FHIR's populations: the denominator counts every eligible child, the excluded
    ones too; the exclusions are their own population and the score leaves them out."""
    eligible = rows["in_denominator"].astype(bool)
    excluded = rows["excluded"].astype(bool) & eligible
    return [
        ("initial-population", eligible),
        ("denominator", eligible),
        ("denominator-exclusion", excluded),
        ("numerator", rows["met"].astype(bool) & eligible & ~excluded),
    ]


def _score(counts: dict[str, int]) -> float | None:
    net = counts["denominator"] - counts["denominator-exclusion"]
    return round(counts["numerator"] / net, 6) if net else None


def _organization(practice: str, id_: str) -> Resource:
    """The practice a report is about, as the Organization that reports it."""
    if practice == UNATTRIBUTED:
        return {
            "resourceType": "Organization",
            "id": id_,
            "name": "Children without an attributed practice",
        }
    return {
        "resourceType": "Organization",
        "id": id_,
        "identifier": [{"system": "urn:wellchild:practice", "value": practice}],
        "name": practice,
    }


def _base(kind: str, id_: str, first: Any, generated: str) -> Resource:
    return {
        "resourceType": "MeasureReport",
        "id": id_,
        "meta": _meta(kind),
        "extension": _scoring(),
        "status": "complete",
        "type": kind,
        "measure": measure_url(str(first["measure_id"]), str(first["measure_version"])),
        "date": generated,
        "period": {"start": _day(first["period_start"]), "end": _day(first["period_end"])},
        "improvementNotation": IMPROVEMENT,
    }


def aggregate_report(
    rows: pd.DataFrame, practice: str, *, subject_list: bool, generated: str
) -> Resource:
    """A summary or subject-list MeasureReport of one measure at one practice; the
    practice is the reporter, contained so the file stands alone."""
    first = rows.iloc[0]
    populations = _populations(rows)
    counts = {code: int(mask.sum()) for code, mask in populations}
    kind = "subject-list" if subject_list else "summary"
    report = _base(kind, fhir_id(str(first["measure_id"]), practice, kind), first, generated)
    contained: list[Resource] = [_organization(practice, "reporter")]
    report["reporter"] = {"reference": "#reporter"}
    report["group"] = [
        _group([_population(c, counts[c], subject_list) for c, _ in populations], _score(counts))
    ]
    if subject_list:
        for code, mask in populations:
            members = list(rows.loc[mask, "member_id"])
            listed: Resource = {
                "resourceType": "List",
                "id": code,
                "status": "current",
                "mode": "snapshot",
            }
            if members:
                listed["entry"] = [
                    {"item": {"reference": f"Patient/{fhir_id(str(m))}"}} for m in members
                ]
            else:
                listed["emptyReason"] = {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                            "code": "nilknown",
                        }
                    ]
                }
            contained.append(listed)
    report["contained"] = contained
    return report


def gaps_bundle(member_id: str, rows: pd.DataFrame, generated: str) -> Resource:
    """The DEQM gaps-in-care document of one child: a gap per measure in its denominator.

    Every entry has a ``urn:uuid:`` fullUrl and every reference inside the bundle uses
    one, so they resolve by FHIR's rules; the child's practice is the Organization that
    authors the document and reports the measures.
    """
    practices = [str(p) for p in rows["practice_id"] if p is not None and not pd.isna(p)]
    practice = practices[0] if practices else UNATTRIBUTED
    patient_url = "urn:uuid:" + resource_uuid("Patient", member_id)
    org_url = "urn:uuid:" + resource_uuid("Organization", practice)
    sections, entries = [], []
    for row in rows.itertuples(index=False):
        report_url = "urn:uuid:" + resource_uuid("MeasureReport", member_id, str(row.measure_id))
        issue_url = "urn:uuid:" + resource_uuid("DetectedIssue", member_id, str(row.measure_id))
        evidence = _evidence(member_id, row, patient_url)
        report = _individual(row, report_url, patient_url, org_url, evidence, generated)
        issue = _issue(row, issue_url, patient_url, report_url, generated)
        sections.append(
            {
                "title": str(row.measure_id),
                "focus": {"reference": report_url},
                "entry": [{"reference": issue_url}],
            }
        )
        entries += [report, issue] + ([evidence] if evidence else [])
    composition = {
        "resourceType": "Composition",
        "id": resource_uuid("Composition", member_id),
        "meta": _meta("Composition"),
        "status": "final",
        "type": {"coding": [{"system": "http://loinc.org", "code": "96315-7"}]},
        "subject": {"reference": patient_url},
        "date": generated,
        "author": [{"reference": org_url}],
        "custodian": {"reference": org_url},
        "title": f"Care gap report for patient {member_id}",
        "section": sections,
    }
    patient = {
        "resourceType": "Patient",
        "id": _uuid_of(patient_url),
        "identifier": [{"system": "urn:wellchild:member", "value": member_id}],
    }
    organization = _organization(practice, _uuid_of(org_url))
    resources = [composition, *entries, patient, organization]
    return {
        "resourceType": "Bundle",
        "id": resource_uuid("Bundle", member_id),
        "meta": _meta("Bundle"),
        "identifier": {"system": "urn:wellchild:gaps", "value": member_id},
        "type": "document",
        "timestamp": generated,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def _uuid_of(url: str) -> str:
    return url.removeprefix("urn:uuid:")


def _code_system(code: str) -> str:
    if re.fullmatch(r"D\d{4}", code):
        return "http://www.ada.org/cdt"
    if re.fullmatch(r"[A-Z]\d{4}", code):
        return "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
    if re.fullmatch(r"\d{4}[0-9A-Z]", code):
        return "http://www.ama-assn.org/go/cpt"
    return "http://hl7.org/fhir/sid/icd-10-cm"


def _evidence(member_id: str, row: Any, patient_url: str) -> Resource | None:
    """The visit that closed a gap, as an Encounter the report's evaluatedResource names."""
    if not bool(row.met) or row.evidence_code is None or pd.isna(row.evidence_code):
        return None
    code = str(row.evidence_code)
    coded = {"coding": [{"system": _code_system(code), "code": code}]}
    encounter: Resource = {
        "resourceType": "Encounter",
        "id": resource_uuid("Encounter", member_id, str(row.measure_id)),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
        },
        "subject": {"reference": patient_url},
    }
    if row.evidence_date is not None and not pd.isna(row.evidence_date):
        day = _day(row.evidence_date)
        encounter["period"] = {"start": day, "end": day}
    if coded["coding"][0]["system"].endswith("icd-10-cm"):
        encounter["reasonCode"] = [coded]
    else:
        encounter["type"] = [coded]
    return encounter


def _individual(
    row: Any,
    report_url: str,
    patient_url: str,
    org_url: str,
    evidence: Resource | None,
    generated: str,
) -> Resource:
    met = bool(row.met)
    first = {
        "measure_id": row.measure_id,
        "measure_version": row.measure_version,
        "period_start": row.period_start,
        "period_end": row.period_end,
    }
    report = _base("individual", _uuid_of(report_url), first, generated)
    report["subject"] = {"reference": patient_url}
    report["reporter"] = {"reference": org_url}
    counts = {"initial-population": 1, "denominator": 1, "denominator-exclusion": 0}
    counts["numerator"] = int(met)
    report["group"] = [_group([_population(c, counts[c]) for c in POPULATIONS], float(met))]
    if evidence is not None:
        report["evaluatedResource"] = [{"reference": f"urn:uuid:{evidence['id']}"}]
    return report


def _issue(row: Any, issue_url: str, patient_url: str, report_url: str, generated: str) -> Resource:
    code = "closed-gap" if bool(row.met) else "open-gap"

    def status(system: str) -> Resource:
        return {"coding": [{"system": system, "code": code}]}

    return {
        "resourceType": "DetectedIssue",
        "id": _uuid_of(issue_url),
        "meta": _meta("DetectedIssue"),
        "modifierExtension": [
            {
                "url": f"{DEQM}/StructureDefinition/extension-gapStatus",
                "valueCodeableConcept": status(f"{DEQM}/CodeSystem/gaps-status"),
            },
            {
                "url": f"{DEQM_UV}/StructureDefinition/deqm-gapStatus",
                "valueCodeableConcept": status(f"{DEQM_UV}/CodeSystem/deqm-gaps-status"),
            },
        ],
        "status": "final",
        "code": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "CAREGAP",
                    "display": "Care Gaps",
                }
            ]
        },
        "patient": {"reference": patient_url},
        "identifiedDateTime": generated,
        "evidence": [{"detail": [{"reference": report_url}]}],
    }


def _day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def validate(resource: Resource) -> None:
    """Parse with the fhir.resources R4B models; a structural error names the element."""
    # the FHIR models are slow to import; only validation needs them
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


Shape = tuple[Any, ...] | frozenset[Any] | str
# Of the FHIR primitives' rules, what a text value can break: ids (at most 64 of
# letters, digits, "-" and "."), codes (no whitespace at the ends, no two together),
# uris (no whitespace), strings (not empty, no control characters).
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"-?(0|[1-9]\d*)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Validator:
    """Validates resources with the ``fhir.resources`` models, once per shape.

    Two resources have the same shape when they have the same elements, nested the same
    way, the same resource types, and each value of the same kind as far as FHIR's rules
    can tell: the same
    JSON type, and for text whether it is a real date, a date-time, a UUID, a URN of a
    UUID, a whole number, a FHIR id, and whether it is empty, has whitespace at its ends,
    two whitespace characters together, any whitespace, or a control character. A
    resource of a shape already validated is valid too; any other is validated in full.
    A list's shape is the set of its items' shapes, so a child with three measures and one
    with five share it. Validating every gaps bundle in full costs about 11 ms each, three
    hours for a state's million children; by shape, a few hundred are validated.
    """

    def __init__(self) -> None:
        self.seen: set[Shape] = set()
        self.validated = 0

    def __call__(self, resource: Resource) -> None:
        shape = _shape(resource)
        if shape not in self.seen:
            validate(resource)
            self.seen.add(shape)
            self.validated += 1


def _shape(value: Any) -> Shape:
    if isinstance(value, dict):
        # the resource type picks the model that validates the rest
        return tuple(
            (key, item if key == "resourceType" else _shape(item)) for key, item in value.items()
        )
    if isinstance(value, list):
        return frozenset(_shape(item) for item in value) if value else "[]"
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return "int<0" if value < 0 else "int0" if value == 0 else "int>0"
    if isinstance(value, float):
        return repr(value) if not math.isfinite(value) else "float<0" if value < 0 else "float"
    return f"a {type(value).__name__}"


def _text(value: str) -> str:
    if _DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "bad date"
        return "date"
    if "T" in value and value[:4].isdigit():
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            return "bad date-time"
        return "date-time+tz" if value.endswith("Z") or "+" in value[10:] else "date-time"
    if _UUID.fullmatch(value):
        return "uuid"
    if value.startswith("urn:uuid:") and _UUID.fullmatch(value, 9):
        return "urn:uuid"
    if _INTEGER.fullmatch(value):
        return "integer text"
    return "text" + "".join(
        flag
        for flag, present in (
            (" empty", not value),
            (" id", bool(_ID.fullmatch(value))),
            (" space", any(c.isspace() for c in value)),
            (" edge-space", value != value.strip()),
            (" double-space", bool(re.search(r"\s\s", value))),
            (" control", bool(_CONTROL.search(value))),
        )
        if present
    )


def export(run: Path, out: Path, *, generated: str) -> dict[str, int]:
    """Write the reports and bundles under ``out``; returns how many of each."""
    validator = Validator()
    long = read_long(run)
    long["practice_id"] = long["practice_id"].fillna(UNATTRIBUTED)
    counts = {"summary": 0, "subject-list": 0, "gaps": 0, "open": 0, "unscored": 0}
    counts["children"] = int(long.loc[long["in_denominator"].astype(bool), "member_id"].nunique())
    for folder in ("measure-reports", "gaps"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for (_, practice), rows in long.groupby(["measure_id", "practice_id"], sort=True):
        if _score({c: int(m.sum()) for c, m in _populations(rows)}) is None:
            # No child to score: a proportion's measureScore would be 0/0, which the DEQM
            # profiles (deqm-6) do not allow, and the report would say nothing.
            counts["unscored"] += 1
            continue
        for subject_list in (False, True):
            report = aggregate_report(
                rows, str(practice), subject_list=subject_list, generated=generated
            )
            _write(out / "measure-reports" / f"{report['id']}.json", report, validator)
            counts["subject-list" if subject_list else "summary"] += 1
    eligible = long[long["in_denominator"].astype(bool) & ~long["excluded"].astype(bool)]
    for member_id, rows in _by_member(eligible):
        bundle = gaps_bundle(member_id, rows, generated)
        _write(out / "gaps" / f"{member_id}.json", bundle, validator)
        counts["gaps"] += 1
        counts["open"] += int((~rows["met"].astype(bool)).sum())
    return counts


def _by_member(rows: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    for member_id, group in rows.groupby("member_id", sort=True):
        yield str(member_id), group


def _write(path: Path, resource: Resource, validator: Validator) -> None:
    validator(resource)
    # pydantic's serialiser (the models' own) writes the same JSON as json.dumps, in UTF-8,
    # several times faster: a state's gap bundles are millions of objects
    path.write_bytes(to_json(resource, indent=1) + b"\n")
