"""Checking: every rule of the contract as SQL over the staging tables.

Value checks (required values, codes, dates, NPIs) and rule checks (order of dates,
dates in the future or outside the child's life, references between files, known
providers) run as counts grouped by the joins they need, so that each staging table is
scanned once per set of joins; keys and overlapping spans have their own queries. Every
problem is reported with its file, column, check, expected value and example rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from wellchild.contract import TABLES
from wellchild.contract.schema import (
    Column,
    KnownProvider,
    NoOverlap,
    NotFuture,
    Ordered,
    References,
    Severity,
    Unique,
    WithinLife,
)
from wellchild.engines.duckdb_sql import (
    BAD_VALUE,
    BY_VALUE,
    bad_text,
    literal,
    quote,
    value_valid,
)
from wellchild.engines.load.staging import BAD, Progress, Staged, scalar
from wellchild.ingest.report import Example, LoadReport, Problem

# Said with a repeated key when a repeated id is a number of 16 or more digits: a file
# that went through a spreadsheet had its long ids rounded into each other.
ROUNDED_IDS = (
    " The repeated ids are numbers of 16 or more digits: a spreadsheet keeps 15 "
    "significant digits, so ids that differ only in their last digits became the same "
    "number. Open the file with the id columns as text, or export it again from its source."
)


@dataclass(frozen=True)
class Check:
    """One row-level check, as SQL over the staging table ``s`` and its joins."""

    id: str
    severity: Severity
    column: str | None
    message: str
    expected: str
    cond: str
    found: str
    hint: str = ""
    joins: tuple[str, ...] = ()


class Checker:
    """Runs the contract's checks over the staged tables and adds what fails to the
    report (errors refuse the load, warnings are recorded with it)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        report: LoadReport,
        staged: dict[str, Staged],
        today: dt.date,
        examples: int,
        step: Progress,
    ) -> None:
        self.con = con
        self.report = report
        self.staged = staged
        self.today = today
        self.examples = examples
        self.step = step
        self.distinct_done: set[str] = set()

    def check(self) -> None:
        for checked, table in enumerate(TABLES):
            if table.name in self.staged:
                label = self.staged[table.name].source.label
                self.step(f"Checking {label}", 0.6 + 0.25 * checked / len(TABLES))
                self._check(self.staged[table.name])

    def _check(self, staged: Staged) -> None:
        table = staged.source.table
        checks = self._value_checks(staged) + self._rule_checks(staged)
        # One scan per set of joins: a scan with many joins costs more than several
        # scans with few (checks that need no join share one scan).
        groups: dict[tuple[str, ...], list[Check]] = {}
        for check in checks:
            groups.setdefault(check.joins, []).append(check)
        for joins, group in groups.items():
            counts = ", ".join(f"count(*) FILTER (WHERE {c.cond})" for c in group)
            result = self.con.execute(
                f"SELECT {counts} FROM {staged.name} s {' '.join(joins)}"
            ).fetchone()
            assert result is not None
            for check, count in zip(group, result, strict=True):
                if count:
                    self._report(staged, check, int(count))
        for rule in table.rules:
            if isinstance(rule, Unique):
                self._unique(staged, rule)
            elif isinstance(rule, NoOverlap):
                self._overlap(staged, rule)

    def _value_checks(self, staged: Staged) -> list[Check]:
        checks: list[Check] = []
        for column in staged.source.table.columns:
            if column.name not in staged.source.mapping:
                continue
            name = quote(column.name)
            has_bad = bad_text(column, "x") is not None
            if column.required:
                bad = f" AND s.{quote(BAD + column.name)} IS NULL" if has_bad else ""
                checks.append(
                    Check(
                        id="required",
                        severity=Severity.ERROR,
                        column=column.name,
                        message="a required value is empty",
                        expected=f"a value ({column.expected})",
                        cond=f"s.{name} IS NULL{bad}",
                        found="'(empty)'",
                        hint=f"Every row needs {column.name}."
                        + (f" {column.notes.capitalize()}." if column.notes else ""),
                    )
                )
            if column.kind in BY_VALUE:
                bad_values = self._bad_values(staged, column)
                if not scalar(self.con, f"SELECT count(*) FROM {bad_values}"):
                    continue  # every distinct value is fine: no row can fail
                alias = f"badv_{column.name}"
                cond = f"{alias}.k IS NOT NULL"
                found = _found(column, f"s.{name}")
                joins: tuple[str, ...] = (
                    f"LEFT JOIN {self._bad_values(staged, column)} {alias} ON s.{name} = {alias}.k",
                )
            elif has_bad:
                bad_col = f"s.{quote(BAD + column.name)}"
                cond, found, joins = f"{bad_col} IS NOT NULL", _found(column, bad_col), ()
            else:
                continue
            checks.append(
                Check(
                    id=f"bad_{column.kind.value}",
                    severity=column.severity,
                    column=column.name,
                    message=f"{column.name} {BAD_VALUE[column.kind]}",
                    expected=column.expected,
                    cond=cond,
                    found=found,
                    hint=column.hint
                    + (
                        " The line is kept and the value simply matches nothing."
                        if column.severity is Severity.WARNING
                        else ""
                    ),
                    joins=joins,
                )
            )
        return checks

    def _bad_values(self, staged: Staged, column: Column) -> str:
        """A temporary table of a column's distinct values that break its kind: codes and
        NPIs repeat a lot, so each distinct value is tested once."""
        table = staged.source.table.name
        distinct = f"distinct__{table}"
        if distinct not in self.distinct_done:  # one scan collects every such column
            present = [
                c.name
                for c in staged.source.table.columns
                if c.kind in BY_VALUE and c.name in staged.source.mapping
            ]
            which = " ".join(f"WHEN grouping({quote(c)}) = 0 THEN {literal(c)}" for c in present)
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {distinct} AS SELECT CASE {which} END AS col, "
                f"coalesce({', '.join(f'CAST({quote(c)} AS VARCHAR)' for c in present)}) AS k "
                f"FROM {staged.name} GROUP BY GROUPING SETS "
                f"({', '.join(f'({quote(c)})' for c in present)})"
            )
            self.distinct_done.add(distinct)
        name = f"bad_values__{table}__{column.name}"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT k FROM {distinct} "
            f"WHERE col = {literal(column.name)} AND k IS NOT NULL "
            f"AND NOT coalesce({value_valid(column, 'k')}, FALSE)"
        )
        return name

    def _rule_checks(self, staged: Staged) -> list[Check]:
        table = staged.source.table
        present = set(staged.source.mapping)
        checks: list[Check] = []
        for index, rule in enumerate(table.rules):
            if isinstance(rule, Ordered) and {rule.earlier, rule.later} <= present:
                a, b = f"s.{quote(rule.earlier)}", f"s.{quote(rule.later)}"
                checks.append(
                    Check(
                        id="order",
                        severity=rule.severity,
                        column=rule.later,
                        message=f"{rule.later} is before {rule.earlier}",
                        expected=f"{rule.later} on or after {rule.earlier}",
                        cond=f"{b} < {a}",
                        found=f"'{rule.later} ' || {b} || ' < {rule.earlier} ' || {a}",
                        hint=f"Check both dates; {rule.earlier} and {rule.later} may have been "
                        "swapped.",
                    )
                )
            elif isinstance(rule, NotFuture) and rule.column in present:
                c = f"s.{quote(rule.column)}"
                checks.append(
                    Check(
                        id="future",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is in the future",
                        expected=f"a date on or before today ({self.today.isoformat()})",
                        cond=f"{c} > DATE '{self.today.isoformat()}'",
                        found=f"CAST({c} AS VARCHAR)",
                        hint="A date in the future is usually a typo in the year.",
                    )
                )
            elif isinstance(rule, References) and rule.column in present:
                target = self.staged.get(rule.table)
                if target is None:
                    continue
                alias = f"r{index}"
                c = f"s.{quote(rule.column)}"
                join = (
                    f"LEFT JOIN (SELECT DISTINCT {quote(rule.target)} AS k FROM "
                    f"{target.name}) {alias} ON {c} = {alias}.k"
                )
                if (rule.table, rule.target, rule.column) == ("member", "member_id", "member_id"):
                    alias, join = "life", self._life_join()  # one join serves both rules
                checks.append(
                    Check(
                        id=f"unknown_{rule.target}",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is not in {rule.table}",
                        expected=f"a {rule.target} listed in {target.source.label}",
                        cond=f"{c} IS NOT NULL AND {alias}.k IS NULL"
                        + (  # a value of the wrong shape is reported once, as such
                            f" AND {value_valid(table.column(rule.column), c)}"
                            if table.column(rule.column).kind in BY_VALUE
                            else ""
                        ),
                        found=c,
                        hint=rule.hint,
                        joins=(join,),
                    )
                )
            elif isinstance(rule, WithinLife) and rule.column in present:
                member = self.staged.get("member")
                if member is None:
                    continue
                alias = "life"
                c = f"s.{quote(rule.column)}"
                join = self._life_join()
                checks.append(
                    Check(
                        id="before_birth",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is before the child's birth_date",
                        expected=f"{rule.column} on or after birth_date in member",
                        cond=f"{c} < {alias}.birth",
                        found=f"{c} || ' < birth ' || {alias}.birth",
                        hint="The line is kept; check the date or the member_id.",
                        joins=(join,),
                    )
                )
                checks.append(
                    Check(
                        id="after_death",
                        severity=rule.severity,
                        column=rule.column,
                        message=f"{rule.column} is after the child's death_date",
                        expected=f"{rule.column} on or before death_date in member",
                        cond=f"{c} > {alias}.death",
                        found=f"{c} || ' > death ' || {alias}.death",
                        hint="The line is kept; check the date or the member_id.",
                        joins=(join,),
                    )
                )
            elif isinstance(rule, KnownProvider):
                provider = self.staged.get("provider")
                if provider is None:
                    continue
                joins, conds = [], []
                for column in rule.columns:
                    alias = f"p_{column}"
                    c = f"s.{quote(column)}" if column in present else "NULL"
                    joins.append(
                        f"LEFT JOIN (SELECT DISTINCT npi AS k FROM {provider.name}) {alias} "
                        f"ON {c} = {alias}.k"
                    )
                    conds.append(f"{alias}.k IS NULL")
                shown = (
                    " || ', ' || ".join(
                        f"'{c} ' || coalesce(s.{quote(c)}, '(empty)')"
                        for c in rule.columns
                        if c in present
                    )
                    or "'(no NPI columns)'"
                )
                checks.append(
                    Check(
                        id="unknown_provider",
                        severity=rule.severity,
                        column=", ".join(rule.columns),
                        message="no NPI on the line names a provider in provider",
                        expected="a rendering or billing NPI listed in provider",
                        cond=" AND ".join(conds),
                        found=shown,
                        hint=rule.hint,
                        joins=tuple(joins),
                    )
                )
        return checks

    def _life_join(self) -> str:
        """Each row's child (alias ``life``): whether it exists, its birth and death."""
        member = self.staged["member"]
        return (
            f"LEFT JOIN (SELECT member_id AS k, min(birth_date) AS birth, "
            f"max(death_date) AS death FROM {member.name} GROUP BY member_id) life "
            f"ON s.member_id = life.k"
        )

    def _report(self, staged: Staged, check: Check, count: int) -> None:
        member = "s.member_id" if "member_id" in staged.source.mapping else "NULL"
        rows = self.con.execute(
            f"SELECT s.rowid, CAST({check.found} AS VARCHAR), {member} FROM {staged.name} s "
            # the first rows in the file: a join may emit its rows in any order
            f"{' '.join(check.joins)} WHERE {check.cond} ORDER BY s.rowid LIMIT {self.examples}"
        ).fetchall()
        self.report.add(
            Problem(
                severity=check.severity,
                file=staged.source.label,
                column=check.column,
                check=check.id,
                message=check.message,
                expected=check.expected,
                count=count,
                examples=tuple(
                    Example(row=staged.row_number(int(r[0])), found=str(r[1]), member_id=r[2])
                    for r in rows
                ),
                hint=check.hint,
            )
        )

    def _unique(self, staged: Staged, rule: Unique) -> None:
        if not set(rule.columns) <= set(staged.source.mapping):
            return
        key = ", ".join(quote(c) for c in rule.columns)
        not_null = " AND ".join(f"{quote(c)} IS NOT NULL" for c in rule.columns)
        count = scalar(
            self.con,
            f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {staged.name} "
            f"WHERE {not_null} GROUP BY {key} HAVING count(*) > 1)",
        )
        if not count:
            return
        shown = " || ', ' || ".join(f"'{c} ' || CAST({quote(c)} AS VARCHAR)" for c in rule.columns)
        member = "member_id" if "member_id" in staged.source.mapping else "NULL"
        # an id of 16 or more digits, which a spreadsheet rounds to 15 significant ones
        long_number = " OR ".join(
            f"regexp_full_match(CAST({quote(c)} AS VARCHAR), '[0-9]{{16,}}')" for c in rule.columns
        )
        rows = self.con.execute(
            f"SELECT rowid, {shown}, first_rowid, {member}, {long_number} FROM (SELECT rowid, *, "
            f"min(rowid) OVER (PARTITION BY {key}) AS first_rowid, "
            f"row_number() OVER (PARTITION BY {key} ORDER BY rowid) AS k "
            f"FROM {staged.name} WHERE {not_null}) WHERE k > 1 ORDER BY rowid "
            f"LIMIT {self.examples}"
        ).fetchall()
        names = ", ".join(rule.columns)
        self.report.add(
            Problem(
                severity=rule.severity,
                file=staged.source.label,
                column=names,
                check="duplicate_key",
                message=f"the key ({names}) is repeated",
                expected=f"each ({names}) once: {staged.source.table.grain}",
                count=count,
                examples=tuple(
                    Example(
                        row=staged.row_number(int(r[0])),
                        found=f"{r[1]}, already on row {staged.row_number(int(r[2]))}",
                        member_id=r[3],
                    )
                    for r in rows
                ),
                hint="Remove the repeated rows, or give each its own key."
                + (ROUNDED_IDS if any(r[4] for r in rows) else ""),
            )
        )

    def _overlap(self, staged: Staged, rule: NoOverlap) -> None:
        if not {rule.by, rule.start} <= set(staged.source.mapping):
            return
        end = quote(rule.end) if rule.end in staged.source.mapping else "NULL"
        inner = (
            f"SELECT rowid, {quote(rule.by)} AS who, {quote(rule.start)} AS s, "
            f"max(coalesce({end}, DATE '9999-12-31')) OVER (PARTITION BY {quote(rule.by)} "
            f"ORDER BY {quote(rule.start)}, rowid ROWS BETWEEN UNBOUNDED PRECEDING AND "
            f"1 PRECEDING) AS reach FROM {staged.name} WHERE {quote(rule.by)} IS NOT NULL "
            f"AND {quote(rule.start)} IS NOT NULL"
        )
        count = scalar(self.con, f"SELECT count(*) FROM ({inner}) WHERE s <= reach")
        if not count:
            return
        rows = self.con.execute(
            f"SELECT rowid, s, reach, who FROM ({inner}) WHERE s <= reach ORDER BY rowid "
            f"LIMIT {self.examples}"
        ).fetchall()
        self.report.add(
            Problem(
                severity=rule.severity,
                file=staged.source.label,
                column=rule.start,
                check="overlap",
                message=f"spans of one {rule.by} overlap",
                expected=f"each {rule.by}'s spans one after another",
                count=count,
                examples=tuple(
                    Example(
                        row=staged.row_number(int(r[0])),
                        found=f"{rule.start} {r[1]} inside an earlier span "
                        + ("that is still open" if str(r[2]) == "9999-12-31" else f"ending {r[2]}"),
                        member_id=r[3],
                    )
                    for r in rows
                ),
                hint=rule.hint,
            )
        )


def _found(column: Column, expr: str) -> str:
    if column.personal:
        return f"'(a value of ' || length({expr}) || ' characters)'"
    return f"'\"' || {expr} || '\"'"
