"""A small subset of FHIRPath, enough for the declarative views of this package.

SQL-on-FHIR view definitions select columns with FHIRPath; the views here use the part
of it that flat claims and member data need: member access (``name.given``, which flattens
lists the way FHIRPath collections do), ``where(a.b = 'x' and c = 'y')``, ``first()``,
``join('sep')``, ``exists()`` and ``extension('url')``. Anything else is refused when the
view is loaded, so a typo in a mapping file fails at start-up, not halfway through a file.

Examples
--------
>>> patient = {"name": [{"family": "Reyes", "given": ["Ana", "Luz"]}],
...            "identifier": [{"type": {"coding": [{"code": "MB"}]}, "value": "M1"}]}
>>> evaluate(compile_path("name.given.first()"), patient)
['Ana']
>>> evaluate(compile_path("identifier.where(type.coding.code = 'MB').value"), patient)
['M1']
>>> evaluate(compile_path("name.given.join(' ')"), patient)
['Ana Luz']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*'([^']*)'\s*$")
_CALL = re.compile(r"^([A-Za-z_]\w*)\((.*)\)$", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class Step:
    """One step of a path: a member name, or a function with its argument."""

    name: str
    function: bool = False
    argument: str = ""
    conditions: tuple[tuple[tuple[Step, ...], str], ...] = ()


Path = tuple[Step, ...]


def _split(expression: str) -> list[str]:
    """Split on dots that are outside parentheses and quotes."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, char in enumerate(expression):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == ".":
            parts.append(expression[start:i])
            start = i + 1
    parts.append(expression[start:])
    return [p.strip() for p in parts]


def _literal(argument: str, expression: str) -> str:
    text = argument.strip()
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        raise ValueError(f"{expression!r}: expected a quoted string, found {argument!r}")
    return text[1:-1]


def compile_path(expression: str) -> Path:
    """Parse ``expression`` once; raises ValueError naming the part it cannot read."""
    steps: list[Step] = []
    for part in _split(expression):
        call = _CALL.match(part)
        if call is None:
            if not _NAME.match(part):
                raise ValueError(f"{expression!r}: cannot read {part!r}")
            steps.append(Step(part))
            continue
        name, argument = call.group(1), call.group(2)
        if name == "where":
            conditions = []
            for clause in re.split(r"\s+and\s+", argument):
                match = _CONDITION.match(clause)
                if match is None:
                    raise ValueError(
                        f"{expression!r}: where() takes path = 'value', found {clause!r}"
                    )
                conditions.append((compile_path(match.group(1)), match.group(2)))
            steps.append(Step(name, True, conditions=tuple(conditions)))
        elif name in ("join", "extension"):
            steps.append(Step(name, True, _literal(argument, expression)))
        elif name in ("first", "exists") and not argument.strip():
            steps.append(Step(name, True))
        else:
            raise ValueError(f"{expression!r}: the function {name}() is not supported")
    return tuple(steps)


def _members(items: list[Any], name: str) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not isinstance(item, dict) or name not in item:
            continue
        value = item[name]
        out.extend(value if isinstance(value, list) else [value])
    return out


def _matches(item: Any, conditions: tuple[tuple[Path, str], ...]) -> bool:
    return all(
        any(_text(v) == expected for v in evaluate(path, item)) for path, expected in conditions
    )


def _text(value: Any) -> str:
    """FHIRPath spells booleans in lower case (``preferred = 'true'``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def evaluate(path: Path, resource: Any) -> list[Any]:
    """The collection ``path`` selects in ``resource`` (empty when nothing matches)."""
    items: list[Any] = [resource]
    for step in path:
        if not step.function:
            items = _members(items, step.name)
        elif step.name == "where":
            items = [i for i in items if _matches(i, step.conditions)]
        elif step.name == "extension":
            items = [e for e in _members(items, "extension") if e.get("url") == step.argument]
        elif step.name == "first":
            items = items[:1]
        elif step.name == "exists":
            items = [bool(items)]
        else:  # join
            items = [step.argument.join(_text(i) for i in items)] if items else []
    return items
