"""How ``wellchild --help`` reads: commands in the order of the pipeline, in panels, and
options that say what they take.

Typer labels every option with its Python type (``<bool>`` on a flag, ``<list[str]>`` on
a repeatable option, ``<str>`` on a date), which reads as if a flag needed a value. The
built command tree is tidied once here, so every command keeps its declaration where it
is and the help still teaches: a flag shows nothing after its name, a date shows its
format, a repeatable option shows what one value is.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

#: The top-level commands, in the order a new user meets them, by panel.
PANELS: dict[str, tuple[str, ...]] = {
    "Start here": ("demo",),
    "Data in": ("synth", "ingest", "link", "load", "status"),
    "Measures and charts": ("measure", "qi-series", "qi-chart"),
    "The medical–dental pilot": ("rank", "outreach", "brochure", "referrals", "evaluate"),
    "The hub": ("hub", "publish", "withdraw"),
    "To other systems": ("export", "export-store"),
}

#: What one value of an option is, where its type alone does not say.
METAVARS: dict[str, str] = {
    "--as-of": "<YYYY-MM-DD>",
    "--program-start": "<YYYY-MM-DD>",
    "--from": "<YYYY-MM>",
    "--to": "<YYYY-MM>",
    "--measure": "<id>",
    "--practice": "<id>",
    "--county": "<fips>",
    "--reference": "<dimension=group>",
    "--aim": "<measure=points>",
    "--spark-master": "<url>",
    "--input": "<folder|url>",
    "--label": "<text>",
    "--language": "<tag>",
    "--title": "<text>",
    "--x": "<column>",
    "--y": "<column>",
    "--n": "<column>",
    "--facet": "<column>",
    "--notes": "<column>",
    "--part": "<k[,k...]>",
    "--exclude": "<i[,j...]>",
}


def tidy(root: TyperGroup) -> TyperGroup:
    """Order and panel the top-level commands and relabel every option; returns ``root``."""
    ordered = [name for names in PANELS.values() for name in names if name in root.commands]
    rest = [name for name in root.commands if name not in ordered]
    root.commands = {name: root.commands[name] for name in [*ordered, *rest]}
    for panel, names in PANELS.items():
        for name in names:
            if name in root.commands:
                setattr(root.commands[name], "rich_help_panel", panel)  # noqa: B010
    _relabel(root)
    return root


def _relabel(command: Any) -> None:
    # The --help option is made on first use and kept; make it now, to relabel it too.
    help_option = command.get_help_option(typer.Context(command))
    for param in [*command.params, *([help_option] if help_option else [])]:
        if isinstance(param, TyperArgument) and param.nargs != 1:
            # An argument has no metavar for its type column: say "words" on this one.
            param.display_type_rich = lambda ctx: "<words>..."  # type: ignore[method-assign]
        if not isinstance(param, TyperOption):
            continue
        if param.is_flag:
            param.metavar = ""
        elif param.metavar is None:
            name = max(param.opts, key=len)
            if name in METAVARS:
                param.metavar = METAVARS[name]
            elif param.multiple or param.bare_type() == "str":
                param.metavar = "<text>"
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            _relabel(sub)
