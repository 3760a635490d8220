"""A command, an option or a setting without documentation fails the build."""

from __future__ import annotations

import inspect
import re
from typing import Any

from paths import ROOT
from wellchild import config
from wellchild.cli import command as wellchild_command
from wellchild.contract.describe import markdown
from wellchild.core.services import PRIMARY_CARE
from wellchild.measures.blocks import (
    FIFTEEN_MONTHS,
    THIRTY_MONTHS,
    continuously_enrolled,
)
from wellchild.measures.context import Settings
from wellchild.measures.describe import markdown as describe_measures
from wellchild.measures.registry import ORDER, load_spec
from wellchild.measures.summary import SMALL_DENOMINATOR
from wellchild.measures.suppression import SMALL
from wellchild.value_sets import all_concepts

DOCS = ROOT / "docs"


def _commands() -> dict[str, Any]:
    """Every leaf command of the app by its full name ("load", "hub serve", ...)."""
    found: dict[str, Any] = {}

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found[prefix] = command

    walk("", wellchild_command())
    return found


def test_every_group_has_examples_too() -> None:
    root = wellchild_command()
    groups = {"wellchild": root}
    groups.update({f"wellchild {n}": c for n, c in root.commands.items() if hasattr(c, "commands")})
    assert set(groups) >= {"wellchild", "wellchild hub", "wellchild ingest", "wellchild export",
                           "wellchild referrals"}  # fmt: skip
    for name, group in groups.items():
        assert "Example" in (group.epilog or ""), f"`{name} --help` shows no example"


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/cli.md has no section '## {heading}'"
    return match.group(1)


def test_every_command_and_option_is_in_cli_md() -> None:
    text = (DOCS / "cli.md").read_text()
    commands = _commands()
    assert commands, "the app has no commands"
    for name, command in commands.items():
        section = _section(text, f"wellchild {name}")
        for param in command.params:
            if param.name == "help":
                continue
            if param.param_type_name == "option":
                long = max(param.opts, key=len)
                assert long in section, f"{long} of `wellchild {name}` is not documented"
            else:
                assert (param.name or "").upper() in section or (param.metavar or "") in section
        assert command.help, f"`wellchild {name}` has no help text"
        assert "Example" in (command.epilog or ""), f"`wellchild {name} --help` shows no example"


def test_every_documented_command_exists() -> None:
    documented = re.findall(r"^## wellchild (.+)$", (DOCS / "cli.md").read_text(), re.M)
    assert sorted(documented) == sorted(_commands())


def test_every_setting_is_in_configuration_md_and_nothing_else() -> None:
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"`(WELLCHILD_[A-Z_]+)`", text)) - {"WELLCHILD_"}
    declared = {s.env for s in config.SETTINGS.values()}
    files = {s.env + "_FILE" for s in config.SETTINGS.values() if s.secret}
    assert documented - files == declared
    for setting in config.SETTINGS.values():
        assert setting.help


def test_contract_md_shows_the_contract_as_the_code_has_it() -> None:
    text = (DOCS / "contract.md").read_text()
    assert text.rstrip().endswith(markdown().rstrip())


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    head = text[: text.index("## The pipeline")]
    assert "make demo" in head
    assert "make test" in head


def test_measure_rules_md_shows_every_measure_as_the_code_has_it() -> None:
    text = (DOCS / "measure-rules.md").read_text()
    assert text.rstrip().endswith(describe_measures().rstrip())
    glance = text[text.index("## The measures at a glance") : text.index("## Definitions")]
    assert re.findall(r"^\| `(\w+)` \|", glance, re.M) == list(ORDER)


def test_measure_rules_md_states_the_shared_rules_the_blocks_use() -> None:
    """The words of the shared definitions carry the numbers the building blocks use."""
    text = " ".join((DOCS / "measure-rules.md").read_text().split())
    assert "first birthday + 90 days" in FIFTEEN_MONTHS.label
    assert "second birthday + 180 days" in THIRTY_MONTHS.label
    assert "the first birthday + 90 days" in text
    assert "the second birthday + 180 days" in text
    assert "the first birthday + 91 days" in text
    gap = inspect.signature(continuously_enrolled).parameters
    assert f"one gap of at most {gap['max_gap_days'].default} days" in text
    assert gap["max_gaps"].default == 1
    assert " or ".join(f"`{kind}`" for kind in PRIMARY_CARE) in text
    assert Settings().telehealth
    assert "the `telehealth` setting turns this off" in text
    assert Settings().visit_spacing_days == 0
    assert "off by default" in text
    concepts = set(all_concepts())
    for measure_id in ORDER:
        assert set(load_spec(measure_id)["value_sets"]) <= concepts, measure_id
    assert f"fewer than {SMALL_DENOMINATOR} children" in text
    assert f"from {SMALL.start} to {SMALL.stop - 1} is hidden" in text
