"""Builders of hostile and broken inputs (issue 10), each made with a few lines from a real workbook.

Zip surgery works on the raw bytes: local file headers (``PK\\x03\\x04``) and central directory
entries (``PK\\x01\\x02``) carry the compression method, DOS time/date, CRC and sizes at fixed
offsets, which is where real attacks (and real broken archives) differ from honest ones.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
# offsets within a header: method, time, date, crc, compressed size, size
LOCAL_AT = {"method": 8, "time": 10, "date": 12, "crc": 14, "csize": 18, "size": 22}
CENTRAL_AT = {"method": 10, "time": 12, "date": 14, "crc": 16, "csize": 20, "size": 24}


def zip_of(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def patch_headers(blob: bytes, member: str, **fields: int) -> bytes:
    """Set header fields (method, time, date, crc, csize, size) of one member, in both headers."""
    data = bytearray(blob)
    name = member.encode()
    for sig, at, name_at in ((LOCAL, LOCAL_AT, 30), (CENTRAL, CENTRAL_AT, 46)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            n = struct.unpack_from("<H", data, pos + (26 if sig == LOCAL else 28))[0]
            if bytes(data[pos + name_at: pos + name_at + n]) == name:
                for field, value in fields.items():
                    fmt = "<H" if field in ("method", "time", "date") else "<I"
                    struct.pack_into(fmt, data, pos + at[field], value)
            pos += 4
    return bytes(data)


def rewrite(blob: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of a zip with one member's bytes changed."""
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            data = src.read(i.filename)
            z.writestr(i.filename, change(data) if i.filename == member else data)
    return out.getvalue()


def bad_crc(member_bytes: bytes, name: str = "财政局.xlsx") -> bytes:
    """A zip attachment whose member's CRC does not match its bytes."""
    return patch_headers(zip_of([(name, member_bytes)]), name, crc=zlib.crc32(member_bytes) ^ 0xFFFF)


def deflate64(member_bytes: bytes, name: str = "财政局.xlsx") -> bytes:
    """A member marked as deflate64 (method 9), which Python's zipfile cannot inflate."""
    return patch_headers(zip_of([(name, member_bytes)]), name, method=9)


def dos_date_zero(member_bytes: bytes, name: str = "财政局.xlsx") -> bytes:
    """A member whose DOS date is 0 (month 0): an invalid date, as some tools write."""
    return patch_headers(zip_of([(name, member_bytes)]), name, date=0, time=0)


def lying_member(good: bytes, inflated: int, declared: int | None = None,
                 member: str = "xl/worksheets/sheet3.xml", method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """``good`` with one member replaced by ``inflated`` zero bytes (compressed to almost nothing),
    its headers declaring ``declared`` bytes (the truth when None). The CRC is the real one."""
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            if i.filename != member:
                z.writestr(i.filename, src.read(i.filename))
        info = zipfile.ZipInfo(member)  # replaces the member, or adds it
        info.compress_type = method
        with z.open(info, "w") as fh:
            for _ in range(inflated >> 20):
                fh.write(chunk)
    blob = out.getvalue()
    return blob if declared is None else patch_headers(blob, member, size=declared)


def stray_cell(workbook: bytes, sheet: str = "xl/worksheets/sheet3.xml", ref: str = "XFD1048576") -> bytes:
    """One cell far away (as a slip of the keyboard or an attack leaves): the range becomes absurd."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return rewrite(workbook, sheet, lambda x: x.replace(
        b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode(), 1))


HOSTILE = ['=HYPERLINK("http://evil.example/x","点我")', '=WEBSERVICE("http://evil.example/")',
           "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "file:///C:/Windows/System32/calc.exe",
           '{=1+1}']
