"""Every measure as Markdown, for docs/measure-rules.md (a test keeps the two equal).

The cards are written from what runs, not from prose about it: the specification each
measure follows comes from its ``spec.yaml``, and the denominator, exclusions, numerator
and attribution day are the labels of the very blocks the measure is built from, so a
change to a window, an age or a value set changes the page.

Run ``python -m wellchild.measures.describe`` to print it.
"""

from __future__ import annotations

import csv
from importlib import resources

from wellchild.measures.registry import Measure, all_measures


def _code_lists() -> dict[str, dict[str, list[str]]]:
    """Each concept's codes by code system, spelled as ``value_sets.csv`` spells them
    (ranges as ``lo–hi``), in the file's order."""
    text = resources.files("wellchild.value_sets").joinpath("value_sets.csv").read_text("utf-8")
    lists: dict[str, dict[str, list[str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        codes = lists.setdefault(row["concept"], {}).setdefault(row["system"], [])
        codes.append(row["code"].replace("..", "–"))
    return lists


def _card(measure: Measure) -> list[str]:
    spec = measure.spec
    lines = [
        f"### `{measure.id}` — {measure.name}\n",
        f"- **Follows**: {spec['source']} ({spec['steward']}), version {measure.version}.",
        f"- **Denominator**: {measure.denominator.label}.",
        "- **Exclusions**: "
        + "; ".join(f"{e.reason}: {e.criterion.label}" for e in measure.exclusions)
        + ".",
        f"- **Numerator**: {measure.numerator.label}.",
        f"- **Attribution day**: {measure.attribution.label}.",
        "- **Code lists**: " + ", ".join(f"`{c}`" for c in spec["value_sets"]) + ".",
        "",
    ]
    return lines


def markdown() -> str:
    """A card per measure in the registry's order, then every code list with its codes."""
    parts: list[str] = []
    for measure in all_measures():
        parts.extend(_card(measure))
    parts.append("### The code lists\n")
    parts.append("| code list | codes |")
    parts.append("|---|---|")
    for name, systems in _code_lists().items():
        codes = "; ".join(f"{system} {', '.join(c)}" for system, c in systems.items())
        parts.append(f"| `{name}` | {codes} |")
    parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(markdown())
