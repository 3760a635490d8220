"""What a load found: every problem, counted, with a few example rows each.

A :class:`Problem` is one kind of problem in one file and column (``birth_date`` is not
a date), with how many rows have it and the first few of them. A :class:`LoadReport`
holds them all; it decides whether the load may go on (no errors) and renders itself as
plain text or JSON. Personal values (names, addresses, phones) are never quoted.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wellchild.contract.schema import Severity

_NAMES = {0: "<NUL>", 9: "<TAB>", 10: "<LF>", 13: "<CR>", 0xFEFF: "<BOM>"}


def visible(text: str) -> str:
    """``text`` with control characters named (``<NUL>``, ``<TAB>``, ``<U+0007>``), so a
    byte that a terminal would show as a space or drop is seen for what it is."""
    if text.isprintable():
        return text
    return "".join(
        _NAMES.get(ord(c), f"<U+{ord(c):04X}>") if not c.isprintable() and c != " " else c
        for c in text
    )


@dataclass(frozen=True)
class Example:
    """One row that has the problem: where it is and what was found there."""

    row: int | None
    found: str
    member_id: str | None = None


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one file (and column), with its count and examples.

    ``row`` numbers count like a spreadsheet: in a CSV file the header is row 1 and the
    first data row is row 2; in a Parquet file the first row is row 1.
    """

    severity: Severity
    file: str
    column: str | None
    check: str
    message: str
    expected: str
    count: int
    examples: tuple[Example, ...] = ()
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def render(self) -> str:
        where = self.file + (f", column {self.column}" if self.column else "")
        rows = "row" if self.count == 1 else "rows"
        head = f"{self.severity.value.upper()} {where}: {self.message}"
        if self.count:
            head += f" ({self.count:,} {rows})"
        lines = [head, f"  expected: {self.expected}"]
        for ex in self.examples:
            at = f"row {ex.row}" if ex.row is not None else "file"
            who = f" (member {ex.member_id})" if ex.member_id else ""
            lines.append(f"  {at}{who}: found {visible(ex.found)}")
        more = self.count - len(self.examples)
        if self.examples and more > 0:
            lines.append(f"  … and {more:,} more")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


@dataclass
class LoadReport:
    """Everything a load found, in the order the files and checks were read."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        parts = [
            f"{errors} kind{'s' if errors != 1 else ''} of error",
            f"{warnings} kind{'s' if warnings != 1 else ''} of warning",
        ]
        return " and ".join(parts)

    def render(self) -> str:
        """Every error in full, then the warnings summarised per kind."""
        blocks = [p.render() for p in self.errors]
        kinds: dict[str, list[Problem]] = {}
        for problem in self.warnings:
            kinds.setdefault(problem.check, []).append(problem)
        blocks += [_summarise(problems) for problems in kinds.values()]
        return "\n\n".join(blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "rows": self.rows,
            "problems": [
                {
                    **asdict(p),
                    "severity": p.severity.value,
                    "examples": [asdict(e) for e in p.examples],
                }
                for p in self.problems
            ],
        }

    def write(self, path: Path) -> None:
        """Save every problem and example as ``.json`` or ``.csv`` (one line per example)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
            return
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "severity",
                    "file",
                    "column",
                    "check",
                    "message",
                    "expected",
                    "count",
                    "row",
                    "member_id",
                    "found",
                    "hint",
                ]
            )
            for p in self.errors + self.warnings:
                examples = p.examples or (Example(row=None, found=""),)
                for ex in examples:
                    writer.writerow(
                        [
                            p.severity.value,
                            p.file,
                            p.column or "",
                            p.check,
                            p.message,
                            p.expected,
                            p.count,
                            "" if ex.row is None else ex.row,
                            ex.member_id or "",
                            visible(ex.found),
                            p.hint,
                        ]
                    )


SUMMARY_EXAMPLES = 2  # examples per file and column when one kind of warning repeats


def _summarise(problems: list[Problem]) -> str:
    """One kind of warning found in several files or columns, as one block: the total,
    each place with its count and a couple of examples, and the hints (the rest of the
    examples are in the ``--problems`` file), so that repeats do not bury the rest."""
    if len(problems) == 1:
        return problems[0].render()
    total = sum(p.count for p in problems)
    messages = list(dict.fromkeys(p.message for p in problems))
    head = messages[0] if len(messages) == 1 else "; ".join(messages)
    rows = "row" if total == 1 else "rows"
    lines = [f"{problems[0].severity.value.upper()} {head} ({total:,} {rows} in "
             f"{len(problems)} places)"]  # fmt: skip
    expected = {p.expected for p in problems}
    if len(expected) == 1:
        lines.append(f"  expected: {expected.pop()}")
    for p in problems:
        where = p.file + (f", column {p.column}" if p.column else "")
        lines.append(f"  {where}: {p.count:,} {'row' if p.count == 1 else 'rows'}")
        for ex in p.examples[:SUMMARY_EXAMPLES]:
            at = f"row {ex.row}" if ex.row is not None else "file"
            who = f" (member {ex.member_id})" if ex.member_id else ""
            lines.append(f"    {at}{who}: found {visible(ex.found)}")
        more = p.count - min(len(p.examples), SUMMARY_EXAMPLES)
        if p.examples and more > 0:
            lines.append(f"    … and {more:,} more")
    hints = {p.file: p.hint for p in problems if p.hint}
    if len(set(hints.values())) == 1:
        lines.append(f"  hint: {next(iter(hints.values()))}")
    else:
        lines += [f"  hint for {file}: {hint}" for file, hint in hints.items()]
    return "\n".join(lines)
