"""Writing outputs safely: atomically (temp file + rename), never over an input."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError


def write_atomic(path: str | os.PathLike[str], data: bytes, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Raises UsageError when ``path`` is one of ``inputs`` (an input is never overwritten).
    """
    target = Path(path)
    for i in inputs:
        if Path(i).exists() and target.exists() and os.path.samefile(i, target):
            raise UsageError(f"输出文件 {target} 与输入文件相同；输入文件不会被覆盖，请用 -o 指定其他文件名")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files others may read
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def safe_name(text: str) -> str:
    """Text usable as a file name on Windows and Linux: no path separators, reserved characters or spaces."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)


def os_reason(e: OSError) -> str:
    """Why the system could not read or write a file, in Chinese (strerror is English)."""
    if isinstance(e, FileNotFoundError):
        return "文件不存在"
    if isinstance(e, PermissionError):
        return "没有访问权限，或文件正被其他程序占用"
    if isinstance(e, IsADirectoryError):
        return "这是文件夹，不是文件"
    return f"系统错误，代码 {e.errno}" if e.errno else "系统错误"


def display_name(path: str | os.PathLike[str]) -> str:
    """A file name that can be printed: names from Windows zips/shares are often GBK bytes."""
    raw = os.fsencode(path)
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")  # pragma: no cover - gb18030 decodes nearly anything


def output_dir() -> Path:
    """The default output folder: ./output (created on demand)."""
    return Path("output")
