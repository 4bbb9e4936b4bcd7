"""What a file is, before any parser sees it: zip (xlsx/ods), OLE2 (xls), or something to refuse.

Refuses with an ``UnreadableError`` whose code names the cause: empty, too large, encrypted, a
Word or PowerPoint file, WPS .et, a web page, CSV, a plain zip. ``open_book`` inflates a zip's
members itself with real limits (``core.zipsafe``), checks that no sheet reaches absurdly far
(one stray cell at XFD1048576 would make the parser allocate 500 GB), and hands python-calamine
an uncompressed copy; any failure of the parser, BaseExceptions included, is a reason.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ..core.errors import UnreadableError
from ..core.zipsafe import Container, open_zip, stored, verify
from ..format.layout import a1, position

MAX_BYTES = 20 * 1024 * 1024  # a filled workbook is ~30 KB; 20 MB leaves room for pictures
MAX_CELLS = 4_000_000  # rows × columns of one sheet's used range (the 明细 of 10,000 units is 2 million)
MAX_ROWS = 200_000
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")
# Members python-calamine never reads: not inflated, not handed on (and a bomb hidden there is inert).
UNREAD = ("docProps/", "xl/theme/", "xl/media/", "xl/drawings/", "xl/comments", "xl/printerSettings/",
          "xl/calcChain", "xl/vbaProject", "xl/customXml", "customXml/", "Thumbnails/", "Pictures/")
_FAR_COLUMN = re.compile(rb'<c r="([A-Z]{3})([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+[0-9]+:([A-Z]+)([0-9]+)"\s*/>')


def sniff(data: bytes, name: str) -> str:
    """The container kind ('zip' or 'ole2'), or UnreadableError saying why and what to do."""
    return _sniff(data, name)[0]


def _sniff(data: bytes, name: str) -> tuple[str, Container | None]:
    suffix = Path(name).suffix.lower()
    if not data:
        raise UnreadableError("FILE_EMPTY", file=name)
    if len(data) > MAX_BYTES:
        raise too_large(name, len(data))
    if data.startswith(b"PK"):
        box = open_zip(data, name)
        _classify_zip(box, name)
        return "zip", box
    if data.startswith(OLE2):
        if ENCRYPTED_STREAM in data:
            raise UnreadableError("FILE_ENCRYPTED", file=name)
        if suffix == ".et":
            raise UnreadableError("FILE_WPS_ET", file=name)
        return "ole2", None
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


def _classify_zip(box: Container, name: str) -> None:
    """Reject a zip that is not a spreadsheet, from its member names alone."""
    names = {i.filename for i in box.infos}
    if "word/document.xml" in names:
        raise UnreadableError("FILE_WORD", file=name)
    if "ppt/presentation.xml" in names:
        raise UnreadableError("FILE_POWERPOINT", file=name)
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return
    if "mimetype" in names and b"spreadsheet" in box.read(box.getinfo("mimetype"), cap=1024)[:100]:
        return
    if "mimetype" in names or "content.xml" in names:
        raise UnreadableError("FILE_ODF_NOT_SHEET", file=name)
    raise UnreadableError("FILE_PLAIN_ZIP", file=name)


def _far_cell(xml: bytes) -> tuple[int, int] | None:
    """The cell that makes a sheet's range absurd (row, column), found cheaply: the last <row> and
    any three-letter column. A range that slips past this is caught by the worker's memory limit."""
    at = xml.rfind(b'<row r="')
    last_row = int(xml[at + 8: xml.index(b'"', at + 8)]) if at >= 0 else 0
    far = max((position(m.group(1).decode() + "1")[1] for m in _FAR_COLUMN.finditer(xml)), default=0)
    if last_row > MAX_ROWS:
        return last_row, max(far, 1)
    if far and last_row * far > MAX_CELLS:
        return last_row, far
    return None


def _check_sheets(parts: dict[str, bytes], name: str) -> dict[str, bytes]:
    """Refuse a sheet whose cells reach absurdly far; drop a <dimension> that claims so."""
    fixed = {}
    for member, xml in parts.items():
        if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
            continue
        dim = _DIMENSION.search(xml[:2048])
        if dim and _cells(dim.group(1), dim.group(2)) > MAX_CELLS:
            xml = fixed[member] = xml[: dim.start()] + xml[dim.end():]  # calamine sizes its range by it
        far = _far_cell(xml)
        if far:
            raise UnreadableError("FILE_SHEET_TOO_FAR", file=name, cell=a1(*far))
    return fixed


def _cells(col: bytes, row: bytes) -> int:
    r, c = position(col.decode() + row.decode())
    return r * c


def open_book(data: bytes, name: str) -> Any:
    """A calamine workbook over the bytes, or UnreadableError."""
    import python_calamine as pc

    kind, box = _sniff(data, name)
    if box is not None:
        parts = verify(box, UNREAD)  # sizes now true and bounded: calamine may read it
        fixed = _check_sheets(parts, name)
        if fixed:
            data = stored({**parts, **fixed})
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise UnreadableError("FILE_PASSWORD", file=name) from None
    except BaseException as e:
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        raise UnreadableError("FILE_XLS_BROKEN" if kind == "ole2" else "FILE_BROKEN", file=name,
                              cause=type(e).__name__) from None
