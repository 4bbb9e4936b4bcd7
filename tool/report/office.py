"""LibreOffice at the edge: find it, convert files headless, tell whether the 公文 fonts resolve.

Used by ``report --pdf`` (docx → PDF) and by tests. Every conversion runs ONE ``soffice`` call
for all files, with a throwaway profile (a crashed or concurrent LibreOffice never interferes),
on copies of the inputs (a stale ``.~lock.NAME#`` beside an input would make LibreOffice skip it
silently), under a timeout; outputs are moved into place atomically.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from ..core.errors import NianbaoError, OfficeMissingError, UsageError
from ..core.files import write_atomic

PROGRAMS = ("soffice", "libreoffice")
TIMEOUT = 300  # seconds for one soffice call; a first start on a cold disk takes a few
INSTALL_HINT = (
    "请先安装 LibreOffice：Debian/Ubuntu 上运行 "
    "sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk fonts-arphic-ukai；"
    "Windows/macOS 请从 https://zh-cn.libreoffice.org 下载安装，并确保 soffice 在 PATH 中"
)
PDF_HINT = (
    "未生成 PDF：本机没有安装 LibreOffice（已生成的 Word 文档不受影响）。得到 PDF 的办法：\n"
    "  Windows：用 WPS 或 Word 打开 {docs}，选择“文件 → 输出为 PDF”（WPS）或“文件 → 另存为 → PDF”（Word）；"
    "或从 https://zh-cn.libreoffice.org 下载安装 LibreOffice，再加 --pdf 重新运行本命令。\n"
    "  Linux：运行 sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai，"
    "按 README“Linux 服务器上生成 PDF 与公文字体”一节启用字体别名，再加 --pdf 重新运行本命令。"
)
FORMAT_NAMES = {"pdf": "PDF", "xlsx": "Excel（xlsx）", "xls": "Excel 97（xls）", "ods": "ODS", "docx": "Word（docx）"}


class OfficeError(NianbaoError):
    """LibreOffice is there but a conversion failed or timed out."""


def find_soffice() -> str:
    """Path of the LibreOffice program, or OfficeMissingError with how to install it."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise OfficeMissingError(f"未找到 LibreOffice（soffice），无法转换文件。{INSTALL_HINT}")


def pdf_hint(docs: str = "生成的 .docx 文件") -> str:
    """How to get a PDF without LibreOffice here, in Windows and Linux terms."""
    return PDF_HINT.format(docs=docs)


def has_office() -> bool:
    try:
        find_soffice()
    except OfficeMissingError:
        return False
    return True


def profile_arg(profile_dir: str | os.PathLike[str]) -> str:
    """The soffice argument selecting a (throwaway) user profile folder."""
    return f"-env:UserInstallation={Path(profile_dir).resolve().as_uri()}"


def convert(paths: Iterable[str | os.PathLike[str]], fmt: str, outdir: str | os.PathLike[str], *,
            timeout: float = TIMEOUT) -> list[Path]:
    """Convert files to ``fmt`` (pdf, xlsx, docx, … or ``ext:FilterName``) with one soffice call.

    Returns the written files, ``outdir/<stem>.<ext>``, in the order of ``paths``. Inputs are
    never touched. Raises OfficeMissingError, UsageError (missing input, clashing names) or
    OfficeError (LibreOffice failed, produced nothing, or ran past ``timeout`` seconds).
    """
    sources = [Path(p) for p in paths]
    ext = fmt.split(":", 1)[0].lower()
    if not sources:
        return []
    _check_sources(sources, ext, Path(outdir))
    program = find_soffice()
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        work, out, profile = Path(tmp, "in"), Path(tmp, "out"), Path(tmp, "profile")
        work.mkdir()
        copies = []
        for i, src in enumerate(sources):  # numbered folders: equal names from different folders
            d = work / str(i)
            d.mkdir()
            copies.append(Path(shutil.copy2(src, d / src.name)))
        cmd = [program, profile_arg(profile), "--headless", "--invisible", "--nologo", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(out), *map(str, copies)]
        log = _run(cmd, timeout, sources, ext)
        results = []
        for src in sources:
            made = out / f"{src.stem}.{ext}"
            if not made.is_file() or made.stat().st_size == 0:
                raise OfficeError(f"LibreOffice 未能把 {src} 转换为 {FORMAT_NAMES.get(ext, ext)}"
                                  f"（文件可能已损坏或不是可识别的文档）。{_tail(log)}")
            results.append(write_atomic(Path(outdir) / made.name, made.read_bytes(), inputs=sources))
        return results


def _check_sources(sources: list[Path], ext: str, outdir: Path) -> None:
    stems: dict[str, Path] = {}
    for src in sources:
        if not src.is_file():
            raise UsageError(f"找不到要转换的文件 {src}")
        other = stems.setdefault(src.stem, src)
        if other != src:
            raise UsageError(f"{other} 与 {src} 转换后同名（{src.stem}.{ext}），请分两次转换或改名")
        target = outdir / f"{src.stem}.{ext}"
        if target.exists() and os.path.samefile(target, src):
            raise UsageError(f"转换结果 {target} 会覆盖输入文件，请指定其他输出目录")


def _run(cmd: list[str], timeout: float, sources: list[Path], ext: str) -> str:
    """Run soffice in its own process group so a timeout kills oosplash and soffice.bin alike."""
    names = "、".join(str(s) for s in sources[:3]) + ("等" if len(sources) > 3 else "")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise OfficeError(f"LibreOffice 转换 {names} 超过 {timeout:.0f} 秒仍未完成，已终止。") from None
    text = log.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise OfficeError(f"LibreOffice 转换 {names} 为 {FORMAT_NAMES.get(ext, ext)} 失败"
                          f"（退出码 {proc.returncode}）。{_tail(text)}")
    return text


def _tail(log: str) -> str:
    lines = [ln for ln in log.strip().splitlines() if ln.strip()]
    return f"LibreOffice 输出：{' / '.join(lines[-3:])}" if lines else ""


# -- fonts -------------------------------------------------------------------------------

ALIAS_FILE = "fonts/nianbao-fonts.conf"
ALIAS_INSTALL_NAME = "35-nianbao-fonts.conf"  # in /etc/fonts/conf.d, before the generic fallbacks


def alias_file() -> Path:
    """The fontconfig alias file shipped with the package."""
    return Path(str(resources.files("tool.report") / ALIAS_FILE))


@cache
def font_aliases() -> dict[str, str]:
    """公文 font name → the free family it should resolve to, read from the shipped alias file."""
    root = ET.parse(alias_file()).getroot()
    return {a.findtext("family", ""): a.findtext("prefer/family", "") for a in root.iter("alias")}


def font_fallbacks(names: Iterable[str] | None = None) -> dict[str, str]:
    """Chinese font names that do NOT resolve to their alias target: name → what fontconfig picks.

    Empty when all resolve, and also when fontconfig is absent (Windows, macOS: there the real
    fonts are usually installed, and LibreOffice does not use fontconfig).
    """
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return {}
    aliases = font_aliases()
    wanted = [n for n in (names or aliases) if not n.isascii()]
    out = {}
    for name in wanted:
        try:
            got = subprocess.run([fc_match, "-f", "%{family}", name], capture_output=True, text=True,
                                 timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return {}
        families = [f.strip() for f in got.split(",")]
        if aliases.get(name) not in families:
            out[name] = families[0] if families and families[0] else "（未知）"
    return out


def font_warning() -> str | None:
    """A Chinese warning for the PDF step when 仿宋 & co. would fall back, else None."""
    missing = font_fallbacks()
    if not missing:
        return None
    shown = "、".join(f"{k}→{v}" for k, v in list(missing.items())[:4])
    return (f"提示：本机缺少公文字体，PDF 中将用替代字体显示（{shown}）。在 Linux 服务器上可安装免费字体并启用别名："
            f"apt-get install fonts-noto-cjk fonts-arphic-ukai && "
            f"cp {alias_file()} /etc/fonts/conf.d/{ALIAS_INSTALL_NAME} && fc-cache -f")
