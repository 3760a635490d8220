"""Referral packets in bulk: for each child the referral form, then the brochure in the
family's language, many children to one PDF.

Each brochure is typeset once per language and placed in the batch as a PDF page (an
image in Typst's terms), so a batch lays out only the forms; the brochure's content is
stored once per batch. The compiler's root is a working folder holding the templates
and those brochure PDFs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from wellchild.documents.typeset import fonts, render, templates_dir
from wellchild.errors import WellchildError

BATCH_TEMPLATE = "packets.typ"


class PacketPrinter:
    """Typesets batches of packets; one printer per process and set of brochures."""

    def __init__(self, work: Path, brochures: Mapping[str, dict[str, Any]]) -> None:
        import typst

        work.mkdir(parents=True, exist_ok=True)
        for template in templates_dir().glob("*.typ"):
            shutil.copy(template, work / template.name)
        for tag, data in brochures.items():
            (work / f"brochure-{tag}.pdf").write_bytes(render("brochure", dict(data)))
        self.work = work
        self.languages = tuple(brochures)
        self.compiler = typst.Compiler(root=str(work), font_paths=fonts())

    def render(self, packets: Sequence[dict[str, Any]], *, footer: str = "") -> bytes:
        """One PDF: each packet's form, then its brochure (by ``packet["language"]``,
        English where no brochure of that language was made)."""
        import typst

        # Each language's strings go into the batch once, not once per packet: parsing
        # them dominated the time of a batch.
        langs: dict[str, Any] = {}
        rows = []
        for packet in packets:
            langs.update(packet["langs"])
            language = packet["language"] if packet["language"] in self.languages else "en"
            rows.append({k: v for k, v in packet.items() if k != "langs"} | {"language": language})
        data = {**rows[0], "title": "Referral packets", "footer": footer, "langs": langs,
                "packets": rows, "brochures": list(self.languages)}  # fmt: skip
        try:
            pdf = self.compiler.compile(
                input=str(self.work / BATCH_TEMPLATE),
                sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            )
        except typst.TypstError as exc:
            raise WellchildError(f"Typst could not typeset the packets: {exc.message}") from None
        if not isinstance(pdf, bytes):
            raise WellchildError("Typst returned no PDF for the packets.")
        return pdf
