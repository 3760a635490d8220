"""Each way a file can be wrong gets a message that says what is really wrong: not "the
file is missing" for a folder, not one "column is missing" per column for a file with
tabs, not a space for a NUL byte, not a quoting hint for a file cut short."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from paths import DATA
from wellchild import config
from wellchild.engines.duckdb_load import load_folder
from wellchild.errors import LoadRejected
from wellchild.ingest.report import LoadReport, visible
from wellchild.ingest.tabular import bare_quotes
from wellchild.synth import generate


def _gzip_cut(folder: Path) -> None:
    """A gzip cut right after a flush point: no final block, no CRC."""
    data = (folder / "dental_claim.csv").read_bytes()
    (folder / "dental_claim.csv").unlink()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    half = data.index(b"\n", len(data) // 2) + 1
    packed = packer.compress(data[:half]) + packer.flush(zlib.Z_SYNC_FLUSH)
    (folder / "dental_claim.csv.gz").write_bytes(packed)


def _gzip_corrupt(folder: Path) -> None:
    data = (folder / "medical_claim.csv").read_bytes()
    (folder / "medical_claim.csv").unlink()
    packed = bytearray(gzip.compress(data))
    for at in range(30, len(packed) - 10, 7):
        packed[at] ^= 0x55
    (folder / "medical_claim.csv.gz").write_bytes(bytes(packed))


def _gzip_bad_crc(folder: Path) -> None:
    data = (folder / "medical_claim.csv").read_bytes()
    (folder / "medical_claim.csv").unlink()
    packed = bytearray(gzip.compress(data))
    packed[-6] ^= 1
    (folder / "medical_claim.csv.gz").write_bytes(bytes(packed))


def _replace(name: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).unlink()
        make(folder / name)

    return change


def _edit(name: str, edit: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_bytes(edit((folder / name).read_bytes()))

    return change


def _nul_in_date(data: bytes) -> bytes:
    at = data.index(b"20", data.index(b"\n"))
    return data[: at + 2] + b"\x00" + data[at + 3 :]


def _bare_quote(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[2] = lines[2].replace(b",", b',1"U', 1)
    return b"\n".join(lines)


def _parquet_footerless(folder: Path) -> None:
    (folder / "provider.csv").unlink()
    (folder / "provider.parquet").write_bytes(b"PAR1 not really parquet")


def _parquet_bad_row_group(folder: Path) -> None:
    """A Parquet file whose footer is whole but whose first column chunk is overwritten."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    target = folder / "medical_claim.parquet"
    pq.write_table(pacsv.read_csv(folder / "medical_claim.csv"), target, compression="snappy")
    (folder / "medical_claim.csv").unlink()
    chunk = pq.read_metadata(target).row_group(0).column(0)
    raw = bytearray(target.read_bytes())
    start = chunk.data_page_offset
    raw[start + 20 : start + chunk.total_compressed_size - 2] = b"\xab" * (
        chunk.total_compressed_size - 22
    )
    target.write_bytes(bytes(raw))


# case: (change, file, check, words the message must hold, words the found value holds)
CASES: dict[str, tuple[Callable[[Path], None], str, str, str, str]] = {
    "gzip cut after a flush": (
        _gzip_cut,
        "dental_claim.csv.gz",
        "file_cut_short",
        "cut short",
        "end-of-stream",
    ),
    "gzip with a corrupt stream": (
        _gzip_corrupt,
        "medical_claim.csv.gz",
        "file_damaged",
        "damaged",
        "",
    ),
    "gzip with a wrong CRC": (
        _gzip_bad_crc,
        "medical_claim.csv.gz",
        "file_damaged",
        "damaged",
        "CRC",
    ),
    "a folder": (_replace("member.csv", Path.mkdir), "member.csv", "not_a_file", "folder", ""),
    "a FIFO": (_replace("member.csv", os.mkfifo), "member.csv", "not_a_file", "named pipe", ""),
    "a symlink loop": (
        _replace("member.csv", lambda p: p.symlink_to(p.name)),
        "member.csv",
        "not_a_file",
        "loops back on itself",
        "",
    ),
    "a dangling symlink": (
        _replace("member.csv", lambda p: p.symlink_to("/nonexistent/member.csv")),
        "member.csv",
        "not_a_file",
        "does not exist",
        "/nonexistent/member.csv",
    ),
    "an upper-case name": (
        lambda f: (f / "member.csv").rename(f / "MEMBER.CSV"),
        "MEMBER.CSV",
        "file_name_case",
        "not all lower case",
        "MEMBER.CSV",
    ),
    "tabs": (
        _edit("provider.csv", lambda d: d.replace(b",", b"\t")),
        "provider.csv",
        "separator",
        "separated by tabs, not by commas",
        "npi<TAB>name",
    ),
    "semicolons": (
        _edit("provider.csv", lambda d: d.replace(b",", b";")),
        "provider.csv",
        "separator",
        "separated by semicolons, not by commas",
        "npi;name",
    ),
    "a NUL in a date": (
        _edit("member.csv", _nul_in_date),
        "member.csv",
        "bad_date",
        "not a valid date",
        "<NUL>",
    ),
    "a last row cut short": (
        _edit("medical_claim.csv", lambda d: d[:-30]),
        "medical_claim.csv",
        "cut_short",
        "the file may be cut short",
        "values",
    ),
    "a bare quote in an unquoted value": (
        _edit("provider.csv", _bare_quote),
        "provider.csv",
        "quote",
        "a double quote stands inside a value that is not in quotes",
        '1"U',
    ),
    "an empty file": (
        _edit("member.csv", lambda d: b""),
        "member.csv",
        "file_empty",
        "empty",
        "",
    ),
    "a Parquet file with a damaged row group": (
        _parquet_bad_row_group,
        "medical_claim.parquet",
        "file_unreadable",
        "the Parquet file is damaged",
        "",
    ),
    "a Parquet file without its footer": (
        _parquet_footerless,
        "provider.parquet",
        "file_unreadable",
        "footer is missing or damaged",
        "magic bytes",
    ),
}


def _rejected(change: Callable[[Path], None], tmp_path: Path) -> LoadReport:
    folder = tmp_path / "in"
    shutil.copytree(DATA / "valid", folder)
    change(folder)
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, tmp_path / "store.duckdb")
    assert not (tmp_path / "store.duckdb").exists()
    return caught.value.report


@pytest.mark.parametrize("case", list(CASES))
def test_the_message_says_what_is_really_wrong(case: str, tmp_path: Path) -> None:
    change, file, check, words, found = CASES[case]
    report = _rejected(change, tmp_path)
    assert [(p.file, p.check) for p in report.errors] == [(file, check)], report.render()
    problem = report.errors[0]
    assert words in problem.message
    assert "the file is missing" not in problem.message
    text = report.render()
    assert found in text
    assert "ArrowInvalid" not in text
    assert "\x00" not in text


def test_an_empty_file_expects_one_row_per_child(tmp_path: Path) -> None:
    report = _rejected(_edit("member.csv", lambda d: b""), tmp_path)
    assert report.errors[0].expected == "a header row naming the columns, then one row per child"


def test_a_quoted_value_holding_quotes_is_accepted() -> None:
    assert bare_quotes(b'a,b\n"1""U",2\n"x,\ny",3\n') == []
    assert bare_quotes(b'a,b\n1"U,2\n"ok",x"\n') == [(2, '1"U'), (3, 'x"')]


def test_control_characters_are_named() -> None:
    assert visible("2024\x00-01") == "2024<NUL>-01"
    assert visible("a\tb\r") == "a<TAB>b<CR>"
    assert visible("O'Brien José") == "O'Brien José"


def test_one_kind_of_warning_in_several_files_is_one_block(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(DATA / "valid", folder)
    for name in ("medical_claim.csv", "dental_claim.csv"):
        lines = (folder / name).read_text().splitlines()
        header = lines[0].split(",")
        rendering, billing = header.index("rendering_npi"), header.index("billing_npi")
        for at in range(1, len(lines)):
            cells = lines[at].split(",")
            cells[rendering] = cells[billing] = "1234567893"  # a valid NPI of no provider
            lines[at] = ",".join(cells)
        (folder / name).write_text("\n".join(lines) + "\n")
    report = load_folder(folder, tmp_path / "store.duckdb").report
    assert sorted(p.file for p in report.warnings) == ["dental_claim.csv", "medical_claim.csv"]
    text = report.render()
    medical, dental = (next(p for p in report.warnings if p.file == f) for f in
                       ("medical_claim.csv", "dental_claim.csv"))  # fmt: skip
    total = medical.count + dental.count
    assert text.splitlines()[0] == (
        f"WARNING no NPI on the line names a provider in provider ({total} rows in 2 places)"
    )
    assert f"  medical_claim.csv, column rendering_npi, billing_npi: {medical.count} rows" in text
    assert f"hint for dental_claim.csv: {dental.hint}" in text
    assert "primary care" not in dental.hint
    assert text.count("found rendering_npi 1234567893") == 4


def test_the_examples_are_the_first_rows_of_the_file(tmp_path: Path) -> None:
    """Checks that join another table (a claim's provider) still show the file's first
    rows: enough lines that the join runs in parallel and emits its rows out of order."""
    out = generate(tmp_path / "in", children=5_000, seed=11, year=2024, fmt="csv").out
    result = load_folder(out, tmp_path / "store.duckdb", today=dt.date(2025, 6, 1))
    known = set(pd.read_csv(out / "provider.csv", dtype=str)["npi"])
    shown = config.get("problem_examples")
    warned = [p for p in result.report.warnings if p.check == "unknown_provider"]
    assert {p.file for p in warned} == {"medical_claim.csv", "dental_claim.csv"}
    for problem in warned:
        lines = pd.read_csv(out / problem.file, dtype=str)
        unknown = ~(lines["rendering_npi"].isin(known) | lines["billing_npi"].isin(known))
        first = [int(i) + 2 for i in lines.index[unknown][:shown]]  # row 1 is the header
        assert [e.row for e in problem.examples] == first, problem.file


def _claim_ids(ids: list[str]) -> Callable[[Path], None]:
    """The valid folder's claim ids replaced, claim by claim, with ``ids``."""

    def change(folder: Path) -> None:
        path = folder / "medical_claim.csv"
        claims = pd.read_csv(path, dtype=str)
        order = list(dict.fromkeys(claims["claim_id"]))
        claims["claim_id"] = claims["claim_id"].map(dict(zip(order, ids, strict=False)))
        claims.to_csv(path, index=False)

    return change


def test_long_numeric_ids_rounded_by_a_spreadsheet_are_named_as_such(tmp_path: Path) -> None:
    # 16-digit claim ids as a spreadsheet keeps them: 15 significant digits, so the ids
    # of two different claims (…4161 and …4164) both became …4160
    typed = [f"121064000000{n}" for n in (4161, 4164, 5100, 5200, 5300, 5400, 5500, 5600)]
    saved = [str(int(float(f"{int(t):.15g}"))) for t in typed]
    assert saved[0] == saved[1] == "1210640000004160"
    report = _rejected(_claim_ids(saved), tmp_path / "rounded")
    [problem] = report.errors
    assert problem.check == "duplicate_key"
    assert "15 significant digits" in problem.hint
    assert "claim_id 1210640000004160" in report.render()

    # the same repeat with short ids is a plain repeat: no word about spreadsheets
    short = ["C1", "C1"] + [f"C{i}" for i in range(2, 8)]
    report = _rejected(_claim_ids(short), tmp_path / "short")
    [problem] = report.errors
    assert problem.check == "duplicate_key"
    assert "spreadsheet" not in problem.hint
