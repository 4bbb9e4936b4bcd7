"""Install nianbao from this offline bundle; run by 安装.bat / install.sh with a suitable Python.

Makes a venv without ensurepip (Debian-family systems often lack it), installs this target's locked,
hash-checked wheels with the bundle's own pip: ``pip install --no-index --find-links wheels``, writes
the launchers and puts them on the desktop, then runs ``nianbao demo`` to prove the install. Standard
library only; it reads no pip configuration and never touches the network.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

SETUP = Path(__file__).resolve().parent
BUNDLE = SETUP.parent
WHEELS = BUNDLE / "wheels"
sys.path.insert(0, str(SETUP))
from bundle_targets import this_platform, this_python  # noqa: E402  (copied beside this file)

LAUNCHERS = ("启动工作台", "命令行")
WINDOWS = os.name == "nt"


class InstallError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="nianbao 离线安装（由 安装.bat / install.sh 调用）")
    ap.add_argument("--dest", required=True, help="安装文件夹（Windows 为安装包所在文件夹）")
    ap.add_argument("--no-demo", action="store_true", help="安装后不运行 nianbao demo")
    ap.add_argument("--no-desktop", action="store_true", help="不在桌面放启动文件")
    args = ap.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # keep our lines in order with pip's and nianbao's output
        stream.reconfigure(line_buffering=True)
    try:
        install(Path(args.dest).expanduser().resolve(), demo=not args.no_demo, desktop=not args.no_desktop)
    except InstallError as e:
        print(f"\n安装失败：{e}", file=sys.stderr)
        return 1
    return 0


def install(dest: Path, demo: bool, desktop: bool) -> None:
    info = json.loads((SETUP / "bundle.json").read_text("utf-8"))
    target = choose_target(info)
    print(f"nianbao {info['version']}：安装到 {dest}（{target['label']}）")
    env_dir = dest / "nianbao-env"
    make_venv(env_dir)
    pip_install(env_dir, target)
    exe = scripts_dir(env_dir) / ("nianbao.exe" if WINDOWS else "nianbao")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, encoding="utf-8",
                             errors="replace", env=run_env())
    if version.returncode != 0:
        raise InstallError(f"安装后 nianbao 无法运行：\n{version.stdout}{version.stderr}")
    print(f"已安装：{version.stdout.strip()}")
    made = write_launchers(dest)
    if desktop:
        put_on_desktop(made)
    if demo:
        run_demo(exe, dest)
    print(f"\n安装完成。在“命令行”中输入 nianbao --help 查看全部命令；结果默认写在 {dest / 'output'} 下。")


def choose_target(info: dict) -> dict:
    plat, py = this_platform(), this_python()
    key = f"{plat.id}-{py}" if plat else None
    if key not in info["targets"]:
        have = "、".join(sorted({t["label"] for t in info["targets"].values()}))
        raise InstallError(f"本安装包不含这台电脑（{sys.platform} {platform.machine()}，Python {py}）用的文件。"
                           f"安装包支持：{have}。")
    target = info["targets"][key]
    need = target.get("glibc")
    if need and hasattr(os, "confstr"):
        have_glibc = os.confstr("CS_GNU_LIBC_VERSION") or ""
        parts = have_glibc.replace("glibc", "").strip().split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            if (int(parts[0]), int(parts[1])) < tuple(int(x) for x in need.split(".")):
                raise InstallError(f"本系统的 glibc 是 {parts[0]}.{parts[1]}，安装包中的程序库需要 {need} 或更新"
                                   "（统信UOS 20、麒麟 V10 及更新的系统满足）。")
    return target


def make_venv(env_dir: Path) -> None:
    if env_dir.exists() and any(env_dir.iterdir()) and not (env_dir / "pyvenv.cfg").is_file():
        raise InstallError(f"{env_dir} 已存在且不是 nianbao 的运行环境，为免误删，请改名或移走后重试。")
    print(f"创建运行环境：{env_dir}")
    try:  # clear: a reinstall (or a newer bundle) starts from nothing; data lives elsewhere
        venv.EnvBuilder(clear=True, with_pip=False, symlinks=not WINDOWS).create(env_dir)
    except OSError as e:
        hint = "（工作台或命令行窗口可能正在使用它，请先关闭）" if WINDOWS else ""
        raise InstallError(f"无法创建运行环境 {env_dir}{hint}：{e.strerror or e}") from e


def scripts_dir(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if WINDOWS else "bin")


def run_env() -> dict[str, str]:
    """The environment for pip and nianbao: no pip settings of this machine (mirrors, find-links,
    constraints), and LibreOffice's program folder on PATH if it is installed off PATH (Windows always)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    if WINDOWS:
        bases = [Path(os.environ[v]) for v in ("ProgramFiles", "ProgramFiles(x86)") if os.environ.get(v)]
        offices = [b / "LibreOffice" / "program" for b in bases]
    else:  # LibreOffice's own .deb packages install to /opt/libreofficeX.Y, not on PATH
        offices = sorted(Path("/opt").glob("libreoffice*/program"), reverse=True)
    if not shutil.which("soffice", path=env.get("PATH")):
        soffice = "soffice.exe" if WINDOWS else "soffice"
        found = next((o for o in offices if (o / soffice).is_file()), None)
        if found:
            env["PATH"] = f"{env.get('PATH', '')}{os.pathsep}{found}"
    return env


def pip_install(env_dir: Path, target: dict) -> None:
    python = scripts_dir(env_dir) / ("python.exe" if WINDOWS else "python")
    pip_wheel = WHEELS / target["pip"]
    cmd = [str(python), str(pip_wheel / "pip"), "install", "--isolated", "--no-index", "--find-links", str(WHEELS),
           "--require-hashes", "--no-warn-script-location", "--disable-pip-version-check",
           "-r", str(SETUP / target["requirements"])]
    print("安装程序库（离线，不访问网络）……")
    res = subprocess.run(cmd, env=run_env())
    if res.returncode != 0:
        raise InstallError("pip 安装失败（见上方输出）。如提示 hash 不符，说明安装包复制时损坏，请重新复制。")


def write_launchers(dest: Path) -> list[Path]:
    """The launchers in dest: on Windows they sit beside 安装.bat (normally dest itself), on Linux
    they are copied from setup/linux. Both find the venv relative to themselves."""
    made = []
    for name in LAUNCHERS:
        source = BUNDLE / f"{name}.bat" if WINDOWS else SETUP / "linux" / f"{name}.sh"
        target = dest / source.name
        if source.resolve() != target.resolve():
            shutil.copyfile(source, target)
        if not WINDOWS:
            target.chmod(0o755)
        made.append(target)
    return made


def put_on_desktop(launchers: list[Path]) -> None:
    desk = desktop_dir()
    if desk is None:
        print("未找到桌面文件夹，没有放启动文件；可直接运行：" + "、".join(str(p) for p in launchers))
        return
    for path in launchers:
        name = path.stem
        if WINDOWS:  # a two-line stub: the real launcher stays next to the install, found by %~dp0
            stub = desk / f"{name}.bat"
            body = f'@echo off\r\nchcp 65001 >nul\r\ncall "{str(path).replace("%", "%%")}"\r\n'
            stub.write_bytes(body.encode("utf-8"))
        else:
            stub = desk / f"nianbao-{name}.desktop"
            stub.write_text(desktop_entry(name, path), "utf-8")
            stub.chmod(0o755)
            if shutil.which("gio"):  # GNOME-style desktops only launch "trusted" entries
                subprocess.run(["gio", "set", str(stub), "metadata::trusted", "true"], capture_output=True)
        print(f"已放到桌面：{stub}")


def desktop_entry(name: str, script: Path) -> str:
    quoted = '"' + "".join("\\" + c if c in '"`$\\' else c for c in str(script)) + '"'
    return ("[Desktop Entry]\nType=Application\nVersion=1.0\n"
            f"Name={name}\nComment=nianbao 政府信息公开工作年度报告\n"
            f"Exec=bash {quoted}\nTerminal=true\nIcon=utilities-terminal\nCategories=Office;\n")


def desktop_dir() -> Path | None:
    if WINDOWS:
        import ctypes
        buf = ctypes.create_unicode_buffer(1024)
        if ctypes.windll.shell32.SHGetFolderPathW(None, 0x0010, None, 0, buf) == 0 and buf.value:
            return Path(buf.value)  # CSIDL_DESKTOPDIRECTORY: follows redirection (OneDrive, D:\桌面)
        candidates = [Path.home() / "Desktop"]
    else:
        candidates = []
        if shutil.which("xdg-user-dir"):
            out = subprocess.run(["xdg-user-dir", "DESKTOP"], capture_output=True, text=True).stdout.strip()
            if out and Path(out) != Path.home():
                candidates.append(Path(out))
        candidates += [Path.home() / "桌面", Path.home() / "Desktop"]
    return next((p for p in candidates if p.is_dir()), None)


def run_demo(exe: Path, dest: Path) -> None:
    out = dest / "output" / "示例"
    print(f"\n检查安装：nianbao demo -o {out}")
    res = subprocess.run([str(exe), "demo", "-o", str(out)], cwd=str(dest), env=run_env())
    if res.returncode != 0:
        raise InstallError("nianbao demo 没有成功（见上方输出）。")


if __name__ == "__main__":
    sys.exit(main())
