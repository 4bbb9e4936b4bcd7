"""Finding the submitted workbooks in a folder: files, and those inside .zip attachments.

Only regular files are read (FIFOs, devices and sockets are refused by type; a symbolic link is
followed and its target checked). Zip attachments are read as people make them: members by
position (two members of one name are two submissions), names without the UTF-8 flag decoded as
UTF-8 when valid, else GBK, invalid member dates ignored, a zip inside a zip read one level deep;
members are inflated with real limits (``core.zipsafe``). Nothing here parses a workbook; it
yields sources that read to bytes, and the reasons for those that cannot.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.catalog import render_code
from ..core.errors import UnreadableError
from ..core.files import display_name, read_regular
from ..core.zipsafe import MAX_RATIO, Container, member_time, open_zip

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
ARCHIVE_ASK_UNPACK = (".rar", ".7z", ".tar", ".gz")
MAX_FILE_BYTES = 20 * 1024 * 1024  # one workbook (as the reader's limit)
MAX_ZIP_BYTES = 200 * 1024 * 1024  # one attachment on disk
MAX_ZIP_TOTAL = 512 * 1024 * 1024  # inflated bytes of one attachment
MAX_MEMBERS = 2000


@dataclass(frozen=True)
class Source:
    """One candidate workbook: a file, a member of a zip file, or a member of a zip inside one."""

    name: str  # as shown to the user: "收件/财政局.xlsx" or "附件.zip › 财政局.xlsx"
    path: str  # the file on disk (the zip for a member)
    member: str = ""  # the member's name inside the zip (for display and the manifest)
    size: int = 0
    mtime: float = 0.0  # the file's (or the zip entry's) modification time
    code: str = ""  # the catalog code of why it cannot be read (a .rar, a bad zip …); empty when fine
    params: tuple[tuple[str, object], ...] = ()  # the code's parameters
    index: int = -1  # the member's position in the zip (names may repeat)
    inner: int = -1  # the position inside a zip that is itself that member

    @property
    def problem(self) -> str:
        """Why it cannot be read, in Chinese ('' when it can be read)."""
        return render_code(self.code, {"file": self.name, **dict(self.params)}) if self.code else ""

    def read(self) -> bytes:
        """The workbook's bytes, read within limits; UnreadableError saying why not."""
        if not self.member:
            return read_regular(self.path, MAX_FILE_BYTES, self.name)
        box = open_zip(read_regular(self.path, MAX_ZIP_BYTES, self.name), self.name, "ZIP_CORRUPT")
        blob = box.read(_info(box, self.index), cap=MAX_ZIP_BYTES if self.inner >= 0 else MAX_FILE_BYTES)
        if self.inner < 0:
            return blob
        inner = open_zip(blob, self.name, "ZIP_CORRUPT")
        return inner.read(_info(inner, self.inner), cap=MAX_FILE_BYTES)


def _info(box: Container, index: int) -> zipfile.ZipInfo:
    if 0 <= index < len(box.infos):
        return box.infos[index]
    raise UnreadableError("ZIP_CORRUPT", file=box.name)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_modified(blob: bytes, now: float | None = None) -> str:
    """The workbook's own last-saved time (docProps/core.xml of an xlsx), '' when unknown.

    Office suites stamp it on save, so it orders two submissions of one unit better than file
    times, which e-mail and USB copies reset. A time in the future (a wrong clock, or a workbook
    dated 2099 to win every comparison) is not believed.
    """
    try:
        box = open_zip(blob, "")
        xml = box.read(box.getinfo("docProps/core.xml"), cap=1 << 20)[:8192].decode("utf-8", "replace")
    except (UnreadableError, KeyError):
        return ""
    m = re.search(r"<dcterms:modified[^>]*>([^<]+)<", xml)
    stamp = m.group(1).strip() if m else ""
    limit = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((now or time.time()) + 86400))
    return stamp if stamp[:19] <= limit else ""


def _hidden(name: str) -> bool:
    # Office lock and temp files: ~$a.xlsx (Excel/WPS), .~lock.a.xlsx# (LibreOffice)
    return name.startswith(("~$", ".~lock", "."))


def decode_member(info: zipfile.ZipInfo) -> str:
    """A member's name: flagged UTF-8 as is; otherwise UTF-8 when the bytes are valid UTF-8, else GBK
    (Windows' built-in zip writes the ANSI code page without the flag)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _members(box: Container, shown: str, path: str, outer: int = -1) -> Iterator[Source]:
    """The workbooks of one zip (``outer`` ≥ 0: a zip inside a zip, at that position)."""
    infos = box.infos
    seen: dict[str, int] = {}
    for i, info in enumerate(infos):
        if info.is_dir():
            continue
        name = decode_member(info)
        base = name.rsplit("/", 1)[-1]
        if _hidden(base):
            continue
        low = base.lower()
        seen[name] = seen.get(name, 0) + 1
        label = f"{shown} › {name}" + (f"（同名第{seen[name]}个）" if seen[name] > 1 else "")
        where = {"index": outer if outer >= 0 else i, "inner": i if outer >= 0 else -1}
        common = {"member": name, "size": info.file_size, "mtime": member_time(info), **where}
        if not low.endswith((*WORKBOOK_SUFFIXES, ".zip")):
            continue
        cap = MAX_ZIP_BYTES if low.endswith(".zip") else MAX_FILE_BYTES
        declared_bomb = info.file_size > cap or (
            info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1))
        if info.flag_bits & 0x1:
            yield Source(label, path, code="ZIP_PASSWORD", **common)
        elif declared_bomb:  # honest about it: refused before inflating anything
            yield Source(label, path, code="ZIP_MEMBER_BOMB", **common)
        elif low.endswith(".zip"):
            yield from (_nested(box, info, label, path, i) if outer < 0 else
                        [Source(label, path, code="ZIP_NESTED_TOO_DEEP", **common)])
        else:
            yield Source(label, path, **common)


def _nested(box: Container, info: zipfile.ZipInfo, shown: str, path: str, index: int) -> Iterator[Source]:
    try:
        inner = open_zip(box.read(info, cap=MAX_ZIP_BYTES), shown, "ZIP_CORRUPT")
    except UnreadableError as e:
        yield Source(shown, path, info.filename, info.file_size, member_time(info), e.code,
                     tuple(e.params.items()) if e.code != "ZIP_CORRUPT" else (), index)
        return
    yield from _members(inner, shown, path, outer=index)


def zip_members(path: Path, shown: str) -> Iterator[Source]:
    try:
        box = open_zip(read_regular(path, MAX_ZIP_BYTES, shown), shown, "ZIP_CORRUPT")
    except UnreadableError as e:
        yield Source(shown, str(path), code=e.code, params=tuple((k, v) for k, v in e.params.items() if k != "file"))
        return
    infos = box.infos
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_MEMBERS or total > MAX_ZIP_TOTAL:
        yield Source(shown, str(path), code="ZIP_TOO_LARGE", params=(("count", len(infos)), ("size_mb", total // 2**20)))
        return
    yield from _members(box, shown, str(path))


def _file(p: Path, shown: str) -> Iterator[Source]:
    """One file found in the folder, checked by type before anything opens it."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        yield Source(shown, str(p), code="FILE_LINK_BROKEN" if p.is_symlink() else "FILE_NOT_FOUND")
        return
    except OSError:
        yield Source(shown, str(p), code="FILE_NOT_REGULAR")
        return
    if not stat.S_ISREG(st.st_mode):
        yield Source(shown, str(p), code="FILE_NOT_REGULAR")
    elif p.name.lower().endswith(".zip"):
        yield from zip_members(p, shown)
    else:
        yield Source(shown, str(p), size=st.st_size, mtime=min(st.st_mtime, time.time() + 86400))


def find_sources(root: Path, skip: list[Path] = ()) -> Iterator[Source]:
    """Every workbook below ``root`` (sorted, recursive), zip members included."""
    skipped = [p.resolve() for p in skip if p.exists()]
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).resolve()
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skipped and not d.startswith("."))
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            shown = display_name(p.relative_to(root))
            low = fn.lower()
            if _hidden(fn):
                continue
            if low.endswith(ARCHIVE_ASK_UNPACK):
                yield Source(shown, str(p), code="ARCHIVE_UNSUPPORTED")
            elif low.endswith((*WORKBOOK_SUFFIXES, ".zip")):
                yield from _file(p, shown)
