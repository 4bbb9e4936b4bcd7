"""Lay out and zip the offline bundle: wheels, per-target locks, installers, launchers, instructions.

Text for Windows is written the way cmd.exe and Notepad read it: .bat files are UTF-8 without a BOM
(a BOM breaks the first command) with CRLF line ends and ``chcp 65001`` on line 2, before any
non-ASCII byte; the instructions are UTF-8 with a BOM and CRLF, which every Notepad (and every Linux
editor) opens correctly. Shell scripts are UTF-8 with LF.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bundle_pip import BundleError, Pick, Product
from bundle_targets import PLATFORMS, Target, wheel_glibc

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLACEHOLDER = re.compile(r"@[A-Z_]+@")


@dataclass(frozen=True)
class Text:
    template: str  # under templates/
    dest: str  # in the bundle
    kind: str  # "bat" | "txt" | "sh" | "py"


FILES = (
    Text("windows/install.bat", "安装.bat", "bat"),
    Text("windows/launch_workspace.bat", "启动工作台.bat", "bat"),
    Text("windows/command_line.bat", "命令行.bat", "bat"),
    Text("linux/install.sh", "install.sh", "sh"),
    Text("linux/launch_workspace.sh", "setup/linux/启动工作台.sh", "sh"),
    Text("linux/command_line.sh", "setup/linux/命令行.sh", "sh"),
    Text("readme.txt", "离线安装说明.txt", "txt"),
    Text("installers.txt", "安装程序/请把安装包放在这里.txt", "txt"),
    Text("setup/install_helper.py", "setup/install_helper.py", "py"),
    Text("setup/check_python.py", "setup/check_python.py", "py"),
)


def encode(text: str, kind: str) -> bytes:
    lines = text.replace("\r\n", "\n").split("\n")
    if kind == "bat":
        for i, line in enumerate(lines[:2]):
            if not line.isascii():
                raise BundleError(f"模板错误：.bat 的第 {i + 1} 行（chcp 65001 之前）只能用 ASCII 字符")
        return "\r\n".join(lines).encode("utf-8")
    if kind == "txt":
        return "\ufeff".encode() + "\r\n".join(lines).encode("utf-8")
    return "\n".join(lines).encode("utf-8")


def render(name: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / name).read_text("utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = sorted(set(PLACEHOLDER.findall(text)))
    if left:
        raise BundleError(f"模板 {name} 中有未替换的占位符：{'、'.join(left)}")
    return text


def placeholders(product: Product, targets: list[Target], glibc: str) -> dict[str, str]:
    pythons = sorted({t.python for t in targets}, key=lambda v: tuple(int(x) for x in v.split(".")))
    by_platform: dict[str, list[str]] = {}
    for t in targets:
        by_platform.setdefault(t.platform.id, []).append(t.python)
    rows = [f"  {pad(PLATFORMS[p].label, 24)}CPython {'、'.join(v)}" for p, v in by_platform.items()]
    span = pythons[0] if len(pythons) == 1 else f"{pythons[0]}–{pythons[-1]}"
    return {
        "VERSION": product.version, "PY_VERSIONS": " ".join(reversed(pythons)),
        "PY_NODOT": " ".join(v.replace(".", "") for v in reversed(pythons)),
        "PY_RANGE": span, "PY_BEST": pythons[-1], "PY_MIN": pythons[0], "GLIBC": glibc or "2.17",
        "TARGETS": "\n".join(rows), "CREATED": time.strftime("%Y-%m-%d %H:%M"),
    }


def pad(text: str, width: int) -> str:
    """Left-justify by display width (a Chinese character is two columns in Notepad and terminals)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)
    return text + " " * max(1, width - used)


def requirements(target: Target, picks: list[Pick], product: Product, extras: tuple[str, ...],
                 hashes: dict[tuple[str, str], list[str]]) -> str:
    """The lock for one target: every distribution pinned, with the hashes of every bundled file of it
    (pip may rank two files of one release differently on the real machine; both are ours)."""
    lines = [f"# {product.name} {product.version} 离线安装清单：{target.label}（make_bundle.py 生成，勿手改）"]
    for p in picks:
        name = p.name
        if canonical(name) == canonical(product.name) and extras:
            name += f"[{','.join(extras)}]"
        lines.append(f"{name}=={p.version} " + " ".join(f"--hash=sha256:{h}" for h in
                                                       hashes[(canonical(p.name), p.version)]))
    return "\n".join(lines) + "\n"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def manifest(product: Product, extras: tuple[str, ...], locks: dict[Target, list[Pick]],
             pip_version: str) -> dict:
    targets = {}
    for t, picks in locks.items():
        glibcs = [g for p in picks if (g := wheel_glibc(p.filename))]
        targets[t.key] = {
            "platform": t.platform.id, "python": t.python, "label": t.label,
            "requirements": f"requirements/{t.key}.txt",
            "pip": next(p.filename for p in picks if canonical(p.name) == "pip"),
            "glibc": ".".join(map(str, max(glibcs))) if glibcs else None,
            "wheels": [p.filename for p in picks],
        }
    return {"product": product.name, "version": product.version, "extras": list(extras),
            "requires_python": product.requires_python, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "built_with": {"pip": pip_version}, "targets": targets}


def lay_out(root: Path, wheels: Path, product: Product, extras: tuple[str, ...],
            locks: dict[Target, list[Pick]], pip_version: str) -> dict:
    """Write the bundle's folder; return its manifest."""
    used = sorted({p.filename for picks in locks.values() for p in picks})
    (root / "wheels").mkdir(parents=True)
    hashes: dict[tuple[str, str], list[str]] = {}
    for picks in locks.values():
        for p in picks:
            key = (canonical(p.name), p.version)
            if p.sha256 not in hashes.setdefault(key, []):
                hashes[key].append(p.sha256)
    for name in used:
        shutil.copy2(wheels / name, root / "wheels" / name)
    info = manifest(product, extras, locks, pip_version)
    glibc = max((t["glibc"] for t in info["targets"].values() if t["glibc"]),
                key=lambda v: tuple(map(int, v.split("."))), default="")
    values = placeholders(product, list(locks), glibc)
    for f in FILES:
        out = root / f.dest
        out.parent.mkdir(parents=True, exist_ok=True)
        text = render(f.template, values) if f.kind != "py" else (TEMPLATES / f.template).read_text("utf-8")
        out.write_bytes(encode(text, f.kind))
    shutil.copy2(Path(__file__).with_name("bundle_targets.py"), root / "setup" / "bundle_targets.py")
    (root / "setup" / "requirements").mkdir()
    for t, picks in locks.items():
        text = requirements(t, picks, product, extras, hashes)
        (root / "setup" / "requirements" / f"{t.key}.txt").write_bytes(text.encode("utf-8"))
    (root / "setup" / "bundle.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return info


def write_zip(root: Path, out: Path) -> Path:
    """Zip ``root`` (its name as the top folder) to ``out`` atomically; names in UTF-8 (flag 0x800),
    shell scripts keep their executable bit for unzip."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".bundle-", suffix=".zip.part", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(root.rglob("*")):
                arc = f"{root.name}/{path.relative_to(root).as_posix()}"
                if path.is_dir():
                    continue
                info = zipfile.ZipInfo(arc, time.localtime(path.stat().st_mtime)[:6])
                info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
                mode = 0o755 if path.suffix == ".sh" else 0o644
                info.external_attr = (0o100000 | mode) << 16
                with path.open("rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; a bundle is for copying around
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out

