"""``dental_claim``: one row per claim line."""

from wellchild.contract.medical_claim import SOURCES, STATUSES
from wellchild.contract.schema import (
    Column,
    Kind,
    KnownProvider,
    References,
    Severity,
    Table,
    Unique,
    WithinLife,
)

TABLE = Table(
    name="dental_claim",
    grain="One row per claim line.",
    key=("claim_id", "line"),
    columns=(
        Column("claim_id", Kind.TEXT, True),
        Column("line", Kind.INTEGER, True, "(claim_id, line) unique"),
        Column("member_id", Kind.TEXT, True),
        Column("service_date", Kind.DATE, True),
        Column("rendering_npi", Kind.NPI, False, severity=Severity.WARNING),
        Column("billing_npi", Kind.NPI, False, severity=Severity.WARNING),
        Column("procedure_code", Kind.CDT, True, "CDT, D + 4 digits"),
        Column("tooth", Kind.TEXT, False),
        Column("surface", Kind.TEXT, False),
        Column("status", Kind.ENUM, True, allowed=STATUSES),
        Column("source", Kind.ENUM, False, allowed=SOURCES),
    ),
    rules=(
        Unique(("claim_id", "line")),
        References(
            "member_id",
            "member",
            "member_id",
            Severity.WARNING,
            "The lines are kept but count for no child.",
        ),
        WithinLife("service_date"),
        KnownProvider(
            ("rendering_npi", "billing_npi"),
            hint="The line is kept and still counts: the dental measures do not depend on "
            "who the provider is. Add the missing dentists to provider to keep it complete.",
        ),
    ),
)
