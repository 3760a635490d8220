"""Practices and providers: primary care offices and FQHC-like clinics, dental offices,
OB-GYNs, and the labs, imaging centres, emergency groups, urgent care centres and
specialists that also bill for children.

Practice sizes are heavy-tailed (lognormal weights; clinics weigh about seven times an
office), so a few clinics have thousands of children and many offices a few dozen. Each
practice has a quality (its effect on well-child attendance), a dental referral habit and
a fluoride varnish habit, all varying between practices. Families choose practices near
home (weight falls off with distance) and, when they speak a threshold language other
than English or Spanish, often one whose staff speak it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from wellchild.contract import BY_NAME
from wellchild.contract.provider import KINDS
from wellchild.synth import rates
from wellchild.synth.columns import Ints, vocabulary
from wellchild.synth.ids import npis
from wellchild.synth.names import POPULARITY_SKEW, Pool, people, practice_words
from wellchild.synth.region import Floats, Region, sample_cdf

ROLES = ("primary", "dental", "obgyn", "lab", "imaging", "emergency", "urgent", "specialist",
         "vision", "behavioral")  # fmt: skip
ID_PREFIX = {"primary": "P", "dental": "D", "obgyn": "G", "lab": "L", "imaging": "R",
             "emergency": "E", "urgent": "U", "specialist": "S", "vision": "V",
             "behavioral": "B"}  # fmt: skip
PLACES_OF_SERVICE = ("02", "10", "11", "20", "22", "23", "50", "72", "81")


@dataclass
class Practices:
    """One entry per practice; clinicians of practice ``p`` are
    ``staff[first[p] : first[p] + count[p]]`` (indices into ``Directory.npi``)."""

    id: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    county: list[int] = field(default_factory=list)
    zip: list[int] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    min_age: list[int] = field(default_factory=list)  # dentists only, else -1
    languages: list[tuple[str, ...]] = field(default_factory=list)
    accepts: list[bool | None] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    staff_lists: list[list[int]] = field(default_factory=list)
    billing_list: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.id)


@dataclass
class Directory:
    """Every practice and provider of the synthetic population, as arrays."""

    practices: Practices
    npi: pa.StringArray  # every NPI used: providers first, then NPIs of no provider
    practice_ids: pa.StringArray
    n_known: int  # NPIs of providers; the rest match nobody
    provider_rows: list[tuple[int, int, str]]  # (npi index, practice, provider name)
    county: Ints
    zip: Ints
    quality: Floats
    oral_health: Floats  # effect of the usual practice on its children's dental visits
    referral: Floats
    varnish: Floats
    min_age: Ints
    pos: Ints  # index into PLACES_OF_SERVICE
    first: Ints
    count: Ints
    staff: Ints
    billing: Ints
    role: Ints  # index into ROLES

    def by_role(self, role: str, county: int | None = None) -> Ints:
        mask = self.role == ROLES.index(role)
        if county is not None:
            mask &= self.county == county
        return np.flatnonzero(mask)

    def clinician(self, rng: np.random.Generator, practice: Ints) -> Ints:
        """A clinician (NPI index) of each practice."""
        pick = (rng.random(len(practice)) * self.count[practice]).astype(np.int64)
        out: Ints = self.staff[self.first[practice] + pick]
        return out

    def speaks(self, practice: int, language: str) -> bool:
        return language in self.practices.languages[practice]


def _counts(total: int, minimum: tuple[int, int, int]) -> list[int]:
    return [max(round(total * s), m) for s, m in zip(rates.COUNTY_SHARES, minimum, strict=True)]


class _Builder:
    def __init__(self, rng: np.random.Generator, children: int, region: Region) -> None:
        self.rng = rng
        self.children = children
        self.region = region
        self.p = Practices()
        self.words = practice_words()
        self.people = people()
        self.npi_count = 0
        self.rows: list[tuple[int, int, str]] = []
        self.used_names: set[str] = set()
        self.numbers: dict[str, int] = {}
        self.lists = {
            key: getattr(self.people, key).values.to_pylist()
            for key in ("parent_female", "parent_male", "family", "family_female")
        }
        self.cities = region.cities.to_pylist()
        by_language = region.expected_by_language()
        self.zip_share = by_language.sum(axis=1)
        self.zip_languages = by_language

    def new_npi(self) -> int:
        self.npi_count += 1
        return self.npi_count - 1

    def _pick(self, pool: Pool, values: list[str], culture: int) -> str:
        u = self.rng.random() ** POPULARITY_SKEW
        return values[int(pool.start[culture] + int(u * pool.size[culture]))]

    def person(self) -> str:
        data = self.people
        culture = int(self.rng.integers(len(data.cultures)))
        if self.rng.random() < 0.55:
            given = self._pick(data.parent_female, self.lists["parent_female"], culture)
            return f"{given} {self._pick(data.family, self.lists['family_female'], culture)}"
        given = self._pick(data.parent_male, self.lists["parent_male"], culture)
        return f"{given} {self._pick(data.family, self.lists['family'], culture)}"

    def surname(self) -> str:
        culture = int(self.rng.integers(len(self.people.cultures)))
        return self._pick(self.people.family, self.lists["family"], culture)

    def choose(self, options: list[str]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def practice_name(self, role: str, kind: str, county: int, zip_index: int) -> str:
        rng, words = self.rng, self.words
        key = {"primary": kind, "dental": "dentist"}.get(role, role)
        city = self.cities[int(self.region.city[zip_index])]
        areas = words["areas"][rates.COUNTIES[county]]
        name = ""
        for _ in range(30):
            use_city = rng.random() < 0.4 and city not in ("Los Angeles", "Sacramento")
            fill = {
                "area": city if use_city else self.choose(areas),
                "family": self.surname(),
                "family2": self.surname(),
                "adjective": self.choose(words["adjectives"]),
            }
            name = self.choose(words[key]).format(**fill)
            if name not in self.used_names:
                break
        base, k = name, 2
        while name in self.used_names:
            name, k = f"{base} {k}", k + 1
        self.used_names.add(name)
        return name

    def languages(self, county: int, zip_index: int) -> tuple[str, ...]:
        rng = self.rng
        tags = self.people.languages
        out = ["en"]
        if rng.random() < rates.SPANISH_SPOKEN[rates.COUNTIES[county]]:
            out.append("es")
        other = self.zip_languages[zip_index].copy()
        other[:2] = 0.0
        share = other.sum() / max(self.zip_languages[zip_index].sum(), 1e-12)
        if other.sum() > 0:
            for chance in (min(0.9, 0.25 + 4 * share), 0.15):
                if rng.random() < chance:
                    cumulative = np.cumsum(other)
                    tag = tags[int(np.searchsorted(cumulative, rng.random() * cumulative[-1]))]
                    if tag not in out:
                        out.append(tag)
        return tuple(out)

    def address(self, county: int) -> str:
        streets = self.people.streets[rates.COUNTIES[county]]
        number = int(np.exp(self.rng.uniform(np.log(100), np.log(19_999))))
        street = streets[int(self.rng.integers(len(streets)))]
        suite = f" Ste {int(self.rng.integers(1, 40)) * 10}" if self.rng.random() < 0.4 else ""
        return f"{number} {street}{suite}"

    def phone(self, county: int) -> str:
        codes = self.people.area_codes[rates.COUNTIES[county]]
        return (
            f"({codes[int(self.rng.integers(len(codes)))]}) 555-01{int(self.rng.integers(100)):02d}"
        )

    def add(self, role: str, kind: str, county: int, weight: float, clinicians: int,
            *, min_age: int = -1, accepts: float = 0.85, pos: str = "11",
            zip_index: int | None = None) -> None:  # fmt: skip
        rng, p = self.rng, self.p
        if zip_index is None:
            inside = self.region.zips_of(county)
            share = self.zip_share[inside]
            zip_index = int(inside[sample_cdf(rng, np.cumsum(share), 1)[0]])
        index = len(p)
        self.numbers[role] = number = self.numbers.get(role, 0) + 1
        p.id.append(f"{ID_PREFIX[role]}{number:05d}")
        p.name.append(self.practice_name(role, kind, county, zip_index))
        p.role.append(role)
        p.kind.append(kind)
        p.county.append(county)
        p.zip.append(zip_index)
        p.weight.append(weight)
        p.min_age.append(min_age)
        p.languages.append(self.languages(county, zip_index) if role != "lab" else ())
        p.accepts.append(None if rng.random() < 0.05 else bool(rng.random() < accepts))
        p.pos.append(pos)
        p.address.append(self.address(county))
        p.phone.append(self.phone(county))
        titles = self.words["titles"][kind if kind in self.words["titles"] else "other"]
        names, cumulative = list(titles), np.cumsum(list(titles.values()))
        staff = []
        for _ in range(clinicians):
            npi = self.new_npi()
            title = names[int(np.searchsorted(cumulative, rng.random() * cumulative[-1]))]
            self.rows.append((npi, index, f"{self.person()} {title}"))
            staff.append(npi)
        if clinicians > 1 or not staff:
            billing = self.new_npi()
            self.rows.append((billing, index, p.name[-1]))
            staff = staff or [billing]
        else:
            billing = staff[0]
        p.staff_lists.append(staff)
        p.billing_list.append(billing)

    def staff_size(self, weight: float, total: float, per: int, cap: int, floor: int = 1) -> int:
        expected = self.children * weight / total
        return int(np.clip(round(expected / per * self.rng.uniform(0.7, 1.4)), floor, cap))


def build_directory(rng: np.random.Generator, children: int, region: Region) -> Directory:
    """Draw every practice and provider for a population of ``children``."""
    b = _Builder(rng, children, region)
    total = int(
        np.clip(
            round(children / rates.CHILDREN_PER_PRACTICE), rates.PRACTICES_MIN, rates.PRACTICES_MAX
        )
    )
    for county, count in enumerate(_counts(total, (10, 3, 2))):
        clinic = rng.random(count) < rates.CLINIC_SHARE
        clinic[0] = True  # every county has at least one clinic
        weight = np.where(
            clinic,
            rng.lognormal(*rates.CLINIC_SIZE, count),
            rng.lognormal(*rates.OFFICE_SIZE, count),
        )
        scale = rates.COUNTY_SHARES[county] / weight.sum()
        for is_clinic, w in zip(clinic, weight, strict=True):
            kind = "clinic" if is_clinic else "pcp"
            pos = "11"
            if is_clinic:
                pos = (
                    "72"
                    if rates.COUNTIES[county] == "06005"
                    else str(rng.choice(["50", "50", "11"]))
                )
            size = b.staff_size(
                w * scale, 1.0, rates.CHILDREN_PER_CLINICIAN, 29, 3 if is_clinic else 1
            )
            b.add(
                "primary",
                kind,
                county,
                float(w),
                size,
                pos=pos,
                accepts=0.95 if is_clinic else 0.85,
            )

    total = int(
        np.clip(
            round(children / rates.CHILDREN_PER_DENTAL_PRACTICE), rates.DENTAL_MIN, rates.DENTAL_MAX
        )
    )
    for county, count in enumerate(_counts(total, (5, 2, 1))):
        pediatric = rng.random(count) < rates.PEDIATRIC_DENTIST
        pediatric[0] = True
        weight = rng.lognormal(0.0, 0.8, count) * np.where(pediatric, 1.5, 1.0)
        scale = rates.COUNTY_SHARES[county] / weight.sum()
        for is_pediatric, w in zip(pediatric, weight, strict=True):
            ages = rates.PEDIATRIC_MIN_AGE if is_pediatric else rates.GENERAL_MIN_AGE
            min_age = int(rng.choice(list(ages), p=list(ages.values())))
            size = b.staff_size(w * scale, 1.0, rates.CHILDREN_PER_DENTIST, 8)
            b.add("dental", "dentist", county, float(w), size, min_age=min_age, accepts=0.7)

    for role, per, low, high, staff in (
        ("obgyn", 10_000, 2, 300, (1, 4)),
        ("lab", 100_000, 3, 40, (0, 0)),
        ("imaging", 100_000, 2, 40, (0, 0)),
        ("emergency", 50_000, 3, 60, (3, 10)),
        ("urgent", 30_000, 3, 80, (2, 6)),
        ("specialist", 3_000, 6, 1000, (1, 3)),
        ("vision", 5_000, 3, 600, (1, 3)),
        ("behavioral", 4_000, 3, 800, (1, 6)),
    ):
        total = int(np.clip(round(children / per) + low, low, high))
        for county, count in enumerate(
            _counts(total, (1, 1, 1 if role in ("emergency", "lab") else 0))
        ):
            for _ in range(count):
                kind = "obgyn" if role == "obgyn" else "other"
                size = int(rng.integers(staff[0], staff[1] + 1))
                pos = {"lab": "81", "imaging": "22", "emergency": "23", "urgent": "20"}.get(
                    role, "11"
                )
                b.add(role, kind, county, float(rng.lognormal(0, 0.5)), size, pos=pos, accepts=0.9)
    return _finish(rng, b)


def _finish(rng: np.random.Generator, b: _Builder) -> Directory:
    p = b.p
    n = len(p)
    # A few clinicians also work at a second practice of the same kind in their county.
    groups: dict[tuple[str, int], list[int]] = {}
    for q in range(n):
        groups.setdefault((p.role[q], p.county[q]), []).append(q)
    names = {npi: name for npi, _, name in b.rows}
    for practice in range(n):
        if p.role[practice] not in ("primary", "dental"):
            continue
        same = groups[(p.role[practice], p.county[practice])]
        for npi in list(p.staff_lists[practice]):
            if len(same) > 1 and rng.random() < rates.SECOND_SITE:
                other = int(rng.choice(same))
                roomy = len(p.staff_lists[other]) < 29  # at most 30 rows with the billing one
                if other != practice and roomy and npi not in p.staff_lists[other]:
                    p.staff_lists[other].append(npi)
                    b.rows.append((npi, other, names[npi]))
    # Centre the practice effects on the children they serve (size-weighted), so that a
    # big clinic's draw does not move the whole population's rates from seed to seed.
    weight = np.array(p.weight)
    role = np.array([ROLES.index(r) for r in p.role], dtype=np.int64)
    quality = rng.normal(0.0, rates.QUALITY_SD, n)
    referral = rng.beta(*rates.REFERRAL, n)
    varnish = rng.beta(*rates.VARNISH, n)
    primary = role == ROLES.index("primary")
    quality[primary] -= np.average(quality[primary], weights=weight[primary])
    oral = rng.normal(0.0, rates.ORAL_HEALTH_SD, n)
    oral[primary] -= np.average(oral[primary], weights=weight[primary])
    target = rates.REFERRAL[0] / sum(rates.REFERRAL)
    referral[primary] *= target / np.average(referral[primary], weights=weight[primary])
    referral = np.clip(referral, 0.0, 0.95)
    known = npis(rng, b.npi_count)
    phantom = npis(rng, 50 + n // 10, avoid=set(known))
    counts = np.array([len(s) for s in p.staff_lists], dtype=np.int64)
    return Directory(
        practices=p,
        npi=vocabulary(known + phantom),
        practice_ids=vocabulary(p.id),
        n_known=len(known),
        provider_rows=b.rows,
        county=np.array(p.county, dtype=np.int64),
        zip=np.array(p.zip, dtype=np.int64),
        quality=quality,
        oral_health=oral,
        referral=referral,
        varnish=varnish,
        min_age=np.array(p.min_age, dtype=np.int64),
        pos=np.array([PLACES_OF_SERVICE.index(x) for x in p.pos], dtype=np.int64),
        first=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        count=counts,
        staff=np.array([x for s in p.staff_lists for x in s], dtype=np.int64),
        billing=np.array(p.billing_list, dtype=np.int64),
        role=role,
    )


def provider_table(d: Directory, region: Region) -> pa.Table:
    """Every row of ``provider``: one per provider at a practice site."""
    p = d.practices
    rows = sorted(d.provider_rows, key=lambda r: (r[1], r[0]))
    practice = [r[1] for r in rows]
    cities = region.cities.to_pylist()
    columns: dict[str, pa.Array] = {
        "npi": d.npi.take(pa.array([r[0] for r in rows], type=pa.int64())),
        "name": pa.array([r[2] for r in rows], type=pa.string()),
        "kind": pa.array([p.kind[q] for q in practice], type=pa.string()),
        "practice_id": pa.array([p.id[q] for q in practice], type=pa.string()),
        "practice_name": pa.array([p.name[q] for q in practice], type=pa.string()),
        "address": pa.array([p.address[q] for q in practice], type=pa.string()),
        "city": pa.array([cities[int(region.city[p.zip[q]])] for q in practice], type=pa.string()),
        "zip": region.zip_text.take(pa.array([p.zip[q] for q in practice], type=pa.int64())),
        "county_fips": pa.array([rates.COUNTIES[p.county[q]] for q in practice], type=pa.string()),
        "phone": pa.array([p.phone[q] for q in practice], type=pa.string()),
        "languages": pa.array(
            [";".join(p.languages[q]) or None for q in practice], type=pa.string()
        ),
        "accepts_new_patients": pa.array([p.accepts[q] for q in practice], type=pa.bool_()),
        "min_age_years": pa.array(
            [p.min_age[q] if p.min_age[q] >= 0 else None for q in practice], type=pa.int32()
        ),
    }
    assert set(columns["kind"].to_pylist()) <= set(KINDS)
    names = BY_NAME["provider"].names
    return pa.table([columns[k] for k in names], names=list(names))
