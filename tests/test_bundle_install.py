"""The offline bundle for this machine installs and runs with no network at all.

``make_bundle.py --platform this`` builds it (from PyPI); then, inside ``unshare -n``, the bundle's own
install.sh makes a fresh venv with ``pip install --no-index --find-links`` and runs ``nianbao demo``.
Also: reinstall over it with Debian's own python3, the launchers, the text files as cmd.exe and
Notepad read them, and refusals that leave the user's files alone.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from bundle_harness import base_python, build, clean_env, offline, require_netns, the_zip, unpack

pytestmark = pytest.mark.bundle
DEBIAN_PYTHON = Path("/usr/bin/python3")


def _version(python: str) -> str | None:
    res = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else None


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This platform only (CI speed); also Debian's python3 version when it differs from ours."""
    require_netns()
    out = tmp_path_factory.mktemp("bundle")
    args = ["--platform", "this", "--python", "this"]
    deb = _version(str(DEBIAN_PYTHON)) if DEBIAN_PYTHON.exists() else None
    if deb and deb != _version(base_python()) and deb >= "3.10":
        args += ["--python", deb]
    res = build(out, *args)
    print(res.stdout)
    return the_zip(out)


@pytest.fixture(scope="module")
def unpacked(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack(bundle, tmp_path_factory.mktemp("usb"))


@pytest.fixture(scope="module")
def installed(unpacked: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """install.sh run offline with the CPython that runs these tests; returns (dest, home, output)."""
    base = tmp_path_factory.mktemp("pc")
    home, dest = base / "home", base / "程序" / "nianbao"
    (home / "Desktop").mkdir(parents=True)
    res = offline(["bash", str(unpacked / "install.sh"), "--python", base_python(), str(dest)], clean_env(home))
    out = res.stdout + res.stderr
    print(out)  # the proof, shown by pytest -s / on failure
    assert res.returncode == 0, out
    return dest, home, out


def test_installs_and_runs_demo_with_no_network(installed: tuple[Path, Path, str], bundle: Path) -> None:
    dest, _, out = installed
    assert out.startswith("interfaces: lo\n")  # the namespace had nothing but a (down) loopback
    probe = offline([base_python(), "-c", "import socket; socket.create_connection(('pypi.org', 443), timeout=10)"],
                    clean_env(dest.parent / "probe"))
    assert probe.returncode != 0 and "gaierror" in probe.stderr, probe.stderr  # not even a name lookup
    assert "Looking in links" in out and "Successfully installed" in out
    assert "校验：通过" in out and "完成：共生成" in out and "安装完成" in out
    demo = dest / "output" / "示例"
    assert (demo / "忻州市信访局2019年政府信息公开工作年度报告.docx").stat().st_size > 10_000
    assert (demo / "多部门" / "汇总结果" / "汇总表.xlsx").is_file()
    umask = os.umask(0)
    os.umask(umask)
    assert bundle.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's private one
    version = bundle.name.removeprefix("nianbao-offline-").removesuffix(".zip")
    res = subprocess.run([str(dest / "nianbao-env" / "bin" / "nianbao"), "--version"], capture_output=True, text=True)
    assert res.stdout.strip() == f"nianbao {version}"


def test_venv_holds_exactly_the_lock(installed: tuple[Path, Path, str], unpacked: Path) -> None:
    dest = installed[0]
    info = json.loads((unpacked / "setup" / "bundle.json").read_text("utf-8"))
    py = dest / "nianbao-env" / "bin" / "python"
    key = next(k for k, t in info["targets"].items() if t["python"] == _version(str(py)))
    frozen = subprocess.run([str(py), "-m", "pip", "list", "--format=json"], capture_output=True, text=True)
    have = {(d["name"].lower().replace("_", "-"), d["version"]) for d in json.loads(frozen.stdout)}
    lock = (unpacked / "setup" / info["targets"][key]["requirements"]).read_text("utf-8")
    pinned = {(m[1].lower().replace("_", "-"), m[2]) for m in re.finditer(r"^([\w.-]+)(?:\[.*?\])?==(\S+)", lock, re.M)}
    assert have == pinned  # nothing from anywhere else, nothing missing (pip itself is in the lock)


def test_launchers_and_desktop_entries(installed: tuple[Path, Path, str]) -> None:
    dest, home, _ = installed
    for name in ("启动工作台", "命令行"):
        script = dest / f"{name}.sh"
        assert script.stat().st_mode & 0o111
        entry = (home / "Desktop" / f"nianbao-{name}.desktop").read_text("utf-8")
        assert f'Exec=bash "{script}"' in entry and f"Name={name}" in entry and "Terminal=true" in entry
    shell = subprocess.run(["bash", str(dest / "命令行.sh")], input="nianbao --version\nexit\n",
                           capture_output=True, text=True, env=clean_env(home), timeout=60)
    assert "nianbao demo" in shell.stdout and "nianbao 0." in shell.stdout, shell.stdout + shell.stderr
    serve = subprocess.run([str(dest / "nianbao-env" / "bin" / "nianbao"), "serve", "--help"], capture_output=True)
    ws = subprocess.run(["bash", str(dest / "启动工作台.sh")], input="\n\n\n\n", capture_output=True, text=True,
                        env=clean_env(home), timeout=60)
    if serve.returncode == 0:  # the workspace has landed: it asks for the roster to create one
        assert "工作台还没有建立" in ws.stdout, ws.stdout + ws.stderr
    else:
        assert "还没有网页工作台（nianbao serve）" in ws.stdout and ws.returncode == 1, ws.stdout + ws.stderr


def test_reinstall_with_debian_python3(installed: tuple[Path, Path, str], unpacked: Path) -> None:
    """Debian's own python3 (what 统信UOS/麒麟 are built like) with ensurepip unavailable, over the
    existing install: the bundle brings its own pip."""
    if not DEBIAN_PYTHON.exists():
        pytest.skip("/usr/bin/python3 not present")
    dest, home, _ = installed
    broken = dest.parent / "no-ensurepip" / "ensurepip"  # as on Debian/UOS without python3-venv
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('ensurepip is not available')\n", "utf-8")
    env = {**clean_env(home), "PYTHONPATH": str(broken.parent)}
    res = offline(["bash", str(unpacked / "install.sh"), "--python", str(DEBIAN_PYTHON), "--no-demo",
                   "--no-desktop", str(dest)], env)
    assert res.returncode == 0, res.stdout + res.stderr
    cfg = (dest / "nianbao-env" / "pyvenv.cfg").read_text("utf-8")
    assert "home = /usr/bin" in cfg
    demo = subprocess.run([str(dest / "nianbao-env" / "bin" / "nianbao"), "demo", "--no-pdf", "-o",
                           str(dest / "output" / "二次")], capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0 and "校验：通过" in demo.stdout, demo.stdout + demo.stderr


def test_standalone_cpython_from_installers_folder(unpacked: Path, tmp_path: Path) -> None:
    """No suitable Python on PATH: install.sh unpacks a python-build-standalone archive found in 安装程序/.
    The archive here is a stand-in (python/bin/python3 linking to this machine's CPython): the real one
    comes from GitHub, which this machine cannot reach."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "dirname", "basename", "uname", "tar", "gzip", "mkdir", "rm"):
        found = subprocess.run(["bash", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        (tools / tool).symlink_to(found)
    arch = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
    ver = _version(base_python())
    archive = unpacked / "安装程序" / f"cpython-{ver}.99+20990101-{arch}-unknown-linux-gnu-install_only.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        link = tarfile.TarInfo("python/bin/python3")
        link.type, link.linkname = tarfile.SYMTYPE, base_python()
        tf.addfile(link)
    dest = tmp_path / "装在这里"
    try:
        res = offline(["bash", str(unpacked / "install.sh"), "--no-demo", "--no-desktop", str(dest)],
                      clean_env(tmp_path / "home", path=str(tools)))
    finally:
        archive.unlink()
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"解压 {archive.name} 到 {dest}/python" in res.stdout
    assert (dest / "nianbao-env" / "bin" / "nianbao").is_file()


def test_refuses_a_folder_that_is_not_its_venv(unpacked: Path, tmp_path: Path) -> None:
    dest = tmp_path / "nianbao"
    keep = dest / "nianbao-env" / "我的文件.xlsx"
    keep.parent.mkdir(parents=True)
    keep.write_bytes(b"data")
    res = subprocess.run(["bash", str(unpacked / "install.sh"), "--python", base_python(), "--no-demo", str(dest)],
                         capture_output=True, text=True, env=clean_env(tmp_path / "home"))
    assert res.returncode == 1 and "不是 nianbao 的运行环境" in res.stderr and "Traceback" not in res.stderr
    assert keep.read_bytes() == b"data"


def test_refuses_an_unusable_python_and_a_lone_script(unpacked: Path, tmp_path: Path) -> None:
    res = subprocess.run(["bash", str(unpacked / "install.sh"), "--python", "/bin/false", str(tmp_path / "d")],
                         capture_output=True, text=True, env=clean_env(tmp_path / "home"))
    assert res.returncode == 1 and "指定的 Python 不能用" in res.stderr
    alone = tmp_path / "install.sh"
    alone.write_bytes((unpacked / "install.sh").read_bytes())
    res = subprocess.run(["bash", str(alone)], capture_output=True, text=True, env=clean_env(tmp_path / "home"))
    assert res.returncode == 1 and "请先把整个压缩包解压" in res.stderr
    assert not (tmp_path / "home" / "nianbao").exists()


def test_windows_text_files_read_as_cmd_and_notepad_read_them(unpacked: Path) -> None:
    """.bat: UTF-8 without BOM, CRLF only, ASCII until ``chcp 65001`` on line 2; no ( ) blocks (a ")" in
    a folder name would end one); every goto/call label exists. .txt: UTF-8 with BOM, CRLF."""
    bats = sorted(unpacked.glob("*.bat"))
    assert {p.name for p in bats} == {"安装.bat", "启动工作台.bat", "命令行.bat"}
    for bat in bats:
        raw = bat.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), bat.name
        assert raw.count(b"\n") == raw.count(b"\r\n") and b"\r\r" not in raw, bat.name
        lines = raw.decode("utf-8").split("\r\n")
        assert lines[0] == "@echo off" and lines[1] == "chcp 65001 >nul", bat.name
        assert any(not s.isascii() for s in lines), bat.name  # there is Chinese to protect
        labels = {s[1:].split()[0].lower() for s in lines if s.startswith(":")}
        for m in re.finditer(r"(?:goto|call) :(\w+)", raw.decode("utf-8"), re.I):
            assert m[1].lower() in labels, (bat.name, m[1])
        for s in lines:
            code = s.split("rem ", 1)[0] if s.lstrip().lower().startswith("rem ") else s
            assert not code.rstrip().endswith("(") and not code.lstrip().startswith(")"), (bat.name, s)
        assert not re.search(r"@[A-Z_]+@", raw.decode("utf-8")), bat.name  # every placeholder filled
    for txt in [unpacked / "离线安装说明.txt", *unpacked.glob("安装程序/*.txt")]:
        raw = txt.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n"), txt.name
        text = raw[3:].decode("utf-8")
        assert not re.search(r"@[A-Z_]+@", text), txt.name
    guide = (unpacked / "离线安装说明.txt").read_bytes()[3:].decode("utf-8")
    for needed in ("Python 3.", "安装程序", "LibreOffice", "nianbao demo", "安装.bat", "install.sh"):
        assert needed in guide, needed


def test_no_build_machine_paths_in_the_bundle(unpacked: Path) -> None:
    for path in unpacked.rglob("*"):
        if path.is_file() and path.suffix in (".bat", ".sh", ".txt", ".json", ".py"):
            text = path.read_text("utf-8-sig")
            assert "/tmp/" not in text and str(Path(sys.prefix)) not in text, path
