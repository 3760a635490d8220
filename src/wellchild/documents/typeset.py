"""Typeset documents with Typst: one template per document, data passed as JSON.

One :class:`typst.Compiler` per process keeps the fonts scanned once (the Noto fonts
Debian installs under /usr/share/fonts), which is what makes thousands of referral
packets fast. Each call passes the document's data as ``sys.inputs.data``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wellchild.documents.catalogue import Catalogue
from wellchild.errors import WellchildError

if TYPE_CHECKING:
    import typst

FONT_DIRS = ("/usr/share/fonts",)


def templates_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("templates")))


@cache
def fonts() -> typst.Fonts:
    """The fonts Typst may use, scanned once per process."""
    # the Typst compiler is loaded only when a document is typeset
    import typst

    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=False,
                       font_paths=[d for d in FONT_DIRS if Path(d).is_dir()])  # fmt: skip


@cache
def _compiler() -> typst.Compiler:
    # the Typst compiler is loaded only when a document is typeset
    import typst

    return typst.Compiler(root=str(templates_dir()), font_paths=fonts())


def language_data(cat: Catalogue) -> dict[str, Any]:
    """What a template needs to set one language: strings, fonts, direction."""
    lang, region = cat.typst_lang
    return {
        "t": {key: cat.text(key) for key in cat.messages},
        "fonts": cat.fonts,
        "lang": lang,
        "region": region,
        "rtl": cat.rtl,
        "leading": cat.leading_em,
    }


Format = Literal["pdf", "png"]


def render(template: str, data: dict[str, Any], *, fmt: Format = "pdf", ppi: float = 110) -> bytes:
    """The bytes of one document (PDF, or PNG of the first page for a look)."""
    # the Typst compiler is loaded only when a document is typeset
    import typst

    source = templates_dir() / f"{template}.typ"
    try:
        result = _compiler().compile(
            input=str(source), format=fmt, ppi=ppi if fmt == "png" else None,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
        )  # fmt: skip
    except typst.TypstError as exc:
        raise WellchildError(f"Typst could not typeset {template}: {exc.message}") from None
    if isinstance(result, list):
        return result[0]
    if result is None:
        raise WellchildError(f"Typst returned nothing for {template}.")
    return result


def write(template: str, data: dict[str, Any], path: Path) -> Path:
    """Typeset a document to ``path`` (its suffix, .pdf or .png, picks the format)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt: Format = "png" if path.suffix.lower() == ".png" else "pdf"
    path.write_bytes(render(template, data, fmt=fmt))
    return path
