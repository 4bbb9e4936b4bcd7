"""The full bundle, checked against the platform × CPython matrix it promises, without installing.

make_bundle.py builds the real bundle for every target (Windows x64, Linux x86_64 and aarch64
manylinux; CPython 3.10–3.13), downloading ~70 MB through pip's cache. The check is independent of the
script's own resolution: it reads the wheel file names and METADATA inside the zip and, for every
target, (1) follows Requires-Dist from the product down, evaluating markers with that target's values,
(2) requires one wheel per distribution whose tags that target's CPython accepts (``packaging.tags``),
(3) recomputes every wheel's sha256 against the target's lock. The Windows and aarch64 columns are
proven only this way: nothing runs on those platforms here.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from email.parser import HeaderParser

import pytest
from bundle_harness import build, the_zip
from bundle_targets import PLATFORMS, PYTHONS, Target, wheel_glibc
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

pytestmark = pytest.mark.bundle


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("full")
    res = build(out)
    print(res.stdout)
    zf = zipfile.ZipFile(the_zip(out))
    yield zf
    zf.close()


def _root(zf: zipfile.ZipFile) -> str:
    return zf.namelist()[0].split("/", 1)[0]


def _info(zf: zipfile.ZipFile) -> dict:
    return json.loads(zf.read(f"{_root(zf)}/setup/bundle.json"))


def _accepts(t: Target) -> set[Tag]:
    ver = (3, int(t.python.split(".")[1]))
    plats = t.platform.tags()
    return set(cpython_tags(ver, platforms=plats)) | set(compatible_tags(ver, f"cp3{ver[1]}", plats))


def _requires(zf: zipfile.ZipFile, wheel: str) -> list[Requirement]:
    with zipfile.ZipFile(zf.open(f"{_root(zf)}/wheels/{wheel}")) as inner:
        meta = next(n for n in inner.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(inner.read(meta).decode("utf-8"))
    return [Requirement(r) for r in headers.get_all("Requires-Dist") or []]


def _closure(zf: zipfile.ZipFile, t: Target, wheels: dict[str, str], product: str, extras: list[str]) -> set[str]:
    """Distributions ``t`` needs, by Requires-Dist and the target's markers, each matched to a wheel."""
    env = t.marker_env()
    todo = [Requirement(f"{product}[{','.join(extras)}]" if extras else product)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if (name, frozenset(req.extras)) in seen:
            continue
        seen.add((name, frozenset(req.extras)))
        assert name in wheels, f"{t.key}: {req} is needed but the bundle has no wheel of it for this target"
        version = parse_wheel_filename(wheels[name])[1]
        assert req.specifier.contains(version, prereleases=True), f"{t.key}: {wheels[name]} does not satisfy {req}"
        for dep in _requires(zf, wheels[name]):
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in [*req.extras, ""]):
                todo.append(dep)
    return {name for name, _ in seen}


def test_every_target_of_the_matrix_is_there(full: zipfile.ZipFile) -> None:
    info = _info(full)
    assert set(info["targets"]) == {Target(p, v).key for p in PLATFORMS.values() for v in PYTHONS}


def test_wheel_tags_and_dependency_closure_per_target(full: zipfile.ZipFile) -> None:
    info = _info(full)
    files = {n.rsplit("/", 1)[1] for n in full.namelist() if n.endswith(".whl")}
    used: set[str] = set()
    rows: dict[str, dict[str, str]] = {}
    for t in (Target(p, v) for p in PLATFORMS.values() for v in PYTHONS):
        listed = info["targets"][t.key]["wheels"]
        assert set(listed) <= files
        wheels = {canonicalize_name(parse_wheel_filename(w)[0]): w for w in listed}
        assert len(wheels) == len(listed), f"{t.key}: two wheels of one distribution"
        accepts = _accepts(t)
        for name, w in wheels.items():
            tags = parse_wheel_filename(w)[3]
            assert tags & accepts, f"{t.key}: {w} is not installable there"
            abi = sorted({tag.abi for tag in tags})[0]
            glibc = wheel_glibc(w)
            cell = f"{parse_wheel_filename(w)[1]} {'py3' if abi == 'none' else abi}"
            rows.setdefault(name, {})[t.key] = cell + (f" {glibc[0]}.{glibc[1]}" if glibc else "")
        needed = _closure(full, t, wheels, info["product"], info["extras"])
        assert set(wheels) == needed | {"pip"}, f"{t.key}: extra or missing {set(wheels) ^ (needed | {'pip'})}"
        used |= set(listed)
        if t.platform.is_linux:
            assert tuple(map(int, info["targets"][t.key]["glibc"].split("."))) <= (2, 28)
    assert used == files, f"wheels no target uses: {files - used}"
    pure = [w for w in files if w.endswith("-none-any.whl")]
    assert len({parse_wheel_filename(w)[:2] for w in pure}) == len(pure)  # each pure wheel once
    _print_matrix(rows, sorted({k for r in rows.values() for k in r}, key=lambda k: (k.split("-")[0], k)))


def _print_matrix(rows: dict[str, dict[str, str]], keys: list[str]) -> None:
    """distribution × target: version, ABI (py3 = pure, cp3XX, abi3) and, on Linux, the glibc needed."""
    first = max(map(len, rows)) + 2
    width = max(15, *(len(v) for r in rows.values() for v in r.values())) + 1
    print("\n" + "distribution".ljust(first) + "".join(k.replace("manylinux_", "").ljust(width) for k in keys))
    for name in sorted(rows):
        print(name.ljust(first) + "".join(rows[name].get(k, "—").ljust(width) for k in keys))


def test_every_lock_pins_the_bundled_files(full: zipfile.ZipFile) -> None:
    info = _info(full)
    root = _root(full)
    digest = {n.rsplit("/", 1)[1]: hashlib.sha256(full.read(n)).hexdigest()
              for n in full.namelist() if n.endswith(".whl")}
    for key, t in info["targets"].items():
        pins = {}
        for line in full.read(f"{root}/setup/{t['requirements']}").decode("utf-8").splitlines():
            m = re.match(r"([\w.-]+)(?:\[[^\]]*\])?==(\S+) (.*)", line)
            if m:
                pins[canonicalize_name(m[1])] = (Version(m[2]), set(re.findall(r"--hash=sha256:(\w+)", m[3])))
        assert len(pins) == len(t["wheels"]), key
        for w in t["wheels"]:
            name, version = parse_wheel_filename(w)[:2]
            assert pins[name][0] == version and digest[w] in pins[name][1], (key, w)
