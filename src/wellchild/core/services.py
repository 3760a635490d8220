"""Services a child received, as the measures count them: well-child visits, dental
services, hospice, and visits with the child's own practice.

Each function returns one row per child and service date (a visit is a date: several
lines on one date are one visit) with a code to show as evidence. Only ``paid`` lines
count. The rules are those of docs/measure-rules.md; the code lists are value sets.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from wellchild.value_sets import ValueSet, all_concepts, concept

PAID = "paid"
PRIMARY_CARE = ("pcp", "clinic")


def in_value_set(code: ir.StringValue, name: str) -> ir.BooleanValue:
    """True when a (normalised) code is one of a concept's codes or in one of its ranges."""
    vs = concept(name)
    test: ir.BooleanValue = code.isin(sorted(vs.codes)) if vs.codes else ibis.literal(False)
    for lo, hi in vs.ranges:
        test = test | ((code.length() == len(lo)) & (code >= lo) & (code <= hi))
    return test


def _list_pattern(vs: ValueSet) -> str:
    if vs.ranges:
        raise ValueError(f"value set {vs.name} has ranges; lists are matched by single codes")
    return "(^|;)(" + "|".join(sorted(vs.codes)) + ")(;|$)"


def any_in_value_set(codes: ir.StringValue, name: str) -> ir.BooleanValue:
    """True when any code of a ';'-separated list is in the concept."""
    vs = concept(name)
    # A plain substring test first: most lists hold none of the concept's prefixes, and
    # it is far cheaper than the regular expression that decides.
    prefixes = sorted({code[:3] for code in vs.codes})
    maybe = ibis.or_(*(codes.contains(p) for p in prefixes))
    return (maybe & codes.re_search(_list_pattern(vs))).fill_null(False)


def first_in_value_set(codes: ir.StringValue, name: str) -> ir.StringValue:
    """The first code of a ';'-separated list that is in the concept."""
    return codes.re_extract(_list_pattern(concept(name)), 2)


def well_care_visits(medical_claim: ir.Table, provider: ir.Table) -> ir.Table:
    """Well-care visits, one row per child and date: ``member_id, service_date`` and the
    code to show as evidence under each way of counting:

    - ``primary_code``: a ``pcp`` or ``clinic`` provider gave the visit (W30, ``wcv_6m``);
    - ``any_code``: a ``pcp``, ``clinic`` or ``obgyn`` provider did (WCV);
    - ``primary_code_in_person`` and ``any_code_in_person``: the same, not counting
      telehealth lines (place of service 02 or 10), for runs with telehealth off.

    A paid line counts when its procedure is in ``well_care_visit`` or any diagnosis is
    in ``encounter_for_well_care``, and its rendering NPI (the billing NPI when rendering
    is empty) is a provider of such a kind. Independent-lab lines (place of service 81)
    never count. The code is the procedure code, or the well-care diagnosis when the
    procedure is not a well-care code; on a date with several, the smallest.
    """
    c = medical_claim
    by_code = in_value_set(c.procedure_code.fill_null(""), "well_care_visit")
    # A claim file holds few distinct diagnosis lists, each on many lines: the pattern is
    # tested once per list (a quarter of the time of testing every line at 1M children).
    # The test reads an aggregate, not the group key, or the engine would push it down
    # to the lines again.
    lists = c.group_by(key=c.diagnosis_codes).aggregate(codes=c.diagnosis_codes.min())
    lists = lists.filter(any_in_value_set(lists.codes, "encounter_for_well_care"))
    by_diagnosis = c.diagnosis_codes.isin(lists.codes).fill_null(False)
    pos = c.place_of_service.fill_null("")
    lab = sorted(concept("independent_lab").codes)
    lines = c.filter(c.status == PAID, by_code | by_diagnosis, ~pos.isin(lab))
    lines = lines.select(
        "member_id",
        "service_date",
        npi=ibis.ifelse(lines.rendering_npi.isnull(), lines.billing_npi, lines.rendering_npi),
        code=ibis.ifelse(
            in_value_set(lines.procedure_code.fill_null(""), "well_care_visit"),
            lines.procedure_code,
            first_in_value_set(lines.diagnosis_codes, "encounter_for_well_care"),
        ),
        in_person=~lines.place_of_service.fill_null("").isin(sorted(concept("telehealth").codes)),
    )
    kinds = provider.group_by("npi").aggregate(
        primary=provider.kind.isin(list(PRIMARY_CARE)).any(),
        obgyn=(provider.kind == "obgyn").any(),
    )
    j = lines.join(kinds, lines.npi == kinds.npi).select(lines, kinds.primary, kinds.obgyn)
    j = j.filter(j.primary | j.obgyn)
    return j.group_by(["member_id", "service_date"]).aggregate(
        primary_code=j.code.min(where=j.primary),
        any_code=j.code.min(),
        primary_code_in_person=j.code.min(where=j.primary & j.in_person),
        any_code_in_person=j.code.min(where=j.in_person),
    )


def dental_services(dental_claim: ir.Table) -> ir.Table:
    """Paid dental lines with a CDT code in ``dental_visit`` (D0100–D9999):
    ``member_id, service_date, code``, one row per child, date and code."""
    d = dental_claim
    lines = d.filter(d.status == PAID, in_value_set(d.procedure_code, "dental_visit"))
    return lines.select("member_id", "service_date", code=lines.procedure_code).distinct()


# The medical procedure concepts a measure may count by themselves (hospice, fluoride
# varnish): every CPT or HCPCS concept of the value sets except the well-care visit,
# which core__well_care_visit counts with its own rules. A measure that counts a new
# medical service names it in value_sets.csv, and core__medical_service keeps it.
PROCEDURE_SYSTEMS = ("CPT", "HCPCS")
MEDICAL_SERVICE_CONCEPTS = tuple(
    sorted(
        name
        for name, vs in all_concepts().items()
        if set(vs.systems) <= set(PROCEDURE_SYSTEMS) and name != "well_care_visit"
    )
)


def medical_services(medical_claim: ir.Table) -> ir.Table:
    """Paid medical lines whose procedure is in a concept the measures count by itself
    (hospice, fluoride varnish): ``member_id, service_date, code``, one row per child, date
    and code."""
    c = medical_claim
    code = c.procedure_code.fill_null("")
    test = ibis.or_(*(in_value_set(code, name) for name in MEDICAL_SERVICE_CONCEPTS))
    lines = c.filter(c.status == PAID, test)
    return lines.select("member_id", "service_date", code=lines.procedure_code).distinct()


def practice_visits(medical_claim: ir.Table, provider: ir.Table, assignment: ir.Table) -> ir.Table:
    """Visits with the child's assigned practice: ``member_id, service_date, code``.

    A paid medical line whose rendering or billing NPI belongs to the practice of the PCP
    assignment covering that date (the latest-starting one where assignments overlap).
    """
    c = medical_claim.filter(medical_claim.status == PAID).select(
        "member_id", "service_date", "rendering_npi", "billing_npi", "procedure_code"
    )
    at = practice_on(assignment, c.select("member_id", on=c.service_date).distinct())
    lines = c.join(at, [c.member_id == at.member_id, c.service_date == at.on]).select(
        c.member_id,
        c.service_date,
        c.rendering_npi,
        c.billing_npi,
        c.procedure_code,
        at.practice_id,
    )
    # A line counts by either NPI: one row per line and NPI, then one join with the sites.
    keep = ("member_id", "service_date", "procedure_code", "practice_id")
    by_npi = lines.select(*keep, npi=lines.rendering_npi).union(
        lines.select(*keep, npi=lines.billing_npi), distinct=False
    )
    sites = provider.select("npi", "practice_id").distinct()
    hits = by_npi.semi_join(
        sites, [by_npi.npi == sites.npi, by_npi.practice_id == sites.practice_id]
    )
    return hits.group_by(["member_id", "service_date"]).aggregate(
        code=hits.procedure_code.min(), practice_id=hits.practice_id.min()
    )


def practice_on(assignment: ir.Table, who: ir.Table) -> ir.Table:
    """The practice of the PCP assignment covering each ``(member_id, on)`` of ``who``:
    ``member_id, on, practice_id``; rows with no covering assignment are left out.
    Where assignments overlap, the one that started last is used (a child's assignments
    never share a start date: the load refuses that)."""
    a = assignment
    # Join on the child, then test the dates: a range condition inside the join would
    # make engines fall back to a nested loop.
    j = who.join(a, who.member_id == a.member_id).select(
        who.member_id, who.on, a.practice_id, a.start_date, a.end_date
    )
    j = j.filter((j.start_date <= j.on) & (j.end_date.isnull() | (j.end_date >= j.on)))
    return j.group_by(["member_id", "on"]).aggregate(practice_id=j.practice_id.argmax(j.start_date))
