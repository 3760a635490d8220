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


def test_parts_hold_the_same_rows_as_one_file_each(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    whole = generate(tmp_path / "whole", children=CHILDREN, seed=5, year=YEAR, fmt="parquet")
    parts = generate(
        tmp_path / "parts", children=CHILDREN, seed=5, year=YEAR, fmt="parquet", parts=3
    )
    assert parts.rows == whole.rows
    for name, folder in parts.files.items():
        files = sorted(folder.iterdir())
        assert [f.name for f in files] == [f"part-{i:05d}.parquet" for i in range(3)]
        tables = [pq.read_table(f) for f in files]
        assert pa.concat_tables(tables).equals(pq.read_table(whole.files[name])), name
    members = [set(pq.read_table(f).column("member_id").to_pylist()) for f in
               sorted(parts.files["medical_claim"].iterdir())]  # fmt: skip
    assert not members[0] & members[1]  # a child's claims are all in one part
    # one file per table again replaces the parts
    again = generate(tmp_path / "parts", children=300, seed=5, year=YEAR, fmt="parquet")
    assert all(path.is_file() for path in again.files.values())


def test_parts_need_parquet(tmp_path: Path) -> None:
    from wellchild.errors import WellchildError

    with pytest.raises(WellchildError, match="--format parquet"):
        generate(tmp_path, children=10, seed=1, year=YEAR, parts=2)
