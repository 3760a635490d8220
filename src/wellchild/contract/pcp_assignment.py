"""``pcp_assignment``: one row per member per assigned-PCP span."""

from wellchild.contract.schema import (
    Column,
    Kind,
    NoOverlap,
    Ordered,
    References,
    Severity,
    Table,
    Unique,
)

TABLE = Table(
    name="pcp_assignment",
    grain="One row per member per assigned-PCP span.",
    key=("member_id", "start_date"),
    columns=(
        Column("member_id", Kind.TEXT, True),
        Column("npi", Kind.NPI, True, "10 digits with a valid Luhn check digit"),
        Column("practice_id", Kind.TEXT, True),
        Column("start_date", Kind.DATE, True, "inclusive"),
        Column("end_date", Kind.DATE, False, "inclusive; empty = still open"),
    ),
    rules=(
        Unique(("member_id", "start_date")),
        Ordered("start_date", "end_date"),
        References(
            "member_id",
            "member",
            "member_id",
            Severity.WARNING,
            "The assignment is kept but attributes no child.",
        ),
        References(
            "npi",
            "provider",
            "npi",
            Severity.WARNING,
            "Add the PCP to provider so the assignment can be shown with a name.",
        ),
        References(
            "practice_id",
            "provider",
            "practice_id",
            Severity.WARNING,
            "Add the practice's providers to provider so it can be named and ranked.",
        ),
        NoOverlap(
            "member_id",
            "start_date",
            "end_date",
            hint="Where assignments overlap, the one that started last is used.",
        ),
    ),
)
