"""``enrollment``: one row per member per coverage span."""

from wellchild.contract.schema import Column, Kind, Ordered, References, Severity, Table, Unique

DENTAL_DELIVERY = ("FFS", "DMC")

TABLE = Table(
    name="enrollment",
    grain="One row per member per coverage span.",
    key=("member_id", "plan_id", "start_date"),
    columns=(
        Column("member_id", Kind.TEXT, True, "must exist in member"),
        Column("plan_id", Kind.TEXT, True, "managed care plan, or FFS"),
        Column("start_date", Kind.DATE, True, "inclusive"),
        Column("end_date", Kind.DATE, False, "inclusive; empty = still open"),
        Column("county_fips", Kind.FIPS, True, "county of residence for the span"),
        Column("aid_code", Kind.TEXT, False, "Medi-Cal aid code"),
        Column(
            "dental_delivery",
            Kind.ENUM,
            False,
            "dental fee-for-service or dental managed care",
            allowed=DENTAL_DELIVERY,
        ),
    ),
    rules=(
        Unique(("member_id", "plan_id", "start_date")),
        Ordered("start_date", "end_date"),
        References(
            "member_id",
            "member",
            "member_id",
            Severity.ERROR,
            "Every enrollment span needs its child in member; add the child or remove the span.",
        ),
    ),
)
