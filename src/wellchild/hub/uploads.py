"""Uploaded documents: accepted by what their bytes are, served only as attachments.

A file's name and the browser's declared type are claims; the first bytes (and, for the
Office formats, the ZIP members) say what it really is. Only the kinds the library needs
are accepted, up to 25 MB, and the name's extension must agree with the content.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 25 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
}
_EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
}
_OFFICE_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


def sniff(stream: IO[bytes]) -> str | None:
    """The kind of document the bytes are (a key of ``CONTENT_TYPES``), or None.

    Examples
    --------
    >>> import io
    >>> sniff(io.BytesIO(b"%PDF-1.7 ..."))
    'pdf'
    >>> sniff(io.BytesIO(b"<html><script>")) is None
    True
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(stream)
    return None


def _office_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for folder, kind in _OFFICE_FOLDERS.items():
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def validate_upload(upload: File) -> None:  # type: ignore[type-arg]
    """Field validator: a PDF, DOCX, XLSX, PPTX, PNG or JPEG of at most 25 MB."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the most the library takes is 25 MB."),
            params={"size": f"{upload.size / 1024 / 1024:.1f}"},
        )
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    claimed = _EXTENSIONS.get(extension)
    actual = sniff(upload.file)  # type: ignore[arg-type]
    if actual is None or claimed is None:
        raise ValidationError(
            _(
                "Only PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG and JPEG files "
                "can be uploaded."
            )
        )
    if actual != claimed:
        raise ValidationError(
            _("The file is named .%(claimed)s but its content is %(actual)s."),
            params={"claimed": extension, "actual": actual.upper()},
        )


def attachment(field: FieldFile, *, filename: str) -> FileResponse:
    """Send a stored upload as a download with its real type, never rendered inline."""
    kind = _EXTENSIONS.get(PurePath(field.name or "").suffix.lower().lstrip("."), "")
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=f"{filename}.{kind}" if kind else filename,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
