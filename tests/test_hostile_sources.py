"""Issue 10: one bad source never stops a batch. Each attack of the hostile-testing pass is placed
in an inbox beside a good workbook: ``collect`` finishes with 汇总表.xlsx, the good unit 通过 and the
hostile source listed with its reason; ``check`` of the file alone exits 2 with a Chinese message."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import sample, workbook
from click.testing import CliRunner
from conftest import REPO
from hostile import bad_crc, deflate64, dos_date_zero, lying_member, stray_cell, zip_of

from tool.cli import cli
from tool.core.progress import Progress
from tool.demo.synth import synthetic
from tool.format import latest

SPEC = latest()
YEAR = SPEC.first_year + 3


def unit_book(seq: int, **change: object) -> bytes:
    data = synthetic(SPEC, f"测试市第{seq}局", YEAR, random.Random(seq))
    data.info["unit_id"] = f"U{seq}"
    for k, v in change.items():
        data.values[k] = v
    return workbook(data, written_by="distribute")


def roster(tmp: Path) -> Path:
    p = tmp / "名单.csv"
    p.write_text("序号,单位名称,单位代码\n1,测试市第1局,U1\n2,测试市第2局,U2\n", "utf-8")
    return p


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "教育局.xlsx")


def _dangling(folder: Path) -> None:
    os.symlink(folder / "不存在.xlsx", folder / "财政局.xlsx")


def _dev_zero(folder: Path) -> None:
    os.symlink("/dev/zero", folder / "零.xlsx")


def _write(name: str, make: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(make())


HUGE = "1" + "0" * 5000  # a count of 5,000 digits, typed as text
ATTACKS: list[tuple[str, Callable[[Path], None], str]] = [
    ("zip member with a bad CRC", _write("附件.zip", lambda: bad_crc(unit_book(2))), "损坏"),
    ("zip member in deflate64", _write("附件.zip", lambda: deflate64(unit_book(2))), "压缩方式"),
    ("zip member dated 0", _write("附件.zip", lambda: dos_date_zero(unit_book(2, **{"review_upheld": 1}))), ""),
    ("dangling symlink", _dangling, "链接"),
    ("symlink to /dev/zero", _dev_zero, "不是普通文件"),
    ("FIFO named like a workbook", _fifo, "不是普通文件"),
    ("stray cell at XFD1048576", _write("2.xlsx", lambda: stray_cell(unit_book(2))), "XFD1048576"),
    ("1e308 in a cell", _write("2.xlsx", lambda: unit_book(2, **{"granted.natural_person": 1e308})), "位数太多"),
    ("5,000 digits as text", _write("2.xlsx", lambda: _text_number(unit_book(2), HUGE)), "位数太多"),
    ("member inflating 200 MB, declared 2 KB", _write("2.xlsx", lambda: lying_member(unit_book(2), 200 << 20, 2048)),
     "损坏"),
    ("bzip2 member inflating 200 MB", _write("2.xlsx", lambda: lying_member(
        unit_book(2), 200 << 20, None, method=zipfile.ZIP_BZIP2)), "异常巨大"),
    ("zip in a zip", _write("外层.zip", lambda: zip_of([("内层.zip", zip_of([("2.xlsx", unit_book(2))]))])), ""),
]


def _text_number(blob: bytes, text: str) -> bytes:
    from builders import cell_of, edit

    sheet, ref = cell_of(sample(SPEC.id), "granted.natural_person")
    return edit(blob, {(sheet, ref): text})


@pytest.mark.parametrize(("name", "make", "word"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_collect_goes_on_and_names_the_source(tmp_path: Path, name: str, make, word: str) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1))
    make(inbox)
    out = tmp_path / "结果"
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--roster", str(roster(tmp_path)), "--year", str(YEAR),
                                   "-o", str(out), "--json"])
    assert res.exit_code in (0, 1), res.output
    assert "Traceback" not in res.output and "内部错误" not in res.output
    status = {u["seq"]: u["status"] for u in json.loads(res.stdout)["units"]}
    assert status["1"] == "passed"
    assert (out / "汇总表.xlsx").is_file() and (out / "manifest.json").is_file()
    files = json.loads((out / "findings.json").read_text("utf-8"))
    if word:
        hostile = [f for f in files if not f["file"].startswith("1.xlsx")]
        assert hostile, files
        messages = " ".join(x["message"] for f in hostile for x in f["findings"])
        assert word in messages, messages
    else:  # read despite the oddity: unit 2 is there
        assert status["2"] in ("passed", "warned", "failed")


SINGLE = [a for a in ATTACKS if not a[0].startswith("zip")]  # attachments are collect's, not check's


@pytest.mark.parametrize(("name", "make", "word"), SINGLE, ids=[a[0] for a in SINGLE])
def test_check_of_the_file_alone(tmp_path: Path, name: str, make, word: str) -> None:  # type: ignore[no-untyped-def]
    make(tmp_path)
    [path] = [p for p in tmp_path.iterdir()]
    res = CliRunner().invoke(cli, ["check", str(path)])
    assert res.exit_code in (1, 2), res.output
    assert word in res.output and "Traceback" not in res.output and "内部错误" not in res.output


def test_memory_stays_bounded_under_lying_sizes(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1))
    (inbox / "2.xlsx").write_bytes(lying_member(unit_book(2), 1 << 30, 2048))
    (inbox / "3.xlsx").write_bytes(lying_member(unit_book(2), 1 << 30, None, method=zipfile.ZIP_BZIP2))
    code = ("import re,resource,sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
            "from tool.collect.run import run_collect;"
            "run_collect(Path(sys.argv[1]), year=int(sys.argv[4]), outdir=Path(sys.argv[2]));"
            "hwm=int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
            "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    res = subprocess.run([sys.executable, "-c", code, str(inbox), str(tmp_path / "out"), str(REPO), str(YEAR)],
                         capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    own, children = (int(x) / 1024 for x in res.stdout.split()[-2:])
    assert own < 1024 and children < 1024, (own, children)
    files = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert sum(not f["ok"] for f in files) == 2


class _DeleteAfterReading(Progress):
    """Deletes a file the moment the inspection step ends: between reading and writing outputs."""

    def __init__(self, victim: Path):
        self.victim = victim

    def done(self) -> None:
        self.victim.unlink()


def test_a_file_deleted_while_outputs_are_written(tmp_path: Path) -> None:
    from tool.collect.run import run_collect

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1))
    victim = inbox / "2.xlsx"
    victim.write_bytes(unit_book(2, **{"carried_forward.natural_person": 99}))  # fails: gets a return
    coll, out, _ = run_collect(inbox, roster=str(roster(tmp_path)), year=YEAR, outdir=tmp_path / "结果",
                               progress=_DeleteAfterReading(victim))
    assert [s.status for s in coll.units] == ["passed", "failed"]
    [back] = (out / "退回").iterdir()
    from openpyxl import load_workbook

    assert load_workbook(back).sheetnames[0] == "校验结果"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["units"][1]["return"] == f"退回/{back.name}"


def test_styles_openpyxl_rejects_still_give_a_return(tmp_path: Path) -> None:
    from builders import edit
    from hostile import rewrite

    broken = edit(unit_book(2), change=lambda wb: wb[SPEC.tables["applications"].sheet].insert_rows(8))
    odd = rewrite(broken, "xl/styles.xml", lambda x: x.replace(b'<sz val="', b'<sz val="x', 1))
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1))
    (inbox / "2.xlsx").write_bytes(odd)
    res = CliRunner().invoke(cli, ["collect", str(inbox), "--roster", str(roster(tmp_path)), "--year", str(YEAR),
                                   "-o", str(tmp_path / "结果")])
    assert res.exit_code == 1 and "内部错误" not in res.output, res.output
    assert [p.name for p in (tmp_path / "结果" / "退回").iterdir()] == ["2_测试市第2局_退回.xlsx"]
