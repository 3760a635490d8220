"""The same arguments give byte-identical files; another seed gives other files."""

from __future__ import annotations

from pathlib import Path

import pytest

from wellchild.synth import CHUNK, generate

from .synth_setup import YEAR

CHILDREN = CHUNK + 500  # two chunks, so the chunked streams are exercised


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_arguments_give_identical_files(tmp_path: Path, fmt: str) -> None:
    first = generate(tmp_path / "a", children=CHILDREN, seed=5, year=YEAR, fmt=fmt)  # type: ignore[arg-type]
    second = generate(tmp_path / "b", children=CHILDREN, seed=5, year=YEAR, fmt=fmt)  # type: ignore[arg-type]
    assert first.rows == second.rows
    a, b = _bytes(first.out), _bytes(second.out)
    assert sorted(a) == sorted(f"{name}.{fmt}" for name in first.files)
    assert a == b


def test_another_seed_gives_other_files(tmp_path: Path) -> None:
    a = _bytes(generate(tmp_path / "a", children=1_000, seed=5, year=YEAR).out)
    b = _bytes(generate(tmp_path / "b", children=1_000, seed=6, year=YEAR).out)
    for name in a:
        assert a[name] != b[name], name


def test_running_again_in_the_same_folder_replaces_the_files(tmp_path: Path) -> None:
    generate(tmp_path, children=300, seed=1, year=YEAR)
    once = _bytes(tmp_path)
    generate(tmp_path, children=300, seed=2, year=YEAR)
    generate(tmp_path, children=300, seed=1, year=YEAR)
    assert _bytes(tmp_path) == once


def test_switching_format_leaves_one_file_per_table(tmp_path: Path) -> None:
    generate(tmp_path, children=200, seed=1, year=YEAR)
    result = generate(tmp_path, children=200, seed=1, year=YEAR, fmt="parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in result.files.values()
    )


def test_progress_counts_every_child(tmp_path: Path) -> None:
    seen: list[int] = []
    generate(tmp_path, children=CHILDREN, seed=1, year=YEAR, progress=seen.append)
    assert seen == [CHUNK, 500]
