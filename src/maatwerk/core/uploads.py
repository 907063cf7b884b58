"""What an uploaded file really is, from its content (not its name): the magic bytes,
and for images a parse by Pillow (already installed, for WeasyPrint)."""

from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
EXTENSIONS = {PDF: {".pdf"}, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}}


def detect_type(upload) -> str | None:
    """``pdf``, ``png`` or ``jpeg`` when the content is one, otherwise None. Reads the
    file from the start and leaves it at the start."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff"):
        try:
            with Image.open(upload) as image:
                kind = (image.format or "").lower()
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
        finally:
            upload.seek(0)
        return kind if kind in (PNG, JPEG) else None
    return None


def matches_name(kind: str | None, name: str) -> bool:
    """Whether the content's type fits the file name's extension."""
    name = name.lower()
    return kind is not None and any(name.endswith(ext) for ext in EXTENSIONS[kind])


# Documents attached to a request or a plan (a decision letter, a bank statement).
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}


def document_problem(upload) -> str | None:
    """Why an uploaded file cannot be an attached document (in Dutch, through gettext),
    or None: a PDF, JPG or PNG by its content, not only its name, of at most 10 MB."""
    if upload is None:
        return _("Choose the file to attach.")
    name = (upload.name or "").lower()
    if Path(name).suffix not in DOCUMENT_EXTENSIONS:
        return _("An attachment must be a PDF, JPG or PNG file.")
    if upload.size > DOCUMENT_MAX_BYTES:
        return _("An attachment may be at most 10 MB.")
    if not upload.size or not matches_name(detect_type(upload), name):
        return _(
            "This file is not a real PDF, JPG or PNG file (its content does not match its name)."
        )
    return None
