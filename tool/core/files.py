"""Files at the edges: inputs read only when they are regular files of bounded size, outputs written
atomically (temp file + rename) and never over an input, names made from data never paths.

Every refusal of the machine (disk full, no permission, a file locked by another program, a name
too long, a folder where a file should be) becomes a Chinese message naming the path, exit 2.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import NianbaoError, UnreadableError, UsageError

MAX_NAME_BYTES = 180  # a file name from data, UTF-8; Linux allows 255 and the temp file adds ~20
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060\ufeff]+')
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?", re.IGNORECASE)  # Windows device names


class OutputError(NianbaoError):
    """An output could not be written (disk full, permission, locked, name too long …)."""


def os_reason(e: OSError) -> str:
    """Why the system could not read or write a file, in Chinese (strerror is English)."""
    win = getattr(e, "winerror", None)
    if win in (32, 33):  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
        return "文件正被其他程序占用（可能正在 Excel/WPS 中打开），请关闭后重试"
    reasons = {
        errno.ENOENT: "文件或文件夹不存在",
        errno.EACCES: "没有访问权限，或文件正被其他程序占用（可能正在 Excel/WPS 中打开，请关闭后重试）",
        errno.EPERM: "没有访问权限",
        errno.EISDIR: "这是文件夹，不是文件",
        errno.ENOTDIR: "路径中有一段不是文件夹",
        errno.ENOSPC: "磁盘空间不足，请清理磁盘后重试",
        errno.EDQUOT: "磁盘配额已用完，请清理后重试",
        errno.EROFS: "磁盘或文件夹是只读的，请换一个可写的位置",
        errno.ENAMETOOLONG: "文件名或路径太长，请换一个较短的文件夹或文件名",
        errno.EEXIST: "已有同名的文件或文件夹",
        errno.ETXTBSY: "文件正被其他程序占用",
        errno.EBUSY: "文件正被其他程序占用",
        errno.EMFILE: "同时打开的文件过多",
        errno.EIO: "磁盘读写出错",
    }
    if e.errno in reasons:
        return reasons[e.errno]
    return f"系统错误，代码 {e.errno}" if e.errno else "系统错误"


# -- names from data -----------------------------------------------------------------------------

def safe_name(text: str, *, limit: int = MAX_NAME_BYTES) -> str:
    """Text usable as one file name on Windows and Linux: never a path.

    No separators, reserved or control characters, invisible characters or whitespace; no ``..``;
    no leading or trailing dots; not a Windows device name; at most ``limit`` UTF-8 bytes.
    """
    name = _UNSAFE.sub("", unicodedata.normalize("NFC", str(text)))
    name = re.sub(r"\.{2,}", ".", name).strip(". ")
    if _RESERVED.fullmatch(name):
        name = "_" + name
    raw = name.encode("utf-8")[:limit]
    return raw.decode("utf-8", "ignore").rstrip(". ") or "_"


class Names:
    """Distinct file names in one folder: a name already given (ignoring case, as Windows does)
    gets （2）, （3） … before its suffix; ``taken`` names (inputs, say) are never given."""

    def __init__(self, taken: Iterable[str] = ()):
        self._used = {n.casefold() for n in taken}

    def give(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        out, n = name, 1
        while out.casefold() in self._used:
            n += 1
            out = f"{stem}（{n}）" + (f".{suffix}" if suffix else "")
        self._used.add(out.casefold())
        return out


def within(folder: Path, name: str) -> Path:
    """``folder / name`` for a name made by ``safe_name``; refuses anything that would leave the folder."""
    target = folder / name
    if Path(name).name != name or name in ("", ".", ".."):
        raise UsageError(f"文件名“{name}”不可用")
    return target


# -- reading inputs --------------------------------------------------------------------------------

def read_regular(path: str | os.PathLike[str], limit: int, shown: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; UnreadableError otherwise.

    FIFOs, devices and sockets are refused by type before opening (reading a FIFO would wait for
    ever, /dev/zero never ends); a symbolic link is followed to its target, which is checked too.
    """
    name = shown or display_name(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        code = "FILE_LINK_BROKEN" if os.path.islink(path) else "FILE_NOT_FOUND"
        raise UnreadableError(code, file=name) from None
    except OSError as e:
        raise UnreadableError("FILE_OS_ERROR", file=name, reason=os_reason(e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableError("FILE_IS_FOLDER", file=name)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableError("FILE_NOT_REGULAR", file=name)
    if st.st_size > limit:
        raise UnreadableError("FILE_TOO_LARGE", file=name, size_mb=f"{st.st_size / 1048576:.1f}",
                              limit_mb=limit // 1048576)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise UnreadableError("FILE_OS_ERROR", file=name, reason=os_reason(e)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
            raise UnreadableError("FILE_NOT_REGULAR", file=name)
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew after stat
        raise UnreadableError("FILE_TOO_LARGE", file=name, size_mb=f"{len(data) / 1048576:.1f}",
                              limit_mb=limit // 1048576)
    return data


# -- writing outputs -------------------------------------------------------------------------------

def _refuse(target: Path, e: OSError) -> OutputError:
    return OutputError(f"无法写入 {target}：{os_reason(e)}")


def write_atomic(path: str | os.PathLike[str], data: bytes, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Raises UsageError when ``path`` is one of ``inputs`` (an input is never overwritten), and
    OutputError with the reason in Chinese when the system refuses.
    """
    target = Path(path)
    try:
        for i in inputs:
            if Path(i).exists() and target.exists() and os.path.samefile(i, target):
                raise UsageError(f"输出文件 {target} 与输入文件相同；输入文件不会被覆盖，请用 -o 指定其他文件名")
        if target.is_dir():
            raise OutputError(f"无法写入 {target}：这里已有一个同名的文件夹，请改名或换一个位置")
    except OSError as e:
        raise _refuse(target, e) from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise _refuse(target, e) from None
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files others may read
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise _refuse(target, e) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


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
