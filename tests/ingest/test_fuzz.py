"""Whatever is done to a valid input folder, `wellchild load` exits 0 or 2, never with a
traceback, never hangs; the store holds the previous load or the whole new one; and
every problem it reports names a file of the folder.

A seeded mutator damages one file of the sample folder per case, in one of the ways
files really arrive broken: cut short, bytes flipped, NUL bytes, other encodings, a BOM
or CRLF, huge fields, damaged columns, repeated keys, bad dates and numbers, damaged
gzip and Parquet files, symbolic links, named pipes and folders. Each case is one
folder; ``FUZZ_FOLDERS`` sets how many (500 by default) and ``FUZZ_SEED`` draws other
ones (the default draws the same folders on every run, so a failure repeats). The 500
take about 3 CPU-minutes (0.37 s a folder: one whole load each), so on two free cores
the suite's wall time grows by about that much on one of its workers.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import shutil
import signal
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from paths import DATA
from wellchild.cli import main
from wellchild.contract import TABLES
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store

FOLDERS = int(os.environ.get("FUZZ_FOLDERS", "500"))
SEED = int(os.environ.get("FUZZ_SEED", "23"))
NAMES = [t.name for t in TABLES]
BYTES = [b",", b'"', b"\n", b"\r", b";", b"\t", b" ", b"x", b"9", b"-", b"\xff", b"\x00", b"\xc3"]

Mutation = Callable[[random.Random, Path, str], None]


def _csv(folder: Path, table: str) -> Path:
    return folder / f"{table}.csv"


def _rows(rng: random.Random, data: bytes) -> tuple[list[bytes], int]:
    lines = data.split(b"\n")
    return lines, rng.randrange(1, max(len(lines) - 1, 2))


def truncate(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data))])


def flip_bytes(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    data = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(data))
        data[at : at + 1] = rng.choice(BYTES)
    path.write_bytes(bytes(data))


def nul_bytes(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    data = path.read_bytes()
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data))
        data = data[:at] + b"\x00" * rng.randint(1, 4) + data[at:]
    path.write_bytes(data)


def encoding(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    text = path.read_text(encoding="utf-8")
    choice = rng.randrange(4)
    if choice == 0:
        path.write_bytes(text.encode("utf-16"))
    elif choice == 1:  # Latin-1 accents inside a row
        lines, at = _rows(rng, text.encode())
        lines[at] = lines[at].replace(b",", "Jos\xe9,".encode("latin-1"), 1)
        path.write_bytes(b"\n".join(lines))
    elif choice == 2:
        path.write_bytes(text.encode("utf-8").replace(b"-", b"\xe2\x80", 1))  # cut UTF-8
    else:
        path.write_bytes(text.encode("cp1252", errors="replace"))


def bom_crlf(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    data = path.read_bytes()
    choice = rng.randrange(4)
    if choice in (0, 2):
        data = b"\xef\xbb\xbf" + data
    if choice in (1, 2):
        data = data.replace(b"\n", b"\r\n")
    if choice == 3:  # old Mac line ends, or one stray carriage return
        data = data.replace(b"\n", b"\r") if rng.random() < 0.5 else data.replace(b"\n", b"\r", 1)
    path.write_bytes(data)


def huge_field(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    lines, at = _rows(rng, path.read_bytes())
    size = rng.choice([70_000, 2_200_000])
    cells = lines[at].split(b",")
    cells[rng.randrange(len(cells))] = b"z" * size
    lines[at] = b",".join(cells)
    path.write_bytes(b"\n".join(lines))


def column_damage(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    lines = path.read_bytes().split(b"\n")
    header = lines[0].split(b",")
    column = rng.randrange(len(header))
    choice = rng.randrange(6)
    if choice == 0:  # a column dropped everywhere
        lines = [b",".join(c for i, c in enumerate(ln.split(b",")) if i != column) for ln in lines]
    elif choice == 1:  # a header name misspelt
        header[column] = header[column][::-1]
        lines[0] = b",".join(header)
    elif choice == 2:  # a header name repeated
        header[column] = header[(column + 1) % len(header)]
        lines[0] = b",".join(header)
    elif choice == 3:  # an extra column
        lines = [ln + (b",extra" if ln else b"") for ln in lines]
    elif choice == 4:  # two columns swapped in the data only
        other = (column + 1) % len(header)
        for i in range(1, len(lines)):
            cells = lines[i].split(b",")
            if len(cells) == len(header):
                cells[column], cells[other] = cells[other], cells[column]
                lines[i] = b",".join(cells)
    else:  # the header upper-cased and padded
        lines[0] = b" , ".join(h.upper() for h in header)
    path.write_bytes(b"\n".join(lines))


def duplicate_key(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    lines, at = _rows(rng, path.read_bytes())
    lines.insert(at, lines[at])
    path.write_bytes(b"\n".join(lines))


def bad_value(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    lines, at = _rows(rng, path.read_bytes())
    cells = lines[at].split(b",")
    bad = [b"2024-02-30", b"13/01/2020", b"20240101", b"1e5", b"-", b"99999999999", b"NaN",
           b"0000-00-00", b"2024-1-1", b"TRUE ", b"\xc2\xa0", b"9999-12-31", b"-1"]  # fmt: skip
    cells[rng.randrange(len(cells))] = rng.choice(bad)
    lines[at] = b",".join(cells)
    path.write_bytes(b"\n".join(lines))


def stray_quote(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    lines, at = _rows(rng, path.read_bytes())
    place = rng.randrange(len(lines[at]) + 1)
    lines[at] = lines[at][:place] + rng.choice([b'"', b'""', b'"x"', b',"']) + lines[at][place:]
    path.write_bytes(b"\n".join(lines))


def gzip_damage(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    data = path.read_bytes()
    path.unlink()
    choice = rng.randrange(4)
    if choice == 0:  # cut after a flush point: no final block, no CRC
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        half = data.index(b"\n", len(data) // 3) + 1
        packed = packer.compress(data[:half]) + packer.flush(zlib.Z_SYNC_FLUSH)
    else:
        packed = gzip.compress(data)
        if choice == 1:
            packed = packed[: rng.randrange(len(packed))]
        else:
            raw = bytearray(packed)
            for _ in range(rng.randint(1, 4)):
                raw[rng.randrange(10, len(raw))] ^= 1 << rng.randrange(8)
            packed = bytes(raw)
    (folder / f"{table}.csv.gz").write_bytes(packed)


def parquet_damage(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    options = pacsv.ConvertOptions(strings_can_be_null=False, column_types=None)
    frame = pacsv.read_csv(path, convert_options=options)
    path.unlink()
    target = folder / f"{table}.parquet"
    pq.write_table(frame, target, row_group_size=max(frame.num_rows // 2, 1))
    raw = bytearray(target.read_bytes())
    if rng.random() < 0.5:
        raw = raw[: rng.randrange(len(raw))]
    else:
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(4, len(raw) - 4)] ^= 1 << rng.randrange(8)
    target.write_bytes(bytes(raw))


def not_a_file(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    choice = rng.randrange(6)
    if choice == 5:  # a good symbolic link: the load reads through it
        moved = folder.parent / f"{table}-real.csv"
        path.rename(moved)
        path.symlink_to(moved)
        return
    path.unlink()
    if choice == 0:
        path.mkdir()
    elif choice == 1:
        os.mkfifo(path)
    elif choice == 2:
        path.symlink_to(path.name)
    elif choice == 3:
        path.symlink_to(folder.parent / "nowhere.csv")
    else:
        (folder / f"{table.upper()}.CSV").write_bytes(b"")


def empty(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    path.write_bytes(b"" if rng.random() < 0.5 else path.read_bytes().split(b"\n")[0] + b"\n")


def separator(rng: random.Random, folder: Path, table: str) -> None:
    path = _csv(folder, table)
    path.write_bytes(path.read_bytes().replace(b",", rng.choice([b"\t", b";", b"|"])))


MUTATIONS: list[Mutation] = [
    truncate, flip_bytes, nul_bytes, encoding, bom_crlf, huge_field, column_damage,
    duplicate_key, bad_value, stray_quote, gzip_damage, parquet_damage, not_a_file, empty,
    separator,
]  # fmt: skip


class Hang(Exception):
    """A load ran longer than any load of the tiny sample folder should."""


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"the load ran over {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run(folder: Path, db: Path, problems: Path) -> tuple[int, str]:
    """``wellchild load`` in this process, as the command line runs it."""
    argv, out = sys.argv, io.StringIO()
    sys.argv = ["wellchild", "load", str(folder), "--db", str(db), "--problems", str(problems)]
    code = 0
    try:
        with _deadline(60), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        sys.argv = argv
    return code, out.getvalue()


def _state(db: Path) -> dict[str, str]:
    with open_store(db) as store:
        return {t: store.fingerprint(t) for t in store.table_names()}


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("base") / "store.duckdb"
    load_folder(DATA / "valid", db)
    return db, _state(db)


@pytest.mark.slow
def test_mutated_folders_load_whole_or_are_refused_with_a_message(
    base_store: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    outcomes: dict[str, dict[int, int]] = {}
    for case in range(FOLDERS):
        mutate = MUTATIONS[case % len(MUTATIONS)]
        table = rng.choice(NAMES)
        work = tmp_path / f"case{case}"
        folder = work / "in"
        shutil.copytree(DATA / "valid", folder)
        mutate(random.Random(rng.getrandbits(32)), folder, table)
        db, problems = work / "store.duckdb", work / "problems.json"
        fresh = case % 5 == 0  # every fifth case is a first load into a new path
        if not fresh:
            shutil.copy(base_store[0], db)
        what = f"case {case}: {mutate.__name__} of {table}"
        code, text = _run(folder, db, problems)
        assert "Traceback" not in text, f"{what}\n{text}"
        assert code in (0, 2), f"{what}: exit {code}\n{text}"
        outcomes.setdefault(mutate.__name__, {}).setdefault(code, 0)
        outcomes[mutate.__name__][code] += 1
        if code == 2:
            if fresh:
                assert not db.exists(), f"{what}: a refused first load left a store"
            else:
                assert _state(db) == base_store[1], f"{what}: a refused load changed the store"
            if problems.exists():  # no report when the store itself was the problem
                names = {p.name for p in folder.iterdir()} | {folder.name, str(folder)}
                report = json.loads(problems.read_text())
                assert report["problems"], what
                for problem in report["problems"]:
                    assert problem["file"] in names, f"{what}: {problem['file']} is no file"
                    assert problem["file"] in text, f"{what}: the message names no file"
        else:
            with open_store(db) as store:
                status = store.status()
            assert status.source == str(folder.resolve()), f"{what}: not the new load"
            assert {t.name: t.rows for t in status.tables}["input__member"] > 0
        shutil.rmtree(work)
    print(json.dumps(outcomes, sort_keys=True))  # shown with -s: what each kind of damage did
    # Every kind of damage was tried, and the loader refused the ones it must refuse.
    assert set(outcomes) == {m.__name__ for m in MUTATIONS}
    for must_fail in ("gzip_damage", "separator"):
        assert 0 not in outcomes[must_fail], f"{must_fail} loaded: {outcomes[must_fail]}"
