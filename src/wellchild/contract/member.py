"""``member``: one row per child."""

from wellchild.contract.schema import Column, Kind, NotFuture, Ordered, Table, Unique

SEXES = ("F", "M", "X", "U")
RACE_ETHNICITIES = (
    "Hispanic",
    "White",
    "Black",
    "Asian",
    "Pacific Islander",
    "American Indian or Alaska Native",
    "Other",
    "Unknown",
)

TABLE = Table(
    name="member",
    grain="One row per child.",
    key=("member_id",),
    columns=(
        Column("member_id", Kind.TEXT, True, "unique; Medi-Cal CIN or the plan's id"),
        Column("first_name", Kind.TEXT, True, personal=True),
        Column("last_name", Kind.TEXT, True, personal=True),
        Column("birth_date", Kind.DATE, True, "not in the future, not after death_date"),
        Column("death_date", Kind.DATE, False),
        Column("sex", Kind.ENUM, True, allowed=SEXES),
        Column(
            "race_ethnicity",
            Kind.ENUM,
            True,
            "DHCS categories",
            allowed=RACE_ETHNICITIES,
        ),
        Column("language", Kind.LANGUAGE, True, "the family's preferred written language"),
        Column("address", Kind.TEXT, True, personal=True),
        Column("city", Kind.TEXT, False),
        Column("zip", Kind.ZIP, True),
        Column("county_fips", Kind.FIPS, True, "06037 = Los Angeles"),
        Column("phone", Kind.TEXT, False, personal=True),
        Column("guardian_name", Kind.TEXT, False, personal=True),
    ),
    rules=(
        Unique(("member_id",)),
        Ordered("birth_date", "death_date"),
        NotFuture("birth_date"),
        NotFuture("death_date"),
    ),
)
