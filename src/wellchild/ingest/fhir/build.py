"""Flat view rows → the six contract tables.

People, coverage, providers and attribution are small (one row per child or provider),
so they are kept until the end, when references between them can be resolved whatever
order the files came in. Claim lines are the bulk: they are spooled to a temporary file
as they are read and resolved in a second pass, so memory stays flat.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from wellchild.ingest.fhir import values as v
from wellchild.ingest.fhir.account import Account
from wellchild.ingest.fhir.views import Row, maps

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


@dataclass
class Builder:
    """Collects the view rows of one ingest and writes the contract rows at the end."""

    account: Account
    spool: IO[str]
    default_system: str | None = None
    members: dict[str, Out] = field(default_factory=dict)
    coverage: list[tuple[str, Row]] = field(default_factory=list)
    sites: dict[str, Site] = field(default_factory=dict)
    roles: list[Row] = field(default_factory=list)
    attributions: list[tuple[str, Row]] = field(default_factory=list)
    payers: dict[str, str] = field(default_factory=dict)
    billed_encounters: set[str] = field(default_factory=set)

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
        else:  # claim and encounter lines, checked now so the second pass cannot fail
            _check_line(kind, row)
            if row.get("encounter"):
                self.billed_encounters.add(v.reference_id(row.get("encounter")) or "")
            self.spool.write(json.dumps([view, kind, row]) + "\n")

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
        county = v.county_fips(zip_code, row.get("district"), row.get("state"))
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
            "county_fips": county or self._county(row.get("state"), "member.county_fips"),
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

    def _county(self, state: str | None, column: str) -> str:
        reason = "outside California: county unknown" if v.state_code(state) else "no state"
        return self._filled(v.unknown_county(state), column, reason)

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
        """One row per provider with an NPI at each practice it works for."""
        practices: dict[str, list[tuple[str, str]]] = {}
        for role in self.roles:
            person = self._site_key(role.get("practitioner")) or ""
            org = self._site_key(role.get("organization"))
            kind = maps()["specialty_kind"].get(role.get("specialty") or "", "other")
            practices.setdefault(person, []).append((org or person, kind))
        for site in self.sites.values():
            kind_name = "Organization" if site.is_org else "Practitioner"
            if site.npi is None:
                self.account.skip(kind_name, "no valid NPI: cannot be a provider row")
                continue
            self.account.used[(kind_name, "provider")] += 1
            if site.id in practices:
                self.account.used[("PractitionerRole", "provider")] += len(practices[site.id])
            for practice_id, kind in practices.get(site.id, [(site.id, site.kind)]):
                practice = self.sites.get(practice_id, site)
                yield self._provider(site, practice, kind)

    def _provider(self, site: Site, practice: Site, kind: str) -> Out:
        where = practice if practice.zip else site
        return {
            "npi": site.npi,
            "name": site.name,
            "kind": kind,
            "practice_id": practice.id,
            "practice_name": practice.name,
            "address": where.address,
            "city": where.city,
            "zip": where.zip or self._filled(v.UNKNOWN_ZIP, "provider.zip", "no 5-digit ZIP"),
            "county_fips": v.county_fips(where.zip, None, where.state)
            or self._county(where.state, "provider.county_fips"),
            "phone": where.phone,
        }

    # -- coverage and attribution -------------------------------------------------------

    def enrollment(self) -> Iterator[Out]:
        """One span per Coverage (or Synthea payer transition) of a known member."""
        no_coverage = set(maps()["no_coverage"])
        for kind, row in self.coverage:
            member = self.members.get(v.reference_id(row.get("patient")) or "")
            payer = self.payers.get(row.get("payer") or "", row.get("payer"))
            start = v.date(row.get("start"), f"{kind}.period.start")
            if member is None:
                self.account.skip(kind, "beneficiary is not a Patient of the input")
            elif payer in no_coverage:
                self.account.skip(kind, f"payer {payer}: not coverage")
            elif start is None:
                self.account.skip(kind, "no period start")
            else:
                self.account.used[(kind, "enrollment")] += 1
                yield {
                    "member_id": member["member_id"],
                    "plan_id": row.get("plan") or payer or v.UNKNOWN_TEXT,
                    "start_date": start.isoformat(),
                    "end_date": _iso(v.date(row.get("end"), f"{kind}.period.end")),
                    "county_fips": member["county_fips"],
                    "payer": payer,
                }

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

    def _line(self, kind: str, row: Row) -> tuple[str, Out] | None:
        table = maps()["claim_table"].get(row.get("claim_type") or "professional")
        status = maps()["claim_status"].get(row.get("status") or "active")
        when = v.date(row.get("service_date") or row.get("billable_start"), f"{kind}.item.serviced")
        dental = table == "dental_claim"
        code = v.procedure(row.get("code_system"), row.get("code"), dental)
        if table is None:
            return self._skip(kind, f"claim type {row.get('claim_type')}: not medical or dental")
        if status is None:
            return self._skip(kind, f"status {row.get('status')}: not a final claim")
        if when is None:
            return self._skip(kind, "no service date")
        if code is None and (dental or not row.get("diagnoses")):
            wanted = "CDT" if dental else "CPT/HCPCS"
            return self._skip(kind, f"item code of {row.get('code_system')} is not {wanted}")
        out = self._claim(row, when.isoformat(), status, "ffs", code)
        if dental:
            out.update(tooth=row.get("tooth"), surface=row.get("surface"))
        else:
            out.update(diagnosis_codes=row.get("diagnoses"), place_of_service=_pos(row))
        return table, out

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
        return "medical_claim", self._claim(row, when.isoformat(), "paid", "encounter", code)

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
        return site.npi if site else None


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
