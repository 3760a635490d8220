"""The words inside an uploaded file, for the library's search: the text of a PDF (pypdf)
and of Word, PowerPoint and Excel files (their XML parts; no office suite needed).

Search is a convenience, not a gate: a file whose text cannot be read (scanned pages,
a damaged PDF) is still stored and found by its title and summary, and the problem is
logged rather than shown to the coordinator who uploaded it.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import PurePath
from typing import IO
from xml.etree import ElementTree

log = logging.getLogger(__name__)

#: Enough for any handout or report; more only slows every search that reads it.
MAX_CHARS = 200_000
MAX_XML_BYTES = 50_000_000
_PARTS = {
    "docx": re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml"),
    "pptx": re.compile(r"ppt/slides/slide\d+\.xml"),
    "xlsx": re.compile(r"xl/sharedStrings\.xml"),
}
_SPACE = re.compile(r"\s+")


def file_text(name: str, stream: IO[bytes]) -> str:
    """The text of the file called ``name`` (its extension says the format), at most
    :data:`MAX_CHARS` characters; ``""`` for pictures and for files it cannot read."""
    kind = PurePath(name).suffix.lower().lstrip(".")
    try:
        if kind == "pdf":
            text = _pdf(stream)
        elif kind in _PARTS:
            text = _office(stream, _PARTS[kind])
        else:
            return ""
    except Exception as error:  # any unreadable file is still found by its title
        log.warning("could not read the text of %s for search: %s", name, error)
        return ""
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


def _pdf(stream: IO[bytes]) -> str:
    # heavy: pypdf loads only when a PDF's text is read
    from pypdf import PdfReader

    out: list[str] = []
    size = 0
    for page in PdfReader(stream).pages:
        text = page.extract_text() or ""
        out.append(text)
        size += len(text)
        if size >= MAX_CHARS:
            break
    return "\n".join(out)


def _office(stream: IO[bytes], parts: re.Pattern[str]) -> str:
    out: list[str] = []
    with zipfile.ZipFile(stream) as archive:
        for name in sorted(n for n in archive.namelist() if parts.fullmatch(n)):
            if archive.getinfo(name).file_size > MAX_XML_BYTES:  # a zip bomb, or no handout
                raise ValueError(f"{name} unpacks to more than {MAX_XML_BYTES:,} bytes")
            root = ElementTree.fromstring(archive.read(name))
            out.append(" ".join(t for t in root.itertext() if t.strip()))
    return "\n".join(out)
