"""Zip containers (xlsx, ods, docx, .zip attachments) opened with real limits, not declared ones.

The sizes a zip directory declares can lie. Members are inflated here in bounded chunks while
the bytes are counted, and stop at a cap per member and per container; CRC errors, unsupported
compression methods (deflate64), encrypted members and invalid dates are reasons, not crashes.
``repack`` hands the verified members to a parser as an uncompressed zip, so the parser cannot
be made to inflate anything itself.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from .errors import UnreadableError

MAX_TOTAL = 100 * 1024 * 1024  # inflated bytes of one container
MAX_MEMBER = 50 * 1024 * 1024  # inflated bytes of one member
MAX_RATIO = 200  # inflated / compressed, for members over 1 MB (sheet XML compresses ~10×)
MAX_MEMBERS = 5000
_CHUNK = 1 << 16


@dataclass
class Budget:
    """Inflated bytes left for one container."""

    left: int = MAX_TOTAL


def open_zip(data: bytes, name: str, corrupt: str = "FILE_ZIP_CORRUPT") -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        count = len(zf.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise UnreadableError(corrupt, file=name) from None
    if count > MAX_MEMBERS:
        raise UnreadableError("FILE_TOO_MANY_PARTS", file=name, count=count)
    return zf


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: Budget,
                cap: int = MAX_MEMBER) -> bytes:
    """One member's bytes, inflated with a running count; UnreadableError with the reason."""
    if info.flag_bits & 0x1:
        raise UnreadableError("FILE_PASSWORD", file=name)
    limit = min(cap, budget.left)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if len(out) > limit:
                    raise _bomb(name, len(out), info)
    except NotImplementedError:
        raise UnreadableError("FILE_ZIP_METHOD", file=name, member=info.filename) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError):
        raise UnreadableError("FILE_ZIP_CORRUPT", file=name) from None
    if len(out) > 1_000_000 and len(out) > MAX_RATIO * max(info.compress_size, 1):
        raise _bomb(name, len(out), info)
    budget.left -= len(out)
    return bytes(out)


def _bomb(name: str, size: int, info: zipfile.ZipInfo) -> UnreadableError:
    ratio = size / max(info.compress_size, 1)
    return UnreadableError("FILE_ZIP_BOMB", file=name, size_mb=f"{size / 1048576:.0f}", ratio=f"{ratio:.0f}")


def members(zf: zipfile.ZipFile, name: str, budget: Budget | None = None,
            wanted: Iterable[zipfile.ZipInfo] | None = None) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
    budget = budget or Budget()
    for info in wanted if wanted is not None else zf.infolist():
        if not info.is_dir():
            yield info, read_member(zf, info, name, budget)


def repack(zf: zipfile.ZipFile, name: str) -> tuple[bytes, dict[str, bytes]]:
    """(an uncompressed copy of the container, member name → bytes), every member verified."""
    parts: dict[str, bytes] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info, blob in members(zf, name):
            if info.filename in parts:  # a second member of the same name: the container lies
                raise UnreadableError("FILE_ZIP_CORRUPT", file=name)
            parts[info.filename] = blob
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), blob)
    return out.getvalue(), parts


def member_time(info: zipfile.ZipInfo) -> float:
    """A member's modification time as a timestamp; 0 when the stored date is invalid."""
    try:
        return datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError, OSError):
        return 0.0
