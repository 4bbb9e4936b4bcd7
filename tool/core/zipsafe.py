"""Zip containers (xlsx, ods, docx, .zip attachments) opened with real limits, not declared ones.

The sizes a zip directory declares can lie. A member is inflated here in one bounded call
(zlib, bz2 and lzma all take a ``max_length``), counted against a cap per member and per
container, and its size and CRC compared with what the directory declares; unsupported methods
(deflate64), encrypted members, duplicate names and invalid dates are reasons, not crashes.
Once every member a parser will read has been verified this way, its declared sizes are true
and bounded, so the parser may be handed the original bytes.
"""

from __future__ import annotations

import bz2
import io
import lzma
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from .errors import UnreadableError

MAX_TOTAL = 100 * 1024 * 1024  # inflated bytes of one container
MAX_MEMBER = 50 * 1024 * 1024  # inflated bytes of one member
MAX_RATIO = 200  # inflated / compressed, for members over 1 MB (sheet XML compresses ~10×)
MAX_MEMBERS = 5000


@dataclass
class Container:
    """A zip in memory, read member by member within ``left`` inflated bytes."""

    zf: zipfile.ZipFile
    data: bytes
    name: str
    left: int = MAX_TOTAL
    infos: list[zipfile.ZipInfo] = field(default_factory=list)

    def getinfo(self, member: str) -> zipfile.ZipInfo:
        return self.zf.getinfo(member)

    def read(self, info: zipfile.ZipInfo, cap: int = MAX_MEMBER) -> bytes:
        """One member's bytes, inflated with a bound and verified; UnreadableError with the reason."""
        if info.flag_bits & 0x1:
            raise UnreadableError("FILE_PASSWORD", file=self.name)
        limit = min(cap, self.left)
        if info.file_size > limit:
            raise _bomb(self.name, info.file_size, info)
        raw = self._raw(info)
        want = info.file_size + 1  # one byte more than declared shows a lie, and no more is inflated
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                out = raw
            elif info.compress_type == zipfile.ZIP_DEFLATED:
                out = zlib.decompressobj(-15).decompress(raw, want)
            elif info.compress_type == zipfile.ZIP_BZIP2:
                out = bz2.BZ2Decompressor().decompress(raw, want)
            elif info.compress_type == zipfile.ZIP_LZMA:
                out = _lzma(raw, want)
            else:
                raise UnreadableError("FILE_ZIP_METHOD", file=self.name, member=info.filename)
        except (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError):
            raise UnreadableError("FILE_ZIP_CORRUPT", file=self.name) from None
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            raise UnreadableError("FILE_ZIP_CORRUPT", file=self.name)
        if len(out) > 1_000_000 and len(out) > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(self.name, len(out), info)
        self.left -= len(out)
        return out

    def _raw(self, info: zipfile.ZipInfo) -> bytes:
        """The member's compressed bytes, from its local header (which must agree with the directory)."""
        at = info.header_offset
        head = self.data[at: at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise UnreadableError("FILE_ZIP_CORRUPT", file=self.name)
        n, m = struct.unpack("<HH", head[26:30])
        start = at + 30 + n + m
        raw = self.data[start: start + info.compress_size]
        if len(raw) != info.compress_size:
            raise UnreadableError("FILE_ZIP_CORRUPT", file=self.name)
        return raw


def _lzma(raw: bytes, limit: int) -> bytes:
    # zip's LZMA: 2 bytes version, 2 bytes properties size, the properties, then the raw stream
    (psize,) = struct.unpack("<H", raw[2:4])
    filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, raw[4: 4 + psize])]  # type: ignore[attr-defined]
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters).decompress(raw[4 + psize:], limit)


def _bomb(name: str, size: int, info: zipfile.ZipInfo) -> UnreadableError:
    ratio = size / max(info.compress_size, 1)
    return UnreadableError("FILE_ZIP_BOMB", file=name, size_mb=f"{size / 1048576:.0f}", ratio=f"{ratio:.0f}")


def open_zip(data: bytes, name: str, corrupt: str = "FILE_ZIP_CORRUPT") -> Container:
    """The container's directory, read (nothing inflated yet); UnreadableError when it is broken."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise UnreadableError(corrupt, file=name) from None
    if len(infos) > MAX_MEMBERS:
        raise UnreadableError("FILE_TOO_MANY_PARTS", file=name, count=len(infos))
    return Container(zf, data, name, infos=infos)


def verify(box: Container, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every member (but those whose names start with ``skip``) inflated and checked: name → bytes.

    Two members of one name mean the directory lies about what a parser would read.
    """
    parts: dict[str, bytes] = {}
    for info in box.infos:
        if info.is_dir() or info.filename.startswith(skip):
            continue
        if info.filename in parts:
            raise UnreadableError("FILE_ZIP_CORRUPT", file=box.name)
        parts[info.filename] = box.read(info)
    return parts


def stored(parts: dict[str, bytes]) -> bytes:
    """An uncompressed zip of ``parts`` (when a verified member had to be changed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for member, blob in parts.items():
            dst.writestr(zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0)), blob)
    return out.getvalue()


def member_time(info: zipfile.ZipInfo) -> float:
    """A member's modification time as a timestamp; 0 when the stored date is invalid."""
    try:
        return datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError, OSError):
        return 0.0
