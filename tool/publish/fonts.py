"""Chinese fonts for the 图解, found the way the report's are: by the 公文 names (黑体) through
fontconfig, whose aliases (``tool/report/fonts/nianbao-fonts.conf``) map them to the free Noto
CJK faces on Linux; on Windows the same names are the system's own SimHei/Microsoft YaHei files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..core.errors import NianbaoError
from ..report.office import ALIAS_INSTALL_NAME, alias_file

FAMILY = "黑体"  # the 图解 is set in 黑体, as 公文 headings are
WINDOWS_FILES = {False: ("simhei.ttf", "msyh.ttc", "msyh.ttf"), True: ("msyhbd.ttc", "msyhbd.ttf", "simhei.ttf")}
PROBE = "政府信息公开年度报告"


class FontMissingError(NianbaoError):
    """No Chinese font can be found for the 图解."""


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int
    family: str


def _fontconfig(name: str, bold: bool) -> FontFile | None:
    fc = shutil.which("fc-match")
    if not fc:
        return None
    pattern = f"{name}:lang=zh-cn" + (":weight=bold" if bold else "")
    try:
        out = subprocess.run([fc, "-f", "%{file}\n%{index}\n%{family}\n%{lang}", pattern], capture_output=True,
                             text=True, timeout=30, check=False).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 4 or not out[0] or "zh-cn" not in out[3].split("|"):
        return None  # fontconfig fell back to a face without Chinese
    return FontFile(out[0], int(out[1] or 0), out[2].split(",")[0])


def _windows(bold: bool) -> FontFile | None:
    root = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    for name in WINDOWS_FILES[bold]:
        if (root / name).is_file():
            return FontFile(str(root / name), 0, name.split(".")[0])
    return None


@cache
def poster_font(bold: bool) -> FontFile:
    """The regular or bold face of 黑体 for the 图解, or FontMissingError saying how to install one."""
    found = _fontconfig(FAMILY, bold) or _windows(bold)
    if found is None:
        raise FontMissingError(
            "未找到中文字体，无法绘制图解。Linux 上请运行：apt-get install fonts-noto-cjk，"
            f"并启用公文字体别名：cp {alias_file()} /etc/fonts/conf.d/{ALIAS_INSTALL_NAME} && fc-cache -f")
    return found
