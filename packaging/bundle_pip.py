"""pip, driven per target: build the product's wheel, fetch every dependency's wheel for each
platform × Python, then re-resolve each target offline from the fetched wheels alone (the lock).

Everything the bundle holds follows from the product wheel's metadata (pyproject.toml's
``[project.dependencies]`` and extras) and pip's resolution for each target; no package is named here
but pip itself, which the bundle carries so an install never depends on ``ensurepip``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from urllib.parse import unquote

from bundle_targets import Target

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "pip_for_target.py"
# Not copied when building the product's wheel (a stale build/ would leak deleted modules into it).
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "output", "*.egg-info", "__pycache__",
                              ".pytest_cache", ".ruff_cache", ".hypothesis", "*.pyc")
NOT_FOUND = re.compile(r"No matching distribution found for ([^\s;]+)")
WANTED_BY = re.compile(r"satisfies the requirement (\S+) \(from ([^)]+)\)")
IGNORED_PY = re.compile(r"Ignored the following versions that require a different python version: (.*)")
OFFLINE_HINTS = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                 "Network is unreachable", "ConnectTimeoutError", "ReadTimeoutError", "SSLError", "ProxyError")


class BundleError(Exception):
    """A failure the user can act on; the message is Chinese and names package and platform."""


@dataclass(frozen=True)
class Product:
    wheel: Path
    name: str
    version: str
    requires_python: str
    extras: tuple[str, ...]  # every extra the wheel declares


@dataclass(frozen=True)
class Pick:
    """One wheel a target installs, from the offline resolution."""
    name: str
    version: str
    filename: str
    sha256: str


def check_pip() -> str:
    """pip's version; the bundle needs ``--report`` (pip 22.2) for the lock."""
    out = run([sys.executable, "-m", "pip", "--version"], check=False)
    m = re.match(r"pip (\d+)\.(\d+)", out.stdout)
    if out.returncode != 0 or not m:
        raise BundleError(f"运行本脚本的 Python（{sys.executable}）没有可用的 pip。")
    if (int(m[1]), int(m[2])) < (22, 2):
        raise BundleError(f"pip {m[1]}.{m[2]} 太旧，需要 22.2 或更新：{sys.executable} -m pip install -U pip")
    return f"{m[1]}.{m[2]}"


def run(cmd: list[str], check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", cwd=cwd)
    if check and res.returncode != 0:
        raise BundleError(f"命令失败（退出码 {res.returncode}）：{' '.join(cmd[:4])} …\n{tail(res)}")
    return res


def tail(res: subprocess.CompletedProcess[str], lines: int = 15) -> str:
    text = (res.stdout or "") + (res.stderr or "")
    kept = [s for s in text.splitlines() if s.strip() and "is ignored: it is neither" not in s]
    return "\n".join("    " + s for s in kept[-lines:])


def build_product(project: Path, out: Path) -> Product:
    """The product's wheel, built by pip from a clean copy of the project."""
    if not (project / "pyproject.toml").is_file():
        raise BundleError(f"{project} 下没有 pyproject.toml，不是要打包的项目文件夹。")
    with tempfile.TemporaryDirectory(prefix="nianbao-src-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(project, src, ignore=SKIP)
        res = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(src)], check=False)
    if res.returncode != 0:
        raise BundleError(f"无法构建本工具的 wheel（需要能访问软件包索引以取得 setuptools）：\n{tail(res)}")
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        raise BundleError(f"构建后应有一个 wheel，实际有 {len(wheels)} 个：{out}")
    return read_product(wheels[0])


def read_product(wheel: Path) -> Product:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(zf.read(meta).decode("utf-8"))
    return Product(wheel, headers["Name"], headers["Version"], headers.get("Requires-Python") or "",
                   tuple(headers.get_all("Provides-Extra") or ()))


def requirement(product: Product, extras: tuple[str, ...], path: bool) -> str:
    """The product as a requirement: its wheel file (to fetch) or ``name[extras]==version`` (to lock)."""
    ex = f"[{','.join(extras)}]" if extras else ""
    return f"{product.wheel}{ex}" if path else f"{product.name}{ex}=={product.version}"


def pip_for(target: Target, args: list[str], glibc_max: tuple[int, int]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, str(RUNNER), json.dumps(target.marker_env()), *args, *target.pip_options(glibc_max)]
    return run(cmd, check=False)


def fetch(target: Target, reqs: list[str], wheels: Path, glibc_max: tuple[int, int]) -> None:
    """Download (or reuse from ``wheels``) every wheel ``target`` needs, resolved for that target."""
    res = pip_for(target, ["download", "--dest", str(wheels), "--progress-bar", "off", *reqs], glibc_max)
    if res.returncode != 0:
        raise BundleError(explain(res, target))


def explain(res: subprocess.CompletedProcess[str], target: Target) -> str:
    """A Chinese account of why pip could not fetch a target's wheels."""
    text = (res.stdout or "") + (res.stderr or "")
    m = NOT_FOUND.search(text)
    if res.returncode == 3 and "marker environment" in text:
        return "这个 pip 版本不接受按目标平台计算依赖条件（环境标记），请升级 pip 后重试。"
    if m and any(h in text for h in OFFLINE_HINTS):
        return (f"无法连接软件包索引（PyPI 或 pip 配置的镜像），取不到 {m[1]}（{target.label}）。"
                "请在能上网的电脑上运行本脚本，或检查 pip 的镜像与代理设置。")
    if m:
        msg = (f"取不到 {m[1]} 适用于 {target.label} 的 wheel（预编译安装包）：软件包索引上没有该平台、该 Python "
               "版本的 wheel，离线安装包无法包含它。可以去掉这个平台或版本（--platform、--python），或换用有 wheel 的版本。")
        wanted = WANTED_BY.search(text)
        if wanted and wanted[1] == m[1]:
            msg += f"\n  （{m[1]} 由 {wanted[2]} 引入）"
        ignored = IGNORED_PY.search(text)
        if ignored:
            msg += f"\n  （以下版本要求其他 Python 版本，已跳过：{ignored[1].strip()}）"
        return msg
    return f"为 {target.label} 下载依赖失败（pip 退出码 {res.returncode}）：\n{tail(res)}"


def lock(target: Target, req: str, wheels: Path, glibc_max: tuple[int, int]) -> list[Pick]:
    """Resolve ``target`` from ``wheels`` alone (``--no-index``): exactly what an offline install picks."""
    with tempfile.TemporaryDirectory(prefix="nianbao-lock-") as tmp:
        report = Path(tmp) / "report.json"
        res = pip_for(target, ["install", "--dry-run", "--ignore-installed", "--target", str(Path(tmp) / "t"),
                               "--no-index", "--find-links", str(wheels), "--report", str(report), req, "pip"],
                      glibc_max)
        if res.returncode != 0:
            raise BundleError(f"下载的 wheel 不足以离线安装到 {target.label}：\n{tail(res)}")
        data = json.loads(report.read_text("utf-8"))
    if data.get("environment", {}).get("sys_platform") != target.platform.sys_platform:
        raise BundleError(f"pip 没有按 {target.label} 计算依赖条件（环境标记），请升级 pip 后重试。")
    picks = []
    for item in data["install"]:
        filename = unquote(item["download_info"]["url"].rsplit("/", 1)[-1])
        path = wheels / filename
        if not path.is_file():
            raise BundleError(f"{target.label} 的离线解析选中了不在安装包中的文件：{filename}")
        picks.append(Pick(item["metadata"]["name"], item["metadata"]["version"], filename, sha256(path)))
    return sorted(picks, key=lambda p: p.name.lower())


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
