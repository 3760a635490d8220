"""Translation review as a workflow: a catalogue goes out as a workbook a translator can
work in, and comes back with each string's status and who reviewed it.

``export_workbook`` writes every English string with its context, the translation (or
an empty cell where there is none) and its status; ``import_workbook`` checks the
returned workbook like every input (each problem with its row, column and value, nothing
recorded on any error) and rewrites the catalogue, recording for each reviewed string
who reviewed it and when. The catalogue files stay the one source the documents read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from wellchild.documents.catalogue import SOURCE, STATUSES, catalogue, raw_data, resolve
from wellchild.errors import InputError

SHEET = "Strings"
HEAD = ("key", "context", "English", "translation", "status", "reviewed_by", "note")
MISSING = "missing"
# What each part of a document a string belongs to is, for the translator.
CONTEXTS = {
    "brochure.": "Brochure on early dental care, given to families",
    "form.": "Dental referral form, the family's copy",
    "phone.": "Label of a phone line on the brochure (a plan's or county's name follows it)",
}


def context(key: str) -> str:
    """What a string is for, from its key: the document, and a heading when it is one."""
    where = next((text for prefix, text in CONTEXTS.items() if key.startswith(prefix)), "")
    if key.endswith(".head"):
        where += "; a section heading"
    if "{n}" in catalogue(SOURCE).messages[key].text:
        where += "; keep {n}, the number that goes in its place"
    return where


def catalogue_path(tag: str) -> Path:
    return Path(str(resources.files(__package__).joinpath(f"catalogues/{tag}.yaml")))


def export_workbook(tag: str, out: Path) -> Path:
    """Write the review workbook of language ``tag`` to ``out``."""
    # openpyxl is slow to import; only spreadsheets need it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    tag = resolve(tag)
    english = catalogue(SOURCE)
    own = catalogue(tag)
    raw = raw_data(tag)["strings"]
    assert isinstance(raw, dict)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(HEAD))
    for key, source in english.messages.items():
        message = own.messages[key]
        found = raw.get(key)
        entry: dict[str, Any] = found if isinstance(found, dict) else {}
        sheet.append([
            key, context(key), source.text,
            "" if message.fallback else message.text,
            MISSING if message.fallback else message.status,
            str(entry.get("reviewed_by") or ""), "",
        ])  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for letter, width in zip("ABCDEFG", (26, 34, 48, 48, 16, 18, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    choice = DataValidation(type="list", formula1=f'"{",".join(STATUSES)}"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"E2:E{sheet.max_row}")
    sheet.freeze_panes = "D2"
    about = book.create_sheet("About")
    for line in (
        ("language", tag), ("name", own.name),
        ("how", "Translate each English string in the translation column. Set status to "
                "reviewed once a qualified translator has checked the string, and put their "
                "name in reviewed_by. Leave key, context and English as they are. Then: "
                "wellchild catalogue import THIS-FILE.xlsx"),
    ):  # fmt: skip
        about.append(list(line))
    about.column_dimensions["B"].width = 100
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


@dataclass(frozen=True)
class Recorded:
    """What an import changed in a catalogue."""

    tag: str
    path: Path
    strings: int
    reviewed: int
    changed: int


def _read(path: Path) -> tuple[str, list[dict[str, str]]]:
    # openpyxl is slow to import; only spreadsheets need it
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path} cannot be read as an XLSX workbook: {exc}") from None
    try:
        if SHEET not in book.sheetnames or "About" not in book.sheetnames:
            raise InputError(
                f"{path.name} has no '{SHEET}' and 'About' sheets.",
                hint="Start from the workbook of wellchild catalogue export.",
            )
        about = {str(r[0]): str(r[1] or "") for r in book["About"].iter_rows(values_only=True)
                 if r and r[0]}  # fmt: skip
        rows = list(book[SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    head = [str(c or "").strip() for c in rows[0]] if rows else []
    missing = [c for c in HEAD[:6] if c not in head]
    if missing:
        raise InputError(f"{path.name}, sheet {SHEET}: missing column(s) {', '.join(missing)}.")
    cells = [
        {h: "" if v is None else str(v).strip() for h, v in zip(head, row, strict=False)}
        for row in rows[1:]
    ]
    return about.get("language", ""), cells


def import_workbook(
    path: Path, *, folder: Path | None = None, today: dt.date | None = None
) -> Recorded:
    """Check a returned review workbook and record it in its language's catalogue (the
    shipped one, or the one in ``folder``), all or nothing."""
    tag_found, rows = _read(path)
    tag = resolve(tag_found)
    if tag == SOURCE:
        raise InputError("The English catalogue is the source; it is edited, not imported.")
    english = catalogue(SOURCE)
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        key = row.get("key", "")
        if not key and not row.get("translation"):
            continue
        where = f"row {number}"
        if key not in english.messages:
            problems.append(f"{where}, column key: found {key!r}; expected a key of the "
                            "English catalogue. Leave the key column as exported.")  # fmt: skip
            continue
        if key in seen:
            problems.append(f"{where}, column key: found {key!r} a second time.")
        seen.add(key)
        status = row.get("status", "")
        text = row.get("translation", "")
        if status not in (*STATUSES, MISSING, ""):
            problems.append(f"{where}, column status: found {status!r}; expected one of "
                            f"{', '.join(STATUSES)}.")  # fmt: skip
        if status in STATUSES and not text:
            problems.append(f"{where}, column translation: found nothing for a string "
                            f"marked {status}. Translate it, or clear its status.")  # fmt: skip
        if status == "reviewed" and not row.get("reviewed_by"):
            problems.append(f"{where}, column reviewed_by: found nothing; a reviewed string "
                            "names who reviewed it.")  # fmt: skip
        placeholders = {"{n}"} & set(english.messages[key].text.split())
        if text and any(p not in text for p in placeholders):
            problems.append(f"{where}, column translation: found {text!r}; expected it to "
                            "keep {n}, where the number goes.")  # fmt: skip
    if problems:
        raise InputError(
            f"{path.name} has {len(problems)} problem(s); the {tag} catalogue is unchanged.\n"
            + "\n".join(problems)
        )
    target = folder / f"{tag}.yaml" if folder else catalogue_path(tag)
    raw = raw_data(tag, target.read_text(encoding="utf-8"))
    strings = raw["strings"]
    assert isinstance(strings, dict)
    day = (today or dt.date.today()).isoformat()
    changed = 0
    for row in rows:
        key, text, status = row.get("key", ""), row.get("translation", ""), row.get("status", "")
        if key not in english.messages or status not in STATUSES or not text:
            continue
        entry: dict[str, Any] = {"status": status, "text": text}
        if status == "reviewed":
            before = strings.get(key)
            old: dict[str, Any] = before if isinstance(before, dict) else {}
            same = old.get("status") == "reviewed" and old.get("text") == text
            entry["reviewed_by"] = row["reviewed_by"]
            entry["reviewed_on"] = str(old.get("reviewed_on") or day) if same else day
        if strings.get(key) != entry:
            changed += 1
        strings[key] = entry
    _write(target, raw, strings)
    catalogue.cache_clear()
    reviewed = sum(1 for e in strings.values() if isinstance(e, dict) and e.get("status") ==
                   "reviewed")  # fmt: skip
    return Recorded(tag, target, len(strings), reviewed, changed)


def _write(target: Path, raw: dict[str, object], strings: dict[str, Any]) -> None:
    """Rewrite a catalogue file (its opening comment kept, one string a line), replaced
    atomically."""
    comment = [line for line in target.read_text(encoding="utf-8").splitlines()
               if line.startswith("#")]  # fmt: skip
    lines = [*comment, f"language: {raw['language']}", f"name: {raw['name']}", "strings:"]
    for key, entry in strings.items():
        fields = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items())
        lines.append(f"  {key}: {{{fields}}}")
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(target)
