"""The contract as Markdown, for docs/contract.md (a test keeps the two equal).

Run ``python -m wellchild.contract.describe`` to print it.
"""

from __future__ import annotations

from wellchild.contract import TABLES
from wellchild.contract.schema import (
    KnownProvider,
    NoOverlap,
    NotFuture,
    Ordered,
    References,
    Rule,
    Severity,
    Unique,
    WithinLife,
)


def _rule(rule: Rule) -> str:
    if isinstance(rule, Unique):
        return f"each ({', '.join(rule.columns)}) appears once"
    if isinstance(rule, Ordered):
        return f"{rule.later} is on or after {rule.earlier}"
    if isinstance(rule, NotFuture):
        return f"{rule.column} is not after the day of the load"
    if isinstance(rule, References):
        return f"{rule.column} appears in {rule.table}.{rule.target}"
    if isinstance(rule, WithinLife):
        return f"{rule.column} is between the child's birth_date and death_date"
    if isinstance(rule, KnownProvider):
        return f"{' or '.join(rule.columns)} names a provider in provider"
    if isinstance(rule, NoOverlap):
        return f"spans of one {rule.by} do not overlap"
    raise AssertionError(rule)


def markdown() -> str:
    """Every table: its grain, key, columns (kind, required, severity, notes) and rules.

    A personal column's notes say so: its values are never quoted in a problem report.
    """
    parts: list[str] = []
    for table in TABLES:
        parts.append(f"### {table.name}\n")
        parts.append(f"{table.grain} Key: ({', '.join(table.key)}).\n")
        parts.append("| column | required | expected | a bad value is | notes |")
        parts.append("|---|---|---|---|---|")
        for column in table.columns:
            severity = "an error" if column.severity is Severity.ERROR else "a warning"
            if column.kind.value == "text":
                severity = "—"
            notes = "; ".join(
                n for n in (column.notes, "personal: never quoted" if column.personal else "") if n
            )
            parts.append(
                f"| {column.name} | {'yes' if column.required else 'no'} | {column.expected} "
                f"| {severity} | {notes} |"
            )
        parts.append("")
        parts.append("| rule | a break is |")
        parts.append("|---|---|")
        for rule in table.rules:
            costs = "an error" if rule.severity is Severity.ERROR else "a warning"
            parts.append(f"| {_rule(rule)} | {costs} |")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(markdown())
