"""Referral packets in bulk: for each child the referral form, then the brochure in the
family's language, many children to one PDF.

Nothing that is the same for many children is laid out again for each. A brochure is
typeset once per language and placed as PDF pages. A form is typeset once per language,
number of dentists and practice as a blank: the whole form with the child's values
hidden and their places marked (form_blanks.typ). A batch places the child's blank as
the page and sets the child's values in their places, in the styles the form gives
them (packets.typ), so the page is the one the whole form would give, provided each
value takes the room its stand-in took: a field or a dentist's name and address exactly
its stand-in's height (more lines, or a taller script, would move what follows), the
other cells of a dentist's row no more than the name's. Heights are measured by Typst
(form_values.typ), many values at a time, and kept for the next batches; a child with a
value that does not fit gets the whole form laid out.

The compiler's root is a working folder holding the templates, brochures and blanks.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wellchild.documents.catalogue import SOURCE, catalogue
from wellchild.documents.referral import FORM_KEYS, copies, localised
from wellchild.documents.typeset import fonts, language_data, templates_dir
from wellchild.errors import WellchildError

BATCH_TEMPLATE = "packets.typ"
BLANKS_TEMPLATE = "form_blanks.typ"
VALUES_TEMPLATE = "form_values.typ"
BROCHURE_TEMPLATE = "brochure.typ"
# What a blank holds, hidden, in each value's place: one line of the value's font.
STAND_IN = "Xg"
DENTIST_COLUMNS = ("name", "address", "phone", "languages", "distance")
# Kinds of value whose height is their line's or row's: they must match the stand-in.
EXACT = ("field", "name")
# A line with one of these is at least as tall as the stand-in's (Noto Sans comes first
# in every language's fonts), so values with them can be measured together.
LATIN = re.compile(r"[A-Za-z0-9]")
TOLERANCE = 0.01  # pt

# A blank is made for a language, a number of dentists and a practice (name, phone).
BlankKey = tuple[str, int, str, str]
# Where a value is measured: a copy's language, the kind of value, the width of its place.
Place = tuple[str, str, float]


@dataclass(frozen=True)
class Slot:
    """A value's place on a blank: top left of its first line and its width (pt); its
    kind (``field``, or the column of a dentist's cell); where it is in a form (a
    field's group and key, or a dentist's row)."""

    x: float
    y: float
    width: float
    kind: str
    ref: tuple[str, str] | tuple[int, None]

    def value(self, form: Mapping[str, Any]) -> Any:
        """What the slot holds for ``form``."""
        a, b = self.ref
        return form[str(a)][b] if self.kind == "field" else form["dentists"][a]


@dataclass(frozen=True)
class Blank:
    """A blank form: its page in a PDF of the working folder, each copy's language and
    slots, and the footer's place."""

    file: str
    page: int
    copies: tuple[tuple[str, tuple[Slot, ...]], ...]
    footer: tuple[float, float, float]


def stand_in(dentists: int, practice: Mapping[str, str]) -> dict[str, Any]:
    """A form of ``practice`` whose child's values are all the stand-in, with
    ``dentists`` rows of dentists."""
    return {
        "child": dict.fromkeys(("name", "birth_date", "member_id"), STAND_IN),
        "practice": {"name": practice["name"], "phone": practice["phone"],
                     "clinician": STAND_IN},
        "dentists": [dict.fromkeys(DENTIST_COLUMNS, STAND_IN)] * dentists,
    }  # fmt: skip


class PacketPrinter:
    """Typesets batches of packets; one printer per process and set of brochures. The
    blanks and value heights a batch needs are made on first use and kept."""

    def __init__(self, work: Path, brochures: Mapping[str, dict[str, Any]]) -> None:
        # the Typst compiler is loaded only when a document is typeset
        import typst

        work.mkdir(parents=True, exist_ok=True)
        for template in templates_dir().glob("*.typ"):
            shutil.copy(template, work / template.name)
        self.work = work
        self.languages = tuple(brochures)
        self._langs: dict[str, dict[str, Any]] = {}
        self._blanks: dict[BlankKey, Blank] = {}
        self._rooms: dict[Place, float] = {}
        self._heights: dict[tuple[Place, str], float] = {}
        self._brochures: dict[str, dict[str, Any]] = {}
        self.on_blank: tuple[bool, ...] = ()
        for tag, data in brochures.items():
            file = f"brochure-{tag}.pdf"
            pdf, pages = self._typeset(BROCHURE_TEMPLATE, dict(data), "last-page")
            (work / file).write_bytes(pdf)
            self._brochures[tag] = {"file": file, "pages": int(pages)}
        self.compiler = typst.Compiler(
            input=str(work / BATCH_TEMPLATE), root=str(work), font_paths=fonts()
        )

    def render(
        self, forms: Sequence[Mapping[str, Any]], *, footer: str = "", on_blanks: bool = True
    ) -> bytes:
        """One PDF: each form (see :mod:`wellchild.documents.referral`), then its brochure
        (by ``form["language"]``, English where no brochure of that language was made).
        :attr:`on_blank` tells afterwards which forms were set on their blank; with
        ``on_blanks=False`` every form is laid out whole (slower; the same pages)."""
        # the Typst compiler is loaded only when a document is typeset
        import typst

        if not forms:
            raise WellchildError("No referral forms to typeset into packets.")
        forms = [localised(form) for form in forms]
        keys = [_blank_key(form) for form in forms]
        blanks = self._blanks_for(keys)
        ids = {key: f"b{i}" for i, key in enumerate(blanks)}
        tags = sorted({key[0] for key in blanks} | {SOURCE})
        packets = []
        for form, key in zip(forms, keys, strict=True):
            brochure = key[0] if key[0] in self._brochures else SOURCE
            packets.append(
                {k: form[k] for k in FORM_KEYS} | {"language": key[0], "brochure": brochure}
            )
        pages = sum(1 + self._brochures[p["brochure"]]["pages"] for p in packets)
        widest = {"note": footer, "number": f"{pages} / {pages}"}
        footer_fits = self._fit(blanks, keys, forms, packets, widest, values=on_blanks)
        for packet, key in zip(packets, keys, strict=True):
            if packet.pop("fits", False):
                packet["blank"] = ids[key]
        self.on_blank = tuple("blank" in packet for packet in packets)
        brochures = {p["brochure"]: self._brochures[p["brochure"]] for p in packets}
        files = {b.file for b in blanks.values()} | {b["file"] for b in brochures.values()}
        data = {
            **self._language(SOURCE),
            "title": "Referral packets",
            "footer": footer,
            "footer_slot": next(iter(blanks.values())).footer,
            "footer_fits": footer_fits,
            "langs": {tag: self._language(tag) for tag in tags},
            "copies": {tag: copies(tag) for tag in tags},
            "blanks": {ids[key]: _blank_data(blank) for key, blank in blanks.items()},
            "brochures": brochures,
            "files": sorted(files),
            "packets": packets,
        }
        try:
            pdf = self.compiler.compile(sys_inputs={"data": _json(data)})
        except typst.TypstError as exc:
            raise WellchildError(f"Typst could not typeset the packets: {exc.message}") from None
        if not isinstance(pdf, bytes):
            raise WellchildError("Typst returned no PDF for the packets.")
        return pdf

    def _fit(
        self,
        blanks: Mapping[BlankKey, Blank],
        keys: Sequence[BlankKey],
        forms: Sequence[Mapping[str, Any]],
        packets: list[dict[str, Any]],
        footer: Mapping[str, str],
        *,
        values: bool,
    ) -> bool:
        """Mark each packet whose values all fit its blank (``fits``; with ``values``
        false, none); whether ``footer`` (its note and widest page number) fits its
        place."""
        wanted: dict[Place, dict[str, Any]] = {}
        checks = []
        for form, key in zip(forms, keys, strict=True):
            form_checks = []
            for tag, slots in blanks[key].copies if values else ():
                names = {s.ref[0]: s for s in slots if s.kind == "name"}
                for slot in slots:
                    value = slot.value(form)
                    place, text = (tag, slot.kind, slot.width), _signature(slot.kind, value)
                    wanted.setdefault(place, {})[text] = value
                    exact = slot.kind in EXACT
                    room = place if exact else (tag, "name", names[slot.ref[0]].width)
                    wanted.setdefault(room, {})
                    form_checks.append((place, text, room, exact))
            checks.append(form_checks)
        width = next(iter(blanks.values())).footer[2]
        footer_place, footer_text = (SOURCE, "footer", width), _signature("footer", footer)
        wanted.setdefault(footer_place, {})[footer_text] = footer
        self._measure(wanted)
        for packet, form_checks in zip(packets, checks, strict=True):
            packet["fits"] = values and all(
                _fits(self._heights[place, text], self._rooms[room], exact)
                for place, text, room, exact in form_checks
            )
        return _fits(self._heights[footer_place, footer_text], self._rooms[footer_place], True)

    def _measure(self, wanted: Mapping[Place, Mapping[str, Any]]) -> None:
        """Measure the stand-ins and values not measured yet: per place, the values
        whose every line is at least as tall as the stand-in's together (as tall as as
        many stand-ins: each is exactly as tall and none wraps), the others one by one."""
        groups: dict[tuple[Place, bool], dict[str, Any]] = {}
        for place, values in wanted.items():
            if place not in self._rooms:
                groups.setdefault((place, False), {})
            for text, value in values.items():
                if (place, text) not in self._heights:
                    stack = place[1] in EXACT and _latin_lines(place[1], value)
                    groups.setdefault((place, stack), {})[text] = value
        if not groups:
            return
        retry: dict[tuple[Place, bool], Mapping[str, Any]] = {}
        for (place, stack), members, (held, stacked, real) in self._heights_of(groups):
            self._rooms[place] = held
            if not stack:
                self._heights.update({(place, t): h for t, h in zip(members, real, strict=True)})
            elif _fits(real[0], stacked, exact=True):
                self._heights.update({(place, t): held for t in members})
            else:
                retry[(place, False)] = members
        for (place, _), members, (_, _, real) in self._heights_of(retry) if retry else ():
            self._heights.update({(place, t): h for t, h in zip(members, real, strict=True)})

    def _heights_of(
        self, groups: Mapping[tuple[Place, bool], Mapping[str, Any]]
    ) -> list[tuple[tuple[Place, bool], Mapping[str, Any], tuple[float, float, list[float]]]]:
        """Typst's measures of ``groups``: the stand-in's height, that of as many
        stand-ins as values stacked (stacked groups), the values' heights (stacked: one)."""
        spec = [
            {"tag": tag, "kind": kind, "width": width, "stack": stack,
             "values": list(members.values()), "stand_in": _stand_in_value(kind)}
            for ((tag, kind, width), stack), members in groups.items()
        ]  # fmt: skip
        data = {
            **self._language(SOURCE),
            "title": "Form values",
            "footer": STAND_IN,
            "langs": {g["tag"]: self._language(g["tag"]) for g in spec},
            "groups": spec,
        }
        _, found = self._typeset(VALUES_TEMPLATE, data, "heights")
        return [
            (
                group,
                members,
                (float(f["held"]), float(f["stacked"] or 0), list(map(float, f["real"]))),
            )
            for (group, members), f in zip(groups.items(), found, strict=True)
        ]

    def _language(self, tag: str) -> dict[str, Any]:
        if tag not in self._langs:
            self._langs[tag] = language_data(catalogue(tag))
        return self._langs[tag]

    def _blanks_for(self, keys: Sequence[BlankKey]) -> dict[BlankKey, Blank]:
        """The blanks of ``keys``, in their first order; those not made yet are
        typeset together, as the pages of one PDF."""
        wanted = list(dict.fromkeys(keys))
        missing = [key for key in wanted if key not in self._blanks]
        if missing:
            file = f"blanks-{len(self._blanks)}.pdf"
            forms = [
                stand_in(dentists, {"name": name, "phone": phone}) | {"copies": copies(tag)}
                for tag, dentists, name, phone in missing
            ]
            tags = sorted({key[0] for key in missing} | {SOURCE})
            data = {
                **self._language(SOURCE),
                "title": "Blank referral forms",
                "footer": STAND_IN,
                "langs": {tag: self._language(tag) for tag in tags},
                "blanks": forms,
            }
            pdf, found = self._typeset(BLANKS_TEMPLATE, data, "slots")
            (self.work / file).write_bytes(pdf)
            pages: dict[int, list[dict[str, Any]]] = {}
            for slot in found:
                pages.setdefault(int(slot["page"]), []).append(slot)
            for page, (key, form) in enumerate(zip(missing, forms, strict=True), start=1):
                self._blanks[key] = _blank(file, page, pages[page], form["copies"])
        return {key: self._blanks[key] for key in wanted}

    def _typeset(self, template: str, data: dict[str, Any], label: str) -> tuple[bytes, Any]:
        """Typeset a template of the working folder: the PDF, and the value of the
        metadata it labels ``label``."""
        # the Typst compiler is loaded only when a document is typeset
        import typst

        compiler = typst.Compiler(
            input=str(self.work / template), root=str(self.work), font_paths=fonts()
        )
        try:
            pdf = compiler.compile(sys_inputs={"data": _json(data)})
            found = json.loads(compiler.query(f"<{label}>", field="value", one=True))
        except typst.TypstError as exc:
            raise WellchildError(f"Typst could not typeset {template}: {exc.message}") from None
        if not isinstance(pdf, bytes):
            raise WellchildError(f"Typst returned no PDF for {template}.")
        return pdf, found


def _blank(
    file: str, page: int, marks: list[dict[str, Any]], form_copies: list[dict[str, str]]
) -> Blank:
    """A blank from the marks of its page (key ``copy/where``, see form-values)."""
    slots: dict[int, list[Slot]] = {}
    footer = (0.0, 0.0, 0.0)
    for mark in marks:
        place = (float(mark["x"]), float(mark["y"]), float(mark["width"]))
        if mark["key"] == "footer":
            footer = place
            continue
        copy, where = str(mark["key"]).split("/")
        parts = where.split(".")
        if parts[0] == "dentists":
            slots.setdefault(int(copy), []).append(Slot(*place, parts[2], (int(parts[1]), None)))
        else:
            slots.setdefault(int(copy), []).append(Slot(*place, "field", (parts[0], parts[1])))
    return Blank(
        file,
        page,
        tuple((c["tag"], tuple(slots.get(i, ()))) for i, c in enumerate(form_copies)),
        footer,
    )


def _blank_key(form: Mapping[str, Any]) -> BlankKey:
    practice = form["practice"]
    tag = catalogue(str(form["language"])).tag
    return (tag, len(form["dentists"]), str(practice["name"]), str(practice["phone"]))


def _blank_data(blank: Blank) -> dict[str, Any]:
    return {
        "file": blank.file,
        "page": blank.page,
        "copies": [
            {"tag": tag, "slots": [[s.x, s.y, s.width, s.kind, *s.ref] for s in slots]}
            for tag, slots in blank.copies
        ],
    }


def _signature(kind: str, value: Any) -> str:
    """What of ``value`` a place of ``kind`` prints."""
    if kind == "field":
        return str(value)
    if kind == "footer":
        return f"{value['note']}\n{value['number']}"
    fields = ("name", "address") if kind == "name" else (kind,)
    return "\n".join(str(value[f]) for f in fields)


def _stand_in_value(kind: str) -> Any:
    """What a blank holds, hidden, in a place of ``kind``."""
    if kind == "footer":
        return {"note": STAND_IN, "number": "1 / 1"}
    return STAND_IN if kind == "field" else dict.fromkeys(DENTIST_COLUMNS, STAND_IN)


def _latin_lines(kind: str, value: Any) -> bool:
    """Whether every line ``value`` prints has a character of the stand-in's font."""
    lines = [value] if kind == "field" else [value["name"], value["address"]]
    return all(LATIN.search(str(line)) for line in lines)


def _fits(height: float, room: float, exact: bool) -> bool:
    return abs(height - room) < TOLERANCE if exact else height <= room + TOLERANCE


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
