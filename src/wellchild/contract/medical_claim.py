"""``medical_claim``: one row per claim or encounter line."""

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

STATUSES = ("paid", "denied", "reversed")
SOURCES = ("ffs", "encounter")

TABLE = Table(
    name="medical_claim",
    grain="One row per claim or encounter line.",
    key=("claim_id", "line"),
    columns=(
        Column("claim_id", Kind.TEXT, True),
        Column("line", Kind.INTEGER, True, "(claim_id, line) unique"),
        Column("member_id", Kind.TEXT, True),
        Column("service_date", Kind.DATE, True),
        Column("rendering_npi", Kind.NPI, False, severity=Severity.WARNING),
        Column("billing_npi", Kind.NPI, False, severity=Severity.WARNING),
        Column("procedure_code", Kind.PROCEDURE, False, "CPT or HCPCS", severity=Severity.WARNING),
        Column(
            "diagnosis_codes",
            Kind.DIAGNOSIS_LIST,
            False,
            "ICD-10-CM, ';'-separated, first = principal",
            severity=Severity.WARNING,
        ),
        Column(
            "place_of_service", Kind.PLACE_OF_SERVICE, False, "CMS code", severity=Severity.WARNING
        ),
        Column(
            "status",
            Kind.ENUM,
            True,
            "only paid lines count; an encounter is paid",
            allowed=STATUSES,
        ),
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
            hint="The line is kept, but never counts as a visit with a primary care provider "
            "or with the child's practice; add the missing providers to provider if it should.",
        ),
    ),
)
