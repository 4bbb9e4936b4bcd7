"""make_bundle.py on small projects of our own: per-target environment markers, extras from
pyproject.toml, and a clear Chinese failure when a dependency has no wheel for a platform."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from bundle_harness import build, the_zip

pytestmark = pytest.mark.bundle


def _project(root: Path, deps: list[str], extras: str = "") -> Path:
    (root / "probe").mkdir(parents=True)
    (root / "probe" / "__init__.py").write_text("", "utf-8")
    (root / "pyproject.toml").write_text(f"""
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "probe"
version = "0.0.1"
requires-python = ">=3.10"
dependencies = {json.dumps(deps)}
{extras}
[tool.setuptools]
packages = ["probe"]
""", "utf-8")
    return root


def test_markers_are_evaluated_per_target_and_extras_follow_pyproject(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", ['colorama; sys_platform == "win32"', 'tomli; python_version < "3.11"'],
                       '[project.optional-dependencies]\nweb = ["six"]\ntest = ["pytest"]\n')
    build(tmp_path / "out", "--platform", "win_amd64", "--platform", "manylinux_x86_64",
          "--python", "3.10,3.12", project=project)
    with zipfile.ZipFile(the_zip(tmp_path / "out")) as zf:
        info = json.loads(zf.read("probe-offline-0.0.1/setup/bundle.json"))
        lock = zf.read("probe-offline-0.0.1/setup/requirements/win_amd64-3.10.txt").decode("utf-8")
    names = {k: {w.split("-")[0] for w in t["wheels"]} for k, t in info["targets"].items()}
    assert names == {"win_amd64-3.10": {"probe", "pip", "colorama", "tomli", "six"},
                     "win_amd64-3.12": {"probe", "pip", "colorama", "six"},
                     "manylinux_x86_64-3.10": {"probe", "pip", "tomli", "six"},
                     "manylinux_x86_64-3.12": {"probe", "pip", "six"}}
    assert info["extras"] == ["web"]  # the test extra is for developers, not offices
    assert "probe[web]==0.0.1 --hash=sha256:" in lock


def test_no_wheel_for_a_platform_names_package_and_platform(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", ["docopt==0.6.2"])  # published as a source archive only
    out = tmp_path / "out"
    res = build(out, "--platform", "manylinux_aarch64", "--python", "3.12", project=project, expect_ok=False)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "取不到 docopt==0.6.2 适用于 Linux aarch64（ARM） / CPython 3.12 的 wheel" in res.stderr
    assert "由 probe" in res.stderr  # who asked for it
    assert "Traceback" not in res.stderr
    assert not list(out.glob("*.zip")) and not list(out.glob(".bundle-*"))


@pytest.mark.parametrize(("args", "message"), [
    (["--platform", "macosx"], "未知平台：macosx"),
    (["--python", "3"], "Python 版本应写成 3.12 这样：3"),
    (["--glibc", "2.5"], "--glibc 应写成 2.28 这样"),
    (["--python", "3.9"], "本工具要求 Python >=3.10，不能为 Python 3.9 打包"),
    (["--extra", "gui"], "pyproject.toml 中没有这些 optional-dependencies：gui"),
])
def test_bad_options_exit_2_in_chinese(tmp_path: Path, args: list[str], message: str) -> None:
    project = _project(tmp_path / "p", [])
    res = build(tmp_path / "out", "--platform", "this", *args, project=project, expect_ok=False)
    assert res.returncode == 2 and message in res.stderr and "Traceback" not in res.stderr, res.stderr
