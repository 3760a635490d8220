"""Measure results (a run folder of ``wellchild measure``) → FHIR R4 resources.

Per measure and practice: a summary MeasureReport (population counts and the rate) and a
subject-list MeasureReport (the same populations, each with a contained List of the
children in it). Per child: a Da Vinci DEQM gaps-in-care document Bundle with one
individual MeasureReport and one DetectedIssue (open or closed gap) per measure, wired as
the DEQM examples are: Composition → section focus MeasureReport, entry DetectedIssue →
evidence MeasureReport. Every resource is validated with ``fhir.resources`` before writing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from wellchild.errors import InputError

DEQM = "http://hl7.org/fhir/us/davinci-deqm"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
UNATTRIBUTED = "unattributed"
Resource = dict[str, Any]


def fhir_id(*parts: str) -> str:
    """A FHIR id (letters, digits, ``-`` and ``.``, at most 64 characters) from parts that
    may hold others, such as the underscore of ``dental_12m``.

    >>> fhir_id("dental_12m", "Organization/1", "summary")
    'dental-12m-Organization-1-summary'
    """
    return re.sub(r"[^A-Za-z0-9.\-]", "-", "-".join(parts))[:64]


def measure_url(measure_id: str, version: str) -> str:
    """The canonical of a wellchild measure (a URN: the measures are not published)."""
    return f"urn:wellchild:measure:{measure_id}|{version}"


def _population(code: str, count: int, members: list[str] | None = None) -> Resource:
    out: Resource = {"code": {"coding": [{"system": POPULATION, "code": code}]}, "count": count}
    if members is not None:
        out["subjectResults"] = {"reference": f"#{code}"}
    return out


def _populations(rows: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    eligible = rows["in_denominator"].astype(bool)
    excluded = rows["excluded"].astype(bool) & eligible
    return [
        ("initial-population", eligible),
        ("denominator", eligible & ~excluded),
        ("denominator-exclusion", excluded),
        ("numerator", rows["met"].astype(bool) & eligible & ~excluded),
    ]


def aggregate_report(rows: pd.DataFrame, practice: str, *, subject_list: bool) -> Resource:
    """A summary or subject-list MeasureReport of one measure at one practice."""
    first = rows.iloc[0]
    populations = _populations(rows)
    counts = {code: int(mask.sum()) for code, mask in populations}
    group: Resource = {
        "population": [
            _population(code, counts[code], [] if subject_list else None) for code, _ in populations
        ]
    }
    if counts["denominator"]:
        group["measureScore"] = {"value": round(counts["numerator"] / counts["denominator"], 6)}
    kind = "subject-list" if subject_list else "summary"
    report: Resource = {
        "resourceType": "MeasureReport",
        "id": fhir_id(str(first["measure_id"]), practice, kind),
        "meta": {
            "profile": [f"{DEQM}/StructureDefinition/{kind.replace('-', '')}-measurereport-deqm"]
        },
        "status": "complete",
        "type": kind,
        "measure": measure_url(str(first["measure_id"]), str(first["measure_version"])),
        "period": {"start": _day(first["period_start"]), "end": _day(first["period_end"])},
        "group": [group],
    }
    if practice != UNATTRIBUTED:
        report["reporter"] = {
            "reference": practice if "/" in practice else f"Organization/{practice}"
        }
    if subject_list:
        report["contained"] = [
            {
                "resourceType": "List",
                "id": code,
                "status": "current",
                "mode": "snapshot",
                "entry": [
                    {"item": {"reference": f"Patient/{fhir_id(m)}"}}
                    for m in rows.loc[mask, "member_id"]
                ],
            }
            for code, mask in populations
            if mask.any()
        ]
        for population in group["population"]:
            if not counts[population["code"]["coding"][0]["code"]]:
                del population["subjectResults"]
    return report


def gaps_bundle(member_id: str, rows: pd.DataFrame, generated: str) -> Resource:
    """The DEQM gaps-in-care document of one child: a gap per measure in its denominator."""
    sections, entries = [], []
    for row in rows.itertuples(index=False):
        report_id = fhir_id(member_id, str(row.measure_id))
        report = _individual(member_id, row, report_id, generated)
        issue = _issue(member_id, row, report_id, generated)
        sections.append(
            {
                "title": str(row.measure_id),
                "focus": {"reference": f"MeasureReport/{report_id}"},
                "entry": [{"reference": f"DetectedIssue/{report_id}"}],
            }
        )
        entries += [report, issue]
    composition = {
        "resourceType": "Composition",
        "id": fhir_id("gaps", member_id),
        "meta": {"profile": [f"{DEQM}/StructureDefinition/gaps-composition-deqm"]},
        "status": "final",
        "type": {"coding": [{"system": "http://loinc.org", "code": "96315-7"}]},
        "subject": {"reference": f"Patient/{fhir_id(member_id)}"},
        "date": generated,
        "author": [{"display": "wellchild"}],
        "title": f"Care gap report for patient {member_id}",
        "section": sections,
    }
    patient = {"resourceType": "Patient", "id": fhir_id(member_id)}
    resources = [composition, *entries, patient]
    return {
        "resourceType": "Bundle",
        "id": fhir_id("gaps", member_id),
        "meta": {"profile": [f"{DEQM}/StructureDefinition/gaps-bundle-deqm"]},
        "identifier": {"system": "urn:wellchild:gaps", "value": member_id},
        "type": "document",
        "timestamp": generated,
        "entry": [
            {"fullUrl": f"urn:wellchild:{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }


def _individual(member_id: str, row: Any, report_id: str, generated: str) -> Resource:
    met = bool(row.met)
    report: Resource = {
        "resourceType": "MeasureReport",
        "id": report_id,
        "meta": {"profile": [f"{DEQM}/StructureDefinition/indv-measurereport-deqm"]},
        "status": "complete",
        "type": "individual",
        "measure": measure_url(str(row.measure_id), str(row.measure_version)),
        "subject": {"reference": f"Patient/{fhir_id(member_id)}"},
        "date": generated,
        "period": {"start": _day(row.period_start), "end": _day(row.period_end)},
        "group": [
            {
                "population": [
                    _population("initial-population", 1),
                    _population("denominator", 1),
                    _population("numerator", int(met)),
                ]
            }
        ],
    }
    if met and row.evidence_code is not None and not pd.isna(row.evidence_code):
        report["extension"] = [
            {
                "url": f"{DEQM}/StructureDefinition/extension-supplementalData",
                "valueReference": {
                    "display": f"evidence {row.evidence_code} on {_day(row.evidence_date)}"
                },
            }
        ]
    return report


def _issue(member_id: str, row: Any, report_id: str, generated: str) -> Resource:
    status = "closed-gap" if bool(row.met) else "open-gap"
    return {
        "resourceType": "DetectedIssue",
        "id": report_id,
        "meta": {"profile": [f"{DEQM}/StructureDefinition/gaps-detectedissue-deqm"]},
        "modifierExtension": [
            {
                "url": f"{DEQM}/StructureDefinition/extension-gapStatus",
                "valueCodeableConcept": {
                    "coding": [{"system": f"{DEQM}/CodeSystem/gaps-status", "code": status}]
                },
            }
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
        "patient": {"reference": f"Patient/{fhir_id(member_id)}"},
        "identifiedDateTime": generated,
        "evidence": [{"detail": [{"reference": f"MeasureReport/{report_id}"}]}],
    }


def _day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def validate(resource: Resource) -> None:
    """Parse with the fhir.resources R4B models; a structural error names the element."""
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def read_run(run: Path) -> pd.DataFrame:
    """The long table of a run folder; raises InputError when it is not one."""
    path = run / "measure_long.parquet"
    if not path.is_file():
        raise InputError(
            f"{run} holds no measure_long.parquet.",
            hint="Give the --out folder of `wellchild measure`.",
        )
    return pd.read_parquet(path)


def export(run: Path, out: Path, *, generated: str) -> dict[str, int]:
    """Write the reports and bundles under ``out``; returns how many of each."""
    long = read_run(run)
    long["practice_id"] = long["practice_id"].fillna(UNATTRIBUTED)
    counts = {"summary": 0, "subject-list": 0, "gaps": 0}
    for folder in ("measure-reports", "gaps"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for (_, practice), rows in long.groupby(["measure_id", "practice_id"], sort=True):
        for subject_list in (False, True):
            report = aggregate_report(rows, str(practice), subject_list=subject_list)
            _write(out / "measure-reports" / f"{report['id']}.json", report)
            counts["subject-list" if subject_list else "summary"] += 1
    eligible = long[long["in_denominator"].astype(bool) & ~long["excluded"].astype(bool)]
    for member_id, rows in _by_member(eligible):
        _write(out / "gaps" / f"{member_id}.json", gaps_bundle(member_id, rows, generated))
        counts["gaps"] += 1
    return counts


def _by_member(rows: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    for member_id, group in rows.groupby("member_id", sort=True):
        yield str(member_id), group


def _write(path: Path, resource: Resource) -> None:
    validate(resource)
    path.write_text(json.dumps(resource, indent=1) + "\n", encoding="utf-8")
