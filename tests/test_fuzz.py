"""Issue 10, item 9: a seeded mutator over our workbook saved as xlsx, xls and ods (by real
LibreOffice): bytes flipped, tails cut off, zip members dropped. Through ``check``: never a traceback,
exit 0/1/2, and a file that passes reads exactly the original numbers (damage is found, or it did
not matter — never a silent misread). Through ``collect`` with one good workbook beside them: the
good one is 通过, every mutated one is accounted for, memory stays bounded."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import sample, workbook
from click.testing import CliRunner
from conftest import REPO

from tool.check import check_bytes
from tool.cli import cli

pytestmark = pytest.mark.office
PER_FORMAT = 40
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Our workbook as xlsx, and as xls and ods saved by LibreOffice."""
    from office_harness import require_office

    from tool.report.office import convert

    require_office()
    tmp = tmp_path_factory.mktemp("fuzz")
    src = tmp / "财政局.xlsx"
    src.write_bytes(workbook(sample()))
    out = {"xlsx": src.read_bytes()}
    for fmt, flt in (("xls", "xls:MS Excel 97"), ("ods", "ods")):
        [made] = convert([src], flt, tmp / fmt)
        out[fmt] = made.read_bytes()
    return out


def mutate(blob: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(("flip", "truncate", "drop") if blob.startswith(b"PK") else ("flip", "truncate"))
    if kind == "truncate":
        return blob[: rng.randrange(1, len(blob))]
    if kind == "drop":
        src = zipfile.ZipFile(io.BytesIO(blob))
        names = src.namelist()
        gone = rng.choice(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n in names:
                if n != gone:
                    z.writestr(n, src.read(n))
        return out.getvalue()
    data = bytearray(blob)
    for _ in range(rng.randint(1, 24)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def _mutants(originals: dict[str, bytes]) -> list[tuple[str, bytes]]:
    rng = random.Random(20261203)
    return [(f"变异{fmt}_{i:02d}.{fmt}", mutate(blob, rng)) for fmt, blob in originals.items() for i in range(PER_FORMAT)]


def test_check_never_misreads_and_never_crashes(originals, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = check_bytes(originals["xlsx"], "x.xlsx")[0]
    assert good is not None
    seen = {0: 0, 1: 0, 2: 0}
    for name, blob in _mutants(originals):
        path = tmp_path / name
        path.write_bytes(blob)
        res = CliRunner().invoke(cli, ["check", str(path), "--json"])
        assert res.exit_code in seen, (name, res.output[-500:])
        seen[res.exit_code] += 1
        assert "Traceback" not in res.output and "内部错误" not in res.output, name
        [doc] = json.loads(res.stdout)
        if res.exit_code == 2:
            assert CJK.search(doc["findings"][0]["message"]) and name in doc["findings"][0]["message"]
        if res.exit_code == 0:  # the damage did not touch the data: what was read is exactly right
            sub = check_bytes(blob, name)[0]
            assert sub is not None and sub.data.all_values() == good.data.all_values(), name
    assert seen[2] > 0 and sum(seen.values()) == 3 * PER_FORMAT


def test_collect_of_mutants_beside_a_good_workbook(originals, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    good = sample(org="好局")
    (inbox / "好局.xlsx").write_bytes(workbook(good))
    for name, blob in _mutants(originals):
        (inbox / name).write_bytes(blob)
    code = ("import json,re,resource,sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
            "from tool.collect.run import run_collect;"
            "c,_,_=run_collect(Path(sys.argv[1]), year=int(sys.argv[4]), outdir=Path(sys.argv[2]));"
            "hwm=int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
            "print(json.dumps([[u.unit.name,u.status] for u in c.units]));"
            "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    res = subprocess.run([sys.executable, "-c", code, str(inbox), str(tmp_path / "结果"), str(REPO), str(good.year)],
                         capture_output=True, text=True, timeout=900, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.strip().splitlines()
    statuses = dict(json.loads(lines[-2]))
    own, children = (int(x) / 1024 for x in lines[-1].split())
    assert own < 1024 and children < 1024
    files = {f["file"]: f for f in json.loads((tmp_path / "结果" / "findings.json").read_text("utf-8"))}
    # the readable mutants are copies of 好局's text, and copy detection says so; nothing else is wrong with it
    shown = {f["rule"] for f in files["好局.xlsx"]["findings"] if f["level"] in ("error", "warning")}
    assert statuses["好局"] == "passed" or (statuses["好局"] == "warned" and shown == {"TEXT_SIMILAR_UNIT"})
    assert set(files) == {p.name for p in inbox.iterdir()}  # every mutant accounted for
    for name, f in files.items():
        if not f["ok"] and f["findings"]:
            assert CJK.search(f["findings"][0]["message"]), name
