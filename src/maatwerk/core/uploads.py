"""What an uploaded file really is, from its content (not its name): the magic bytes,
and for images a parse by Pillow (already installed, for WeasyPrint)."""

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
