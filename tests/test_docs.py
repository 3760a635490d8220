"""A command, an option or a setting without documentation fails the build."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from paths import DATA, ROOT
from wellchild import config
from wellchild.cli import command as wellchild_command
from wellchild.contract.describe import markdown
from wellchild.core.services import PRIMARY_CARE
from wellchild.measures.blocks import (
    FIFTEEN_MONTHS,
    THIRTY_MONTHS,
    continuously_enrolled,
)
from wellchild.measures.catalogue import ids as measure_ids
from wellchild.measures.context import Settings
from wellchild.measures.describe import markdown as describe_measures
from wellchild.measures.registry import load_spec
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


def test_readme_layout_names_every_package() -> None:
    """The layout block names every package and first-level module of wellchild, and
    no engine is promised for later."""
    text = (ROOT / "README.md").read_text()
    layout = text[text.index("## Layout") :]
    block = layout[layout.index("```") : layout.index("```", layout.index("```") + 3)]
    src = ROOT / "src" / "wellchild"
    for path in src.iterdir():
        if path.is_dir() and any(path.glob("*.py")):
            assert f"  {path.name}/" in block, f"the README's layout leaves out {path.name}/"
        elif path.suffix == ".py":
            assert path.name in block, f"the README's layout leaves out {path.name}"
    assert "later" not in block


def test_measure_rules_md_shows_every_measure_as_the_code_has_it() -> None:
    text = (DOCS / "measure-rules.md").read_text()
    assert text.rstrip().endswith(describe_measures().rstrip())
    glance = text[text.index("## The measures at a glance") : text.index("## Definitions")]
    assert re.findall(r"^\| `(\w+)` \|", glance, re.M) == list(measure_ids())


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
    for measure_id in measure_ids():
        assert set(load_spec(measure_id)["value_sets"]) <= concepts, measure_id
    assert f"fewer than {SMALL_DENOMINATOR} children" in text
    assert f"from {SMALL.start} to {SMALL.stop - 1} is hidden" in text


# Every example runs as written -------------------------------------------------------

#: Examples not run here, each with the reason (and where it is run instead).
NOT_RUN = {
    "wellchild demo": "runs the whole pipeline: tests/test_demo.py runs it",
    "spark://": "needs a Spark cluster: tests/measures run the Spark engine in local mode",
    "wellchild hub serve": "serves until interrupted: the browser tests in tests/hub serve it",
    "demo-output/": "publishes into the folder `make demo` writes",
    "changepassword": "asks for the new password at a terminal",
    "catalogue import": "rewrites the package's own catalogue: tests/outreach import into a copy",
}
#: Examples whose documented outcome is a non-zero exit status.
EXPECTED_STATUS = {"check --deploy --fail-level WARNING": 1}
#: The only changes made to an example before it runs: a small population, and absolute
#: folders made relative to the sandbox.
REWRITES = ((r"--children \d+", "--children 2000"), (r"(?<![\w.])/(secure|mnt/share|run)/", r"\1/"))


def _examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (DOCS / "cli.md").read_text(), re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    # The hub is set up before anything is published to it.
    init = [line for line in lines if "hub init" in line]
    rest = [line for line in lines if "hub init" not in line]
    first = next(i for i, line in enumerate(rest) if "wellchild publish" in line)
    return rest[:first] + init + rest[first:]


def test_every_example_in_help_is_in_cli_md() -> None:
    documented = " ".join(" ".join(_examples()).split())
    root = wellchild_command()
    found: list[tuple[str, str]] = []

    def walk(name: str, command: Any) -> None:
        for line in (command.epilog or "").splitlines():
            if line.startswith("    "):
                found.append((name, " ".join(line.split())))
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(f"{name} {sub_name}", sub)

    walk("wellchild", root)
    assert len(found) > 40
    missing = [f"{name}: {example}" for name, example in found if example not in documented]
    assert not missing, "--help shows examples cli.md lacks:\n" + "\n".join(missing)


def _sandbox_files(here: Path) -> None:
    """The files the examples name that no earlier example writes."""
    shutil.copytree(DATA / "synthea-r4-bundles" / "bulk-ndjson", here / "bulk-export")
    shutil.copytree(DATA / "synthea-csv-sample", here / "synthea" / "csv")
    inputs = DATA / "qicharts2" / "inputs"
    cdi = pd.read_csv(inputs / "cdi.csv")
    cdi.rename(columns={"n": "visits"})[["month", "visits"]].to_csv(
        here / "visits.csv", index=False
    )
    nhs = pd.read_csv(inputs / "nhs_accidents.csv")
    months = pd.date_range("2023-01-01", periods=len(nhs), freq="MS").strftime("%Y-%m-%d")
    wcv = pd.DataFrame({"month": months, "met": nhs["r"], "eligible": nhs["n"]})
    wcv.to_csv(here / "wcv.csv", index=False)
    infections = pd.read_csv(inputs / "hospital_infections.csv").rename(columns={"n": "cases"})
    infections.to_csv(here / "infections.csv", index=False)
    (here / "recruited.txt").write_text("P00010\nP00003\n")
    (here / "recruited.csv").write_text("practice_id\nP00010\nP00003\nP00014\n")
    (here / "run").mkdir()
    (here / "run" / "pw").write_text("a long coordinator password 42\n")


def _before(example: str, here: Path) -> None:
    """Inputs an example needs from the examples before it."""
    if "load /secure/extract-2025-06" in example:
        shutil.copytree(here / "data" / "synthetic", here / "secure" / "extract-2025-06")
    if "referrals import march-statuses.csv" in example:
        register = pd.read_csv(here / "outreach" / "P00010" / "referral_register.csv", dtype=str)
        assert len(register), "P00010 has no child on its gap list"
        register = register.assign(status="given", status_date="2025-01-15")
        register.to_csv(here / "march-statuses.csv", index=False)


@pytest.mark.slow
def test_every_example_in_cli_md_runs_as_written(tmp_path: Path) -> None:
    here = tmp_path
    _sandbox_files(here)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WELLCHILD_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        WELLCHILD_HUB_DATA_DIR=str(here / "hub"),
        WELLCHILD_HUB_SITE_URL="http://hub.test",
        COLUMNS="120",
    )
    ran = 0
    for example in _examples():
        if any(marker in example for marker in NOT_RUN):
            continue
        command = example
        for pattern, replacement in REWRITES:
            command = re.sub(pattern, replacement, command)
        _before(example, here)
        done = subprocess.run(
            ["bash", "-c", command], cwd=here, env=env, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, check=False, timeout=900,
        )  # fmt: skip
        expected = next((s for k, s in EXPECTED_STATUS.items() if k in example), 0)
        said = done.stdout[-2000:] + done.stderr[-2000:]
        assert done.returncode == expected, f"{example}\n exit {done.returncode}:\n{said}"
        assert "Traceback" not in said, f"{example}\n{said}"
        ran += 1
    assert ran >= 40
