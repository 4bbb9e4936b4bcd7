"""Finding the submitted workbooks in a folder: files, and those inside .zip attachments.

Zip attachments are opened in memory with limits checked against the zip directory before
anything is inflated (member count, sizes, compression ratio), so a zip bomb costs nothing.
Nothing here parses a workbook; it only yields bytes with a name and dates.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.catalog import render_code

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
ARCHIVE_ASK_UNPACK = (".rar", ".7z", ".tar", ".gz")
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_ZIP_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class Source:
    """One candidate workbook: a file, or a member of a zip file."""

    name: str  # as shown to the user: "收件/财政局.xlsx" or "附件.zip › 财政局.xlsx"
    path: str  # the file on disk (the zip for a member)
    member: str = ""  # the member inside the zip
    size: int = 0
    mtime: float = 0.0  # the file's (or the zip entry's) modification time
    code: str = ""  # the catalog code of why it cannot be read (a .rar, a bad zip …); empty when fine
    params: tuple[tuple[str, object], ...] = ()  # the code's parameters

    @property
    def problem(self) -> str:
        """Why it cannot be read, in Chinese ('' when it can be read)."""
        return render_code(self.code, {"file": self.name, **dict(self.params)}) if self.code else ""

    def read(self) -> bytes:
        if not self.member:
            return Path(self.path).read_bytes()
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(self.member)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_modified(blob: bytes) -> str:
    """The workbook's own last-saved time (docProps/core.xml of an xlsx), '' when unknown.

    Office suites stamp it on save, so it orders two submissions of one unit better than
    file times, which e-mail and USB copies reset.
    """
    import io
    import re

    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            xml = zf.read("docProps/core.xml")[:8192].decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return ""
    m = re.search(r"<dcterms:modified[^>]*>([^<]+)<", xml)
    return m.group(1).strip() if m else ""


def _hidden(name: str) -> bool:
    # Office lock and temp files: ~$a.xlsx (Excel/WPS), .~lock.a.xlsx# (LibreOffice)
    return name.startswith(("~$", ".~lock", "."))


def _decode_member(info: zipfile.ZipInfo) -> str:
    """Zip files from Chinese Windows store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def zip_members(path: Path, shown: str) -> Iterator[Source]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        yield Source(shown, str(path), code="ZIP_CORRUPT")
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        if len(infos) > MAX_MEMBERS or total > MAX_ZIP_TOTAL:
            yield Source(shown, str(path), code="ZIP_TOO_LARGE",
                         params=(("count", len(infos)), ("size_mb", total // 2**20)))
            return
        for i in infos:
            name = _decode_member(i)
            base = name.rsplit("/", 1)[-1]
            if _hidden(base) or not base.lower().endswith(WORKBOOK_SUFFIXES):
                continue
            src = f"{shown} › {name}"
            mtime = datetime(*i.date_time).timestamp()
            if i.file_size > MAX_MEMBER_BYTES or i.file_size > MAX_RATIO * max(i.compress_size, 1):
                yield Source(src, str(path), i.filename, i.file_size, mtime,
                             code="ZIP_MEMBER_BOMB")
                continue
            if i.flag_bits & 0x1:
                yield Source(src, str(path), i.filename, i.file_size, mtime,
                             code="ZIP_PASSWORD")
                continue
            yield Source(src, str(path), i.filename, i.file_size, mtime)


def find_sources(root: Path, skip: list[Path] = ()) -> Iterator[Source]:
    """Every workbook below ``root`` (sorted, recursive), zip members included."""
    skipped = [p.resolve() for p in skip if p.exists()]
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).resolve()
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skipped and not d.startswith("."))
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            shown = str(p.relative_to(root))
            low = fn.lower()
            if _hidden(fn):
                continue
            if low.endswith(".zip"):
                yield from zip_members(p, shown)
            elif low.endswith(ARCHIVE_ASK_UNPACK):
                yield Source(shown, str(p), code="ARCHIVE_UNSUPPORTED")
            elif low.endswith(WORKBOOK_SUFFIXES):
                st = p.stat()
                yield Source(shown, str(p), size=st.st_size, mtime=st.st_mtime)
