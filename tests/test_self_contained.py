"""The repository stands alone: no tracked file reads or names a folder outside it.

A clone with nothing beside it must pass its tests and run its demo, so the test data live
in tests/data and the demo's sample in the package; this test fails on any tracked text
file (the CI set-up in .ci/ aside, and this file, which spells the patterns out) that points
outside the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from paths import ROOT

#: A path that climbs out of the repository to the sample folder, or names it absolutely.
OUTSIDE = re.compile(
    r"\.\./+shared\b|/work/shared\b|\bshared/(?:data|CONTRACT|MEASURES)\b"
    r"|parent\s*/\s*[\"']shared[\"']"
)


def _tracked() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [
        ROOT / name
        for name in listed.split("\0")
        if name and not name.startswith(".ci/") and ROOT / name != Path(__file__)
    ]


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for path in _tracked():
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not offenders, "points outside the repository:\n" + "\n".join(offenders)


def test_the_pattern_catches_what_it_must() -> None:
    for line in ("see ../shared/CONTRACT.md", 'ROOT.parent / "shared"', "/work/shared/data"):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("linked without a shared id")
