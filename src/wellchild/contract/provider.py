"""``provider``: one row per provider at a practice site."""

from wellchild.contract.schema import Column, Kind, Table, Unique

KINDS = ("pcp", "clinic", "obgyn", "dentist", "other")
PRIMARY_CARE_KINDS = ("pcp", "clinic")

TABLE = Table(
    name="provider",
    grain="One row per provider at a practice site.",
    key=("npi", "practice_id"),
    columns=(
        Column("npi", Kind.NPI, True, "10 digits with a valid Luhn check digit"),
        Column("name", Kind.TEXT, True),
        Column(
            "kind",
            Kind.ENUM,
            True,
            "pcp and clinic give primary care; other = labs, imaging, specialists",
            allowed=KINDS,
        ),
        Column("practice_id", Kind.TEXT, True),
        Column("practice_name", Kind.TEXT, True),
        Column("address", Kind.TEXT, False),
        Column("city", Kind.TEXT, False),
        Column("zip", Kind.ZIP, True),
        Column("county_fips", Kind.FIPS, True),
        Column("phone", Kind.TEXT, False),
        Column("languages", Kind.LANGUAGE_LIST, False, "languages spoken at the site"),
        Column("accepts_new_patients", Kind.BOOLEAN, False),
        Column("min_age_years", Kind.INTEGER, False, "youngest age the dentist sees"),
    ),
    rules=(Unique(("npi", "practice_id")),),
)
