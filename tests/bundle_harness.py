"""Building the offline bundle and installing it with no network, for the ``bundle`` tests.

    from bundle_harness import build, require_netns, offline, unpack
    zip_path = build(tmp, "--platform", "this", "--python", "this")   # runs packaging/make_bundle.py
    root = unpack(zip_path, tmp / "u")                                # the bundle's top folder
    res = offline(["bash", str(root / "install.sh"), ...])             # inside `unshare -n`, as root

Building needs the package index (PyPI or pip's configured mirror); installing runs in a fresh network
namespace (``unshare -n``: only a downed loopback, no route anywhere), with an environment of our own
(no PIP_* settings of this machine, so nothing can come from a local wheel cache). Without root/unshare
or without the index the tests skip, except when CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAKE = REPO / "packaging" / "make_bundle.py"
sys.path.insert(0, str(REPO / "packaging"))  # bundle_targets: the platform × Python definitions
BUILD_TIMEOUT = 1800  # seconds: the full matrix downloads ~70 MB on a cold cache
INSTALL_TIMEOUT = 600


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def cannot(problem: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true but bundle tests cannot run: {problem}")
    pytest.skip(problem)


def require_netns() -> None:
    """Skip (fail when CI=true) unless we can make a network namespace."""
    if shutil.which("unshare") is None:
        cannot("unshare not found (Debian package util-linux)")
    res = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if res.returncode != 0:
        cannot(f"unshare -n does not work here (needs root): {res.stderr.strip()}")


def build(out: Path, *args: str, project: Path | None = None, expect_ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run make_bundle.py; returns the finished process (the zip is in ``out``)."""
    cmd = [sys.executable, str(MAKE), "-o", str(out), *args]
    if project is not None:
        cmd += ["--project", str(project)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    if "无法连接软件包索引" in res.stderr:
        cannot(f"the package index is not reachable: {res.stderr.strip()}")
    if expect_ok:
        assert res.returncode == 0, f"make_bundle failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return res


def the_zip(out: Path) -> Path:
    zips = sorted(out.glob("*-offline-*.zip"))
    assert len(zips) == 1, zips
    return zips[0]


def unpack(zip_path: Path, dest: Path) -> Path:
    """Extract like unzip does (keeping the executable bit); return the bundle's top folder."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(dest)
        for info in zf.infolist():
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                (dest / info.filename).chmod(mode)
        tops = {n.split("/", 1)[0] for n in zf.namelist()}
    assert len(tops) == 1, tops
    return dest / tops.pop()


def clean_env(home: Path, path: str | None = None) -> dict[str, str]:
    """A user's environment with nothing of this machine's pip setup (PIP_FIND_LINKS, mirrors…)."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": path or "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8", "CI": os.environ.get("CI", "")}


def offline(cmd: list[str], env: dict[str, str], stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in a new network namespace, first printing the interfaces it has (/proc/net/dev is
    per namespace; /sys/class/net is not): only ``lo``."""
    script = ('ifs=""; while IFS=: read -r name _; do case "$name" in *"|"*) ;; *) ifs="$ifs ${name// /}";; esac; '
              'done < /proc/net/dev; echo "interfaces:$ifs"; exec "$@"')
    full = [shutil.which("unshare") or "unshare", "-n", "--", "bash", "-c", script, "netns", *cmd]
    return subprocess.run(full, env=env, input=stdin, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
                          cwd=cwd)


def base_python() -> str:
    """The real interpreter behind this test run (not a venv's), as an office PC would have it."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))
