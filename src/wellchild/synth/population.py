"""The children of one chunk: who they are, where they live, and their habits of care.

Race/ethnicity, family culture and language are allocated by stratified sampling (each
cell gets the whole part of its expected count, the remainders are drawn at random), so
even 2,000 children include every Los Angeles threshold language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from wellchild.contract import BY_NAME
from wellchild.contract.member import RACE_ETHNICITIES
from wellchild.synth import rates
from wellchild.synth.columns import Bytes, Ints, date_column, dictionary, fixed_text, vocabulary
from wellchild.synth.dates import Window
from wellchild.synth.ids import MemberIds, phones
from wellchild.synth.region import Floats, Region

NO_DATE = -1


@dataclass
class Children:
    """One chunk of children; every array has one value per child."""

    running: Ints  # running number over the whole population
    ids: Bytes  # CIN-like member ids, an (n, 9) byte matrix
    birth: Ints
    death: Ints  # NO_DATE when alive on 31 December of the year
    sex: Ints  # index into rates.SEXES
    race: Ints  # index into RACE_ETHNICITIES
    culture: Ints
    language: Ints  # index into People.languages
    county: Ints  # index into rates.COUNTIES
    zip: Ints  # index into the region's ZIPs
    well: Floats  # propensity to keep well-child visits (logit)
    dental: Floats  # propensity to see a dentist (logit)
    frailty: Floats  # multiplies the rate of sick visits
    names: dict[str, pa.Array]  # member columns that are only written out

    @property
    def n(self) -> int:
        return len(self.birth)

    @property
    def life_end(self) -> Ints:
        """Last day the child can have care: death, or the end of the window."""
        return np.where(self.death == NO_DATE, np.iinfo(np.int64).max, self.death)


def allocate(rng: np.random.Generator, shares: Floats, n: int) -> Ints:
    """A shuffled label per row: label ``i`` appears ``floor(shares[i] * n)`` times, and
    the rows left over are drawn in proportion to the fractional parts."""
    expected = shares * n
    counts = np.floor(expected).astype(np.int64)
    rest = n - int(counts.sum())
    if rest > 0:
        fraction = expected - counts
        counts += rng.multinomial(rest, fraction / fraction.sum())
    return rng.permutation(np.repeat(np.arange(len(shares)), counts))


def make_children(
    rng: np.random.Generator, running: Ints, window: Window, region: Region, member_ids: MemberIds
) -> Children:
    """Draw the children with running numbers ``running``."""
    n = len(running)
    data = region.people
    cell = allocate(rng, data.cells.share, n)
    culture = data.cells.culture[cell]
    race = data.cells.race[cell]

    county_p = np.cumsum(region.county_shares(culture), axis=1)
    county = (rng.random(n)[:, None] > county_p).sum(axis=1).clip(0, len(rates.COUNTIES) - 1)
    zips = region.sample_zips(rng, culture, county)

    age = rng.choice(len(rates.AGE_WEIGHTS), size=n, p=rates.AGE_WEIGHTS / rates.AGE_WEIGHTS.sum())
    birth_year = window.year - age
    year_start = np.array(
        [
            np.datetime64(f"{y}-01-01", "D").astype(np.int64)
            for y in range(window.year - 21, window.year + 2)
        ]
    )
    first = year_start[birth_year - (window.year - 21)]
    length = year_start[birth_year - (window.year - 21) + 1] - first
    birth = first + (rng.random(n) * length).astype(np.int64)

    death = _deaths(rng, birth, window)
    sex = rng.choice(len(rates.SEXES), size=n, p=rates.SEX_SHARES)

    well = _logit(rng.beta(*rates.PROPENSITY, size=n))
    shared = np.clip(well / 2.5, -2.0, 2.0)
    noise = rng.normal(size=n)
    rho = rates.DENTAL_CORRELATION
    dental = rates.DENTAL_SD * (rho * shared + np.sqrt(1 - rho**2) * noise)
    frailty = rng.gamma(rates.FRAILTY_SHAPE, 1 / rates.FRAILTY_SHAPE, size=n)

    ids = member_ids.rows(running)
    children = Children(
        running=running,
        ids=ids,
        birth=birth,
        death=death,
        sex=sex,
        race=race,
        culture=culture,
        language=data.cells.language[cell],
        county=county,
        zip=zips,
        well=well,
        dental=dental,
        frailty=frailty,
        names={},
    )
    children.names = _names(rng, children, region)
    return children


def _logit(p: Floats) -> Floats:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(p / (1 - p)))


def _deaths(rng: np.random.Generator, birth: Ints, window: Window) -> Ints:
    n = len(birth)
    death = np.full(n, NO_DATE, dtype=np.int64)
    newborn = birth >= window.first
    infant = newborn & (rng.random(n) < rates.INFANT_DEATH)
    age_days = np.minimum(rng.exponential(rates.INFANT_DEATH_MEAN_DAYS, n), 364).astype(np.int64)
    death[infant] = birth[infant] + age_days[infant]
    start = np.maximum(birth, window.first)
    years = (window.last - start + 1) / 365.25
    later = ~infant & (rng.random(n) < rates.CHILD_DEATH_PER_YEAR * years)
    span = window.last - start + 1
    death[later] = start[later] + (rng.random(n) * span).astype(np.int64)[later]
    death[death > window.last] = NO_DATE
    return death


def _names(rng: np.random.Generator, c: Children, region: Region) -> dict[str, pa.Array]:
    data = region.people
    n = c.n
    girl = (c.sex == 0) | ((c.sex >= 2) & (rng.random(n) < 0.5))
    given = np.where(girl, data.female.pick(rng, c.culture), data.male.pick(rng, c.culture))
    first = pc.if_else(
        pa.array(girl),
        data.female.values.take(pa.array(np.where(girl, given, 0))),
        data.male.values.take(pa.array(np.where(girl, 0, given))),
    )
    family = data.family.pick(rng, c.culture)
    last = pc.if_else(pa.array(girl), data.family_female.text(family), data.family.text(family))

    mother = rng.random(n) < rates.GUARDIAN_MOTHER
    parent_f = data.parent_female.text(data.parent_female.pick(rng, c.culture))
    parent_m = data.parent_male.text(data.parent_male.pick(rng, c.culture))
    same = rng.random(n) < data.same_family[c.culture]
    other = data.family.pick(rng, c.culture)
    surname = np.where(same, family, other)
    parent_last = pc.if_else(
        pa.array(mother), data.family_female.text(surname), data.family.text(surname)
    )
    guardian = pc.binary_join_element_wise(
        pc.if_else(pa.array(mother), parent_f, parent_m), parent_last, " "
    )

    fips = [rates.COUNTIES[i] for i in range(len(rates.COUNTIES))]
    street_lists = [data.streets[f] for f in fips]
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in street_lists])[:-1]])
    streets = pa.array([s for lst in street_lists for s in lst], type=pa.string())
    sizes = np.array([len(s) for s in street_lists])
    street = offsets[c.county] + (rng.random(n) * sizes[c.county]).astype(np.int64)
    house = np.exp(rng.uniform(np.log(100), np.log(19_999), n)).astype(np.int64)
    address = pc.binary_join_element_wise(
        pc.cast(pa.array(house), pa.string()), streets.take(pa.array(street)), " "
    )
    unit = pc.binary_join_element_wise(
        "Apt", pc.cast(pa.array(rng.integers(1, 60, n)), pa.string()), " "
    )
    apartment = pa.array(rng.random(n) < rates.APARTMENT)
    address = pc.if_else(apartment, pc.binary_join_element_wise(address, unit, " "), address)

    table = np.array(
        [[data.area_codes[f][i % len(data.area_codes[f])] for i in range(64)] for f in fips]
    )
    area = table[c.county, rng.integers(0, 64, n)]
    phone = phones(area, rng.integers(0, 100, n))
    phone = pc.if_else(
        pa.array(rng.random(n) < rates.PHONE_MISSING), pa.scalar(None, pa.string()), phone
    )

    return {
        "first_name": first,
        "last_name": last,
        "address": address,
        "phone": phone,
        "guardian_name": guardian,
    }


def member_table(c: Children, region: Region) -> pa.Table:
    """The chunk's rows of ``member``, in the contract's column order."""
    data = region.people
    columns: dict[str, pa.Array] = {
        "member_id": fixed_text([c.ids]),
        "first_name": c.names["first_name"],
        "last_name": c.names["last_name"],
        "birth_date": date_column(c.birth),
        "death_date": date_column(np.maximum(c.death, 0), null=c.death == NO_DATE),
        "sex": dictionary(c.sex, vocabulary(rates.SEXES)),
        "race_ethnicity": dictionary(c.race, vocabulary(RACE_ETHNICITIES)),
        "language": dictionary(c.language, vocabulary(data.languages)),
        "address": c.names["address"],
        "city": dictionary(region.city[c.zip], region.cities),
        "zip": dictionary(c.zip, region.zip_text),
        "county_fips": dictionary(c.county, vocabulary(rates.COUNTIES)),
        "phone": c.names["phone"],
        "guardian_name": c.names["guardian_name"],
    }
    names = BY_NAME["member"].names
    return pa.table([columns[k] for k in names], names=list(names))
