"""What a file is, before any parser sees it: zip (xlsx/ods), OLE2 (xls), or something to refuse.

Refuses with an ``UnreadableError`` whose code names the cause: empty, too large, a zip bomb
(sizes from the zip directory, before anything is inflated), encrypted, a Word or PowerPoint
file, WPS .et, a web page, CSV, a plain zip. ``open_book`` hands the bytes to python-calamine.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ..core.errors import UnreadableError

MAX_BYTES = 20 * 1024 * 1024  # a filled workbook is ~30 KB; 20 MB leaves room for pictures
MAX_UNZIPPED = 100 * 1024 * 1024  # declared total of all zip members
MAX_RATIO = 100  # declared compression ratio of one member (sheet XML compresses ~10×)
MAX_MEMBERS = 5000
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")


def sniff(data: bytes, name: str) -> str:
    """The container kind ('zip' or 'ole2'), or UnreadableError saying why and what to do."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise UnreadableError("FILE_EMPTY", file=name)
    if len(data) > MAX_BYTES:
        raise too_large(name, len(data))
    if data.startswith(b"PK"):
        _check_zip(data, name)
        return "zip"
    if data.startswith(OLE2):
        if ENCRYPTED_STREAM in data:
            raise UnreadableError("FILE_ENCRYPTED", file=name)
        if suffix == ".et":
            raise UnreadableError("FILE_WPS_ET", file=name)
        return "ole2"
    if suffix == ".et":
        raise UnreadableError("FILE_WPS_ET", file=name)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<html", b"<!doctype", b"<table")):
        raise UnreadableError("FILE_WEB_PAGE", file=name)
    if suffix == ".csv":
        raise UnreadableError("FILE_CSV", file=name)
    raise UnreadableError("FILE_NOT_SPREADSHEET", file=name)


def too_large(name: str, size: int) -> UnreadableError:
    return UnreadableError("FILE_TOO_LARGE", file=name, size_mb=f"{size / 1048576:.1f}", limit_mb=MAX_BYTES // 1048576)


def _check_zip(data: bytes, name: str) -> None:
    """Reject a zip that is broken, not a spreadsheet, or a bomb, reading only its directory."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableError("FILE_ZIP_CORRUPT", file=name) from None
    names = {i.filename for i in infos}
    if len(infos) > MAX_MEMBERS:
        raise UnreadableError("FILE_TOO_MANY_PARTS", file=name, count=len(infos))
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1_000_000), default=0)
    if total > MAX_UNZIPPED or worst > MAX_RATIO:
        raise UnreadableError("FILE_ZIP_BOMB", file=name, size_mb=f"{total / 1048576:.0f}", ratio=f"{worst:.0f}")
    if "word/document.xml" in names:
        raise UnreadableError("FILE_WORD", file=name)
    if "ppt/presentation.xml" in names:
        raise UnreadableError("FILE_POWERPOINT", file=name)
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return
    if "mimetype" in names and b"spreadsheet" in zf.read("mimetype")[:100]:
        return
    if "mimetype" in names or "content.xml" in names:
        raise UnreadableError("FILE_ODF_NOT_SHEET", file=name)
    raise UnreadableError("FILE_PLAIN_ZIP", file=name)


def open_book(data: bytes, name: str) -> Any:
    """A calamine workbook over the bytes, or UnreadableError."""
    import python_calamine as pc

    kind = sniff(data, name)
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise UnreadableError("FILE_PASSWORD", file=name) from None
    except Exception as e:  # calamine raises several unrelated types for broken files
        raise UnreadableError("FILE_XLS_BROKEN" if kind == "ole2" else "FILE_BROKEN", file=name,
                              cause=type(e).__name__) from None
