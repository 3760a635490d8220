"""Flat view rows → the six contract tables.

People, coverage, providers and attribution are small (one row per child or provider),
so they are kept until the end, when references between them can be resolved whatever
order the files came in. Claim lines are the bulk: they are spooled to a temporary file
as they are read and resolved in a second pass, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from wellchild.contract.codes import npi_check_digit
from wellchild.ingest.fhir import values as v
from wellchild.ingest.fhir.account import Account, StandIn
from wellchild.ingest.fhir.views import Row, maps

# How enrollment may be derived from claims when a source has no Coverage with a period
# (``--enrollment-from-claims``): the months with a claim, the first to the last claim,
# or the first claim to the end of the extract (the last service date of the input).
CLAIM_ENROLLMENT = ("months", "span", "to-end")
CARE_TEAM_QUALIFICATION = "claims' careTeam.qualification"
UNLISTED = "not in the input"
CARE_TEAM_ROLE = "claims' careTeam.role"


def stand_in_npi(key: str, taken: set[str]) -> str:
    """A 10-digit identifier with a valid check digit for a provider whose NPI is missing or
    broken, derived from its FHIR identity so reruns give the same one. It starts with 0:
    real NPIs start with 1 or 2, so a stand-in can never be a real provider's NPI.

    >>> stand_in_npi("Practitioner/abc", set())
    '0799550419'
    """
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    while True:
        base = f"0{digest % 100_000_000:08d}"
        npi = base + npi_check_digit(base)
        if npi not in taken:
            return npi
        digest = digest // 7 + 1


Out = dict[str, Any]


@dataclass
class Site:
    """A practitioner or organization: who it is, and where."""

    id: str
    npi: str | None
    name: str
    zip: str | None
    state: str | None
    address: str | None
    city: str | None
    phone: str | None
    kind: str
    is_org: bool
    source_npi: str | None = None
    taxonomy: str | None = None
    district: str | None = None


@dataclass
class Builder:
    """Collects the view rows of one ingest and writes the contract rows at the end."""

    account: Account
    spool: IO[str]
    default_system: str | None = None
    enrollment_from_claims: str | None = None
    members: dict[str, Out] = field(default_factory=dict)
    coverage: list[tuple[str, Row]] = field(default_factory=list)
    sites: dict[str, Site] = field(default_factory=dict)
    roles: list[Row] = field(default_factory=list)
    attributions: list[tuple[str, Row]] = field(default_factory=list)
    payers: dict[str, str] = field(default_factory=dict)
    billed_encounters: set[str] = field(default_factory=set)
    conditions: dict[str, Row] = field(default_factory=dict)
    cited_conditions: set[str] = field(default_factory=set)
    # Evidence of a provider's kind found on claims, by the reference the claim used.
    care_team: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    # Providers named by claim lines, with the patients of those lines.
    referenced: dict[str, set[str]] = field(default_factory=dict)
    stand_ins: dict[str, str] = field(default_factory=dict)
    # Paid-claim dates and payers by patient reference, for claim-derived enrollment.
    claim_dates: dict[str, list[tuple[dt.date, str]]] = field(default_factory=dict)

    def add(self, view: str, kind: str, origin: str, row: Row) -> None:
        """Take one view row; raises Malformed for a value that breaks its datatype."""
        if view == "patient":
            self._patient(kind, origin, row)
        elif view == "coverage":
            self.coverage.append((kind, row))
        elif view == "payer":
            self.payers[row.get("id") or ""] = row.get("name") or ""
        elif view in ("practitioner", "organization"):
            self._site(view == "organization", row)
        elif view == "role":
            self.roles.append(row)
        elif view == "attribution":
            self.attributions.append((kind, row))
        elif view == "condition":
            self.conditions[row.get("id") or origin] = row
        else:  # claim and encounter lines, checked now so the second pass cannot fail
            _check_line(kind, row)
            if row.get("encounter"):
                self.billed_encounters.add(v.reference_id(row.get("encounter")) or "")
            for ref in (row.get("rendering"), row.get("billing")):
                if ref:
                    self.referenced.setdefault(ref, set()).add(row.get("patient") or "")
            if view == "claim":
                self._claim_evidence(row)
            self.spool.write(json.dumps([view, kind, row]) + "\n")

    def _claim_evidence(self, row: Row) -> None:
        """Remember what a claim says of its rendering provider, and when it was paid."""
        table = maps()
        ref = row.get("rendering")
        if ref:
            found = self.care_team.setdefault(ref, Counter())
            qualification = table["specialty_kind"].get(row.get("rendering_qualification") or "")
            if qualification:
                found[(CARE_TEAM_QUALIFICATION, qualification)] += 1
            role = table["care_team_role_kind"].get(row.get("rendering_role") or "")
            if role:
                found[(CARE_TEAM_ROLE, role)] += 1
        when = v.date(row.get("service_date") or row.get("billable_start"), "claim.serviced")
        payer = row.get("payer") or ""
        paid = table["claim_status"].get(row.get("status") or "active") == "paid"
        if when is not None and paid and payer not in table["no_coverage"]:
            self.claim_dates.setdefault(row.get("patient") or "", []).append((when, payer))

    # -- people -----------------------------------------------------------------------

    def _patient(self, kind: str, origin: str, row: Row) -> None:
        key = row.get("id") or origin
        birth = v.date(row.get("birth_date"), f"{kind}.birthDate")
        if birth is None:
            self.account.skip(kind, "no full birth date")
            return
        if key in self.members:
            self.account.skip(kind, "the same id twice; the first is kept")
            return
        table = maps()
        zip_code = v.zip5(row.get("zip"))
        member: Out = {
            "member_id": row.get("member_identifier") or key,
            "first_name": self._need(row.get("given"), "member.first_name", "no given name"),
            "last_name": self._need(row.get("family"), "member.last_name", "no family name"),
            "birth_date": birth.isoformat(),
            "death_date": _iso(v.date(row.get("death_date"), f"{kind}.deceasedDateTime")),
            "sex": table["sex"].get((row.get("gender") or "").lower(), "U"),
            "race_ethnicity": self._race(row.get("race"), row.get("ethnicity")),
            "language": self._language(row.get("language")),
            "address": self._need(row.get("line"), "member.address", "no address line"),
            "city": row.get("city"),
            "zip": zip_code or self._filled(v.UNKNOWN_ZIP, "member.zip", "no 5-digit ZIP"),
            "county_fips": self._place(zip_code, row.get("district"), row.get("state"), "member"),
            "phone": row.get("phone"),
            "guardian_name": _join(row.get("guardian_given"), row.get("guardian_family")),
        }
        self.members[key] = member
        self.account.used[(kind, "member")] += 1

    def _need(self, value: str | None, column: str, reason: str) -> str:
        return value if value else self._filled(v.UNKNOWN_TEXT, column, reason)

    def _filled(self, value: str, column: str, reason: str) -> str:
        self.account.fill(column, reason)
        return value

    def _place(
        self, zip_code: str | None, district: str | None, state: str | None, table: str
    ) -> str:
        """The county FIPS of an address: from its ZIP or its district (county name) by
        the region files' crosswalks; else the state's unknown county, counted and named."""
        found = v.county_fips(zip_code, district, state)
        if found:
            return found
        code = v.state_code(state)
        reason = "county unknown" if code else "no state"
        named = f"{code or 'no state'}, " + (
            f"ZIP {zip_code}" if zip_code else f"district {district}" if district else "no ZIP"
        )
        self.account.counties_unknown[f"{table}: {named}"] += 1
        return self._filled(v.unknown_county(state), f"{table}.county_fips", reason)

    def _race(self, race: str | None, ethnicity: str | None) -> str:
        table = maps()
        if ethnicity and ethnicity.lower() in table["hispanic"]:
            return "Hispanic"
        found = table["race"].get((race or "").lower())
        return str(found) if found else self._filled("Unknown", "member.race_ethnicity", "no race")

    def _language(self, value: str | None) -> str:
        tag = v.language(value)
        return tag or self._filled(v.UNKNOWN_LANGUAGE, "member.language", "no language")

    # -- providers ----------------------------------------------------------------------

    def _site(self, is_org: bool, row: Row) -> None:
        table = maps()
        kind = "clinic" if is_org and row.get("type") in table["clinic_types"] else "other"
        name = row.get("name") or _join(row.get("given"), row.get("family")) or row.get("id")
        key = ("Organization/" if is_org else "Practitioner/") + (row.get("id") or "")
        self.sites[key] = Site(
            id=key,
            npi=v.npi(row.get("npi")),
            source_npi=row.get("npi"),
            taxonomy=row.get("taxonomy"),
            district=row.get("district"),
            name=name or v.UNKNOWN_TEXT,
            zip=v.zip5(row.get("zip")),
            state=row.get("state"),
            address=row.get("line"),
            city=row.get("city"),
            phone=row.get("phone"),
            kind=kind,
            is_org=is_org,
        )

    def providers(self) -> Iterator[Out]:
        """One row per provider at each practice it works for.

        A provider needs an NPI that passes the check digit, except one that a claim or
        encounter names as its rendering or billing provider: that one is kept under a
        stand-in (see :func:`stand_in_npi`) and listed in the account, so its visits count.
        """
        practices: dict[str, list[tuple[str, str | None]]] = {}
        for role in self.roles:
            person = self._site_key(role.get("practitioner")) or ""
            org = self._site_key(role.get("organization"))
            kind = maps()["specialty_kind"].get(role.get("specialty") or "")
            practices.setdefault(person, []).append((org or person, kind))
        self._add_unlisted()
        named = {key for ref in self._of_members() if (key := self._site_key(ref))}
        claims = self._claim_kinds()
        for site in self.sites.values():
            kind_name = "Organization" if site.is_org else "Practitioner"
            npi = site.npi or (self._stand_in(site) if site.id in named else None)
            if npi is None:
                self.account.skip(kind_name, "no valid NPI and on no claim: not a provider row")
                continue
            self.account.used[(kind_name, "provider")] += 1
            if site.id in practices:
                self.account.used[("PractitionerRole", "provider")] += len(practices[site.id])
            for practice_id, role_kind in practices.get(site.id, [(site.id, None)]):
                practice = self.sites.get(practice_id, site)
                if role_kind:
                    kind, evidence = role_kind, "PractitionerRole.specialty"
                else:
                    kind, evidence = self._kind(site, claims)
                self.account.kinds[(evidence, kind)] += 1
                yield self._provider(site, npi, practice, kind)

    def _of_members(self) -> list[str]:
        """The providers named by claim lines of the input's members."""
        return [
            ref
            for ref, patients in self.referenced.items()
            if any(v.reference_id(p) in self.members for p in patients)
        ]

    def _add_unlisted(self) -> None:
        """A provider a claim names but the input does not hold (an export without its
        Practitioner file) is still the claim's provider: kept as a site of its own, known
        only by its reference, so its visits count; the account lists it."""
        for ref in sorted(self._of_members()):
            keys = v.site_keys(ref)
            if not keys or any(k in self.sites for k in keys):
                continue
            self.sites[keys[0]] = Site(
                id=keys[0],
                npi=None,
                name=UNLISTED,
                zip=None,
                state=None,
                address=None,
                city=None,
                phone=None,
                kind="other",
                is_org=keys[0].startswith("Organization/"),
            )

    def _kind(self, site: Site, claims: dict[str, Counter[tuple[str, str]]]) -> tuple[str, str]:
        """A provider's kind and the evidence that decided it, strongest first: its own
        taxonomy, the claims' careTeam qualification, an organization's type, the claims'
        careTeam role. (A PractitionerRole specialty, stronger still, is applied by the
        caller, per practice.)"""
        own = maps()["specialty_kind"].get(site.taxonomy or "")
        if own:
            return own, f"{'Organization' if site.is_org else 'Practitioner'}.qualification"
        found = claims.get(site.id, Counter())
        qualified = Counter({k: n for (e, k), n in found.items() if e == CARE_TEAM_QUALIFICATION})
        if qualified:
            return qualified.most_common(1)[0][0], CARE_TEAM_QUALIFICATION
        if site.kind != "other":
            return site.kind, "Organization.type"
        roles = Counter({k: n for (e, k), n in found.items() if e == CARE_TEAM_ROLE})
        if roles:
            return roles.most_common(1)[0][0], CARE_TEAM_ROLE
        return "other", "no evidence"

    def _claim_kinds(self) -> dict[str, Counter[tuple[str, str]]]:
        """The claims' kind evidence by stored site key."""
        out: dict[str, Counter[tuple[str, str]]] = {}
        for ref, evidence in self.care_team.items():
            key = self._site_key(ref)
            if key:
                out.setdefault(key, Counter()).update(evidence)
        return out

    def _stand_in(self, site: Site) -> str:
        npi = stand_in_npi(site.id, set(self.stand_ins.values()))
        self.stand_ins[site.id] = npi
        self.account.stand_ins.append(
            StandIn(site.id, site.name, (site.source_npi or "").strip() or None, npi)
        )
        return npi

    def _provider(self, site: Site, npi: str, practice: Site, kind: str) -> Out:
        where = practice if practice.zip else site
        return {
            "npi": npi,
            "name": site.name,
            "kind": kind,
            "practice_id": practice.id,
            "practice_name": practice.name,
            "address": where.address,
            "city": where.city,
            "zip": where.zip or self._filled(v.UNKNOWN_ZIP, "provider.zip", "no 5-digit ZIP"),
            "county_fips": self._place(where.zip, where.district, where.state, "provider"),
            "phone": where.phone,
            "source_npi": site.source_npi,
            "fhir_id": site.id,
        }

    # -- coverage and attribution -------------------------------------------------------

    def enrollment(self) -> Iterator[Out]:
        """One span per Coverage with a period (standalone, or contained in a claim) or
        Synthea payer transition of a known member; then, for members with none, spans
        derived from their claims when ``enrollment_from_claims`` asks for it. The account
        says how each member's enrollment was found, and warns when some have none."""
        no_coverage = set(maps()["no_coverage"])
        found: dict[str, str] = {}
        for kind, row in self.coverage:
            key = v.reference_id(row.get("patient")) or ""
            member = self.members.get(key)
            payer = self.payers.get(row.get("payer") or "", row.get("payer"))
            start = v.date(row.get("start"), f"{kind}.period.start")
            if member is None:
                self.account.skip(kind, "beneficiary is not a Patient of the input")
            elif payer in no_coverage:
                self.account.skip(kind, f"payer {payer}: not coverage")
            elif start is None:
                self.account.skip(
                    kind, "no period start: says nothing of when the child was covered"
                )
            else:
                self.account.used[(kind, "enrollment")] += 1
                found.setdefault(key, kind)
                yield {
                    "member_id": member["member_id"],
                    "plan_id": row.get("plan") or payer or v.UNKNOWN_TEXT,
                    "start_date": start.isoformat(),
                    "end_date": _iso(v.date(row.get("end"), f"{kind}.period.end")),
                    "county_fips": member["county_fips"],
                    "payer": payer,
                }
        yield from self._claim_enrollment(found)
        self._tell_enrollment(found)

    def _claim_enrollment(self, found: dict[str, str]) -> Iterator[Out]:
        mode = self.enrollment_from_claims
        if mode is None:
            return
        dates: dict[str, list[tuple[dt.date, str]]] = {}
        for ref, seen in self.claim_dates.items():
            dates.setdefault(v.reference_id(ref) or "", []).extend(seen)
        extract_end = max((d for seen in dates.values() for d, _ in seen), default=None)
        for key, member in self.members.items():
            if key in found or not dates.get(key):
                continue
            seen = sorted(dates[key])
            payer = Counter(p for _, p in seen).most_common(1)[0][0] or v.UNKNOWN_TEXT
            death = v.date(member.get("death_date"), "member.death_date")
            for start, end in claim_spans([d for d, _ in seen], mode, extract_end):
                if death is not None:
                    if start > death:
                        continue
                    end = min(end, death)
                found[key] = f"claims ({mode})"
                self.account.used[("ExplanationOfBenefit", f"enrollment (claims, {mode})")] += 1
                yield {
                    "member_id": member["member_id"],
                    "plan_id": payer,
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "county_fips": member["county_fips"],
                    "payer": payer,
                }

    def _tell_enrollment(self, found: dict[str, str]) -> None:
        """How each member's enrollment was found, and a warning for those with none."""
        missing = [m["member_id"] for k, m in self.members.items() if k not in found]
        for key, member in self.members.items():
            self.account.enrollment_found[member["member_id"]] = found.get(key, "none")
        if not missing:
            return
        names = ", ".join(str(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        how = (
            "derive spans from their claims with --enrollment-from-claims months|span|to-end"
            if self.enrollment_from_claims is None
            else f"they have no paid claim either, so --enrollment-from-claims "
            f"{self.enrollment_from_claims} found nothing"
        )
        self.account.warnings.append(
            f"{len(missing):,} of {len(self.members):,} members have no enrollment ({names}): "
            "no Coverage with a period names them, so they are in no measure's denominator. "
            f"Add Coverage resources, or {how} (see docs/fhir.md)."
        )

    def pcp_assignment(self) -> Iterator[Out]:
        """One span per attributed member of a Group with an attributed provider."""
        roles = {f"PractitionerRole/{r.get('id')}": r for r in self.roles}
        for kind, row in self.attributions:
            member = self.members.get(v.reference_id(row.get("patient")) or "")
            site = self._attributed(row.get("provider"), roles)
            start = v.date(row.get("start"), f"{kind}.member.period.start")
            if member is None:
                self.account.skip(kind, "member entity is not a Patient of the input")
            elif site is None:
                self.account.skip(kind, "no attributed provider with a valid NPI")
            elif start is None:
                self.account.skip(kind, "no attribution period start")
            elif row.get("inactive") == "true":
                self.account.skip(kind, "inactive member")
            else:
                npi, practice_id = site
                self.account.used[(kind, "pcp_assignment")] += 1
                yield {
                    "member_id": member["member_id"],
                    "npi": npi,
                    "practice_id": practice_id,
                    "start_date": start.isoformat(),
                    "end_date": _iso(v.date(row.get("end"), f"{kind}.member.period.end")),
                }

    def _attributed(self, ref: str | None, roles: dict[str, Row]) -> tuple[str, str] | None:
        role = next((roles[k] for k in v.site_keys(ref) if k in roles), None)
        if role is not None:
            person = self.sites.get(self._site_key(role.get("practitioner")) or "")
            org = self._site_key(role.get("organization"))
            if person and person.npi:
                return person.npi, org or person.id
            return None
        site = self.sites.get(self._site_key(ref) or "")
        if site is None or site.npi is None:
            return None
        # A practitioner attributed directly practises where its first role says.
        works_at = (
            self._site_key(r.get("organization"))
            for r in self.roles
            if self._site_key(r.get("practitioner")) == site.id
        )
        return site.npi, next(works_at, None) or site.id

    def _site_key(self, reference: str | None) -> str | None:
        """The stored key of a referenced site; for a role, its own key."""
        keys = v.site_keys(reference)
        return next((k for k in keys if k in self.sites), keys[0] if keys else None)

    # -- claims ---------------------------------------------------------------------------

    def claim_lines(self) -> Iterator[tuple[str, Out]]:
        """(table, row) for every usable claim or encounter line, from the spool."""
        self.spool.seek(0)
        for text in self.spool:
            view, kind, row = json.loads(text)
            member = self.members.get(v.reference_id(row.get("patient")) or "")
            if member is None:
                self.account.skip(kind, "patient is not a Patient of the input")
                continue
            built = self._encounter(kind, row) if view == "encounter" else self._line(kind, row)
            if built is not None:
                table, out = built
                out["member_id"] = member["member_id"]
                self.account.used[(kind, table)] += 1
                yield table, out
        self._tell_conditions()

    def _tell_conditions(self) -> None:
        """Conditions as diagnoses: used when a claim line cites one with an ICD-10-CM
        coding; kept as a source code when it has none; skipped when no line cites it."""
        for key, condition in self.conditions.items():
            if key not in self.cited_conditions:
                self.account.skip("Condition", "no claim line cites it")
            elif condition.get("icd10"):
                self.account.used[("Condition", "medical_claim.diagnosis_codes")] += 1
            else:
                self.account.skip(
                    "Condition", "no ICD-10-CM coding: kept in diagnosis_source_codes"
                )

    def _line(self, kind: str, row: Row) -> tuple[str, Out] | None:
        table = maps()["claim_table"].get(row.get("claim_type") or "professional")
        status = maps()["claim_status"].get(row.get("status") or "active")
        when = v.date(row.get("service_date") or row.get("billable_start"), f"{kind}.item.serviced")
        dental = table == "dental_claim"
        code = v.procedure(row.get("code_system"), row.get("code"), dental)
        diagnoses, source_diagnoses = self._diagnoses(row)
        if table is None:
            return self._skip(kind, f"claim type {row.get('claim_type')}: not medical or dental")
        if status is None:
            return self._skip(kind, f"status {row.get('status')}: not a final claim")
        if when is None:
            return self._skip(kind, "no service date")
        if code is None and (dental or not diagnoses):
            wanted = "CDT" if dental else "CPT/HCPCS"
            return self._skip(kind, f"item code of {row.get('code_system')} is not {wanted}")
        out = self._claim(row, when.isoformat(), status, "ffs", code)
        if dental:
            out.update(tooth=row.get("tooth"), surface=row.get("surface"))
        else:
            out.update(
                diagnosis_codes=diagnoses,
                place_of_service=_pos(row),
                diagnosis_source_codes=source_diagnoses,
            )
        return table, out

    def _diagnoses(self, row: Row) -> tuple[str | None, str | None]:
        """ICD-10-CM codes of the claim's diagnoses, those given as codes and those
        referenced as Conditions; and the Conditions' other codes (SNOMED), kept as
        ``system|code`` source codes when a Condition has no ICD-10-CM coding."""
        codes = [c for c in (row.get("diagnoses") or "").split(";") if c]
        source: list[str] = []
        for ref in (row.get("diagnosis_refs") or "").split(";"):
            key = v.reference_id(ref) or "" if ref else ""
            condition = self.conditions.get(key)
            if condition is None:
                continue
            self.cited_conditions.add(key)
            if condition.get("icd10"):
                codes.append(str(condition["icd10"]))
            elif condition.get("source_code"):
                source.append(f"{condition.get('source_system') or ''}|{condition['source_code']}")
        return ";".join(codes) or None, ";".join(source) or None

    def _encounter(self, kind: str, row: Row) -> tuple[str, Out] | None:
        if row.get("id") in self.billed_encounters:
            return self._skip(kind, "billed on an ExplanationOfBenefit, which is used")
        if row.get("status") in ("cancelled", "entered-in-error", "planned"):
            return self._skip(kind, f"status {row.get('status')}: no visit took place")
        system = row.get("code_system") or self.default_system
        code = v.procedure(system, row.get("code"), dental=False)
        when = v.date(row.get("start"), f"{kind}.period.start")
        if code is None:
            return self._skip(kind, "visit type is not a contract procedure")
        if when is None:
            return self._skip(kind, "no period start")
        row = {**row, "line": "1", "code_system": system}
        out = self._claim(row, when.isoformat(), "paid", "encounter", code)
        out["diagnosis_source_codes"] = None
        return "medical_claim", out

    def _skip(self, kind: str, reason: str) -> tuple[str, Out] | None:
        self.account.skip(kind, reason)
        return None

    def _claim(self, row: Row, when: str, status: str, source: str, code: str | None) -> Out:
        return {
            "claim_id": row.get("id"),
            "line": int(row.get("line") or "1"),
            "service_date": when,
            "rendering_npi": self._npi(row.get("rendering")),
            "billing_npi": self._npi(row.get("billing")),
            "procedure_code": code,
            "status": status,
            "source": source,
            "source_system": row.get("code_system"),
            "source_code": row.get("code"),
        }

    def _npi(self, reference: str | None) -> str | None:
        ref = v.reference_id(reference)
        if ref and ref.startswith("npi:"):
            return v.npi(ref.removeprefix("npi:"))
        site = self.sites.get(self._site_key(reference) or "")
        if site is None:
            return None
        return site.npi or self.stand_ins.get(site.id)


def claim_spans(
    dates: list[dt.date], mode: str, extract_end: dt.date | None
) -> list[tuple[dt.date, dt.date]]:
    """Enrollment spans from a member's claim dates (sorted), in whole months.

    ``months``: each month with a claim, consecutive months joined; ``span``: the month of
    the first claim to the month of the last; ``to-end``: the month of the first claim to
    the month the extract ends.

    >>> days = [dt.date(2019, 1, 5), dt.date(2019, 2, 9), dt.date(2019, 6, 1)]
    >>> [(a.isoformat(), b.isoformat()) for a, b in claim_spans(days, "months", None)]
    [('2019-01-01', '2019-02-28'), ('2019-06-01', '2019-06-30')]
    >>> claim_spans(days, "to-end", dt.date(2020, 3, 2))[0][1].isoformat()
    '2020-03-31'
    """
    if not dates:
        return []
    if mode == "span":
        return [(_month_start(dates[0]), _month_end(dates[-1]))]
    if mode == "to-end":
        return [(_month_start(dates[0]), _month_end(extract_end or dates[-1]))]
    spans: list[tuple[dt.date, dt.date]] = []
    for day in dates:
        start, end = _month_start(day), _month_end(day)
        if spans and start <= spans[-1][1] + dt.timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _check_line(kind: str, row: Row) -> None:
    """Raise Malformed for a line number or date that breaks its datatype."""
    line = row.get("line")
    if line is not None and not line.isdigit():
        raise v.Malformed(f"{kind}.item.sequence", f"{line!r} is not a positive integer")
    for column in ("service_date", "billable_start", "start"):
        v.date(row.get(column), f"{kind}.{column}")


def _pos(row: Row) -> str | None:
    code = row.get("place_of_service")
    return code if code and code.isdigit() and len(code) <= 2 else None


def _iso(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else None


def _join(*parts: str | None) -> str | None:
    text = " ".join(p for p in parts if p)
    return text or None
