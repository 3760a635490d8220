"""The input contract in code: one module per table, in load order.

Examples
--------
>>> from wellchild.contract import TABLES
>>> [t.name for t in TABLES]
['member', 'enrollment', 'pcp_assignment', 'provider', 'medical_claim', 'dental_claim']
>>> TABLES[0].key
('member_id',)
"""

from wellchild.contract import (
    dental_claim,
    enrollment,
    medical_claim,
    member,
    pcp_assignment,
    provider,
)
from wellchild.contract.schema import Column, Kind, Severity, Table

TABLES: tuple[Table, ...] = (
    member.TABLE,
    enrollment.TABLE,
    pcp_assignment.TABLE,
    provider.TABLE,
    medical_claim.TABLE,
    dental_claim.TABLE,
)
BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

__all__ = ["BY_NAME", "TABLES", "Column", "Kind", "Severity", "Table"]
