"""Property: whatever is done to a valid input file, the load either succeeds or is
rejected with a report — never another exception, never a partial load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import DATA
from wellchild.contract import TABLES
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store
from wellchild.errors import LoadRejected

NASTY = [b",", b'"', b"\n", b"\r", b";", b" ", b"x", b"9", b"-", b"\xff", b"\x00", b"\xc3", b"''"]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, list[tuple[str, float, bytes]]]:
    table = draw(st.sampled_from([t.name for t in TABLES]))
    ops = draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["replace", "insert", "delete", "drop_line", "repeat_line", "truncate"]
                ),
                st.floats(min_value=0, max_value=1, exclude_max=True),
                st.sampled_from(NASTY),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return table, ops


def _mutate(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    for op, where, piece in ops:
        if not data:
            break
        at = int(where * len(data))
        lines = data.split(b"\n")
        line = int(where * len(lines))
        if op == "replace":
            data = data[:at] + piece + data[at + 1 :]
        elif op == "insert":
            data = data[:at] + piece + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + 1 :]
        elif op == "drop_line":
            data = b"\n".join(lines[:line] + lines[line + 1 :])
        elif op == "repeat_line":
            data = b"\n".join(lines[: line + 1] + lines[line:])
        elif op == "truncate":
            data = data[:at]
    return data


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("base") / "store.duckdb"
    load_folder(DATA / "valid", db)
    with open_store(db) as store:
        prints = {t: store.fingerprint(t) for t in store.table_names() if t != "meta__load"}
    return db, prints


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize="FUZZ_EXAMPLES" not in os.environ,  # CI runs the same examples each time
)
@given(mutation=mutations())
def test_mutated_input_loads_cleanly_or_is_rejected_whole(
    mutation: tuple[str, list[tuple[str, float, bytes]]],
    base_store: tuple[Path, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    table, ops = mutation
    work = tmp_path_factory.mktemp("fuzz")
    folder = work / "in"
    shutil.copytree(DATA / "valid", folder)
    path = folder / f"{table}.csv"
    path.write_bytes(_mutate(path.read_bytes(), ops))
    db = work / "store.duckdb"
    shutil.copy(base_store[0], db)
    try:
        result = load_folder(folder, db)
    except LoadRejected as rejected:
        report = rejected.report
    else:
        report = None
    if report is not None:
        assert report.errors
        assert report.render()
        with open_store(db) as store:
            now = {t: store.fingerprint(t) for t in store.table_names() if t != "meta__load"}
        assert now == base_store[1], "a rejected load changed the store"
    else:
        assert not result.report.errors
        with open_store(db) as store:
            assert store.status().loaded
            assert store.rows(f"input__{table}") == result.rows[table]
