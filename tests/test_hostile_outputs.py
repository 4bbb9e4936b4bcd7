"""Issue 10, the output side: text stays text, names are never paths, nothing is written outside the
output folder or onto an input, outputs are a set under a lock, the machine's refusals are Chinese."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from builders import cell_of, edit, sample, workbook
from click.testing import CliRunner
from conftest import REPO
from hostile import HOSTILE
from test_hostile_sources import SPEC, YEAR, unit_book

from tool.cli import cli
from tool.demo.synth import synthetic


def run(*args: object) -> tuple[int, str]:
    res = CliRunner().invoke(cli, [str(a) for a in args])
    return res.exit_code, res.output


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def formulas_and_links(xlsx: Path) -> tuple[list[str], list[str]]:
    """Every formula in every sheet, and every external relationship target, of one workbook."""
    z = zipfile.ZipFile(xlsx)
    formulas, links = [], []
    for n in z.namelist():
        text = z.read(n).decode("utf-8", "replace")
        if n.startswith("xl/worksheets/") and n.endswith(".xml"):
            formulas += re.findall(r"<f[^>]*>([^<]*)</f>", text)
        if n.endswith(".rels"):
            links += re.findall(r'Target="([^"]+)"[^>]*TargetMode="External"', text)
    return formulas, links


def hostile_roster(tmp: Path) -> Path:
    p = tmp / "名单.csv"
    rows = ["序号,单位名称,单位代码,曾用名,联系人,联系电话,邮箱"]
    for i, payload in enumerate(HOSTILE, start=1):
        rows.append(f'{i},测试市第{i}局,U{i},,"{payload.replace(chr(34), chr(34) * 2)}",{payload[:5]},"{payload}"')
    p.write_text("\n".join(rows) + "\n", "utf-8")
    return p


def test_no_live_formula_or_link_in_any_output(tmp_path: Path) -> None:
    roster = hostile_roster(tmp_path)
    code, out = run("distribute", roster, "--year", YEAR, "-o", tmp_path / "下发")
    assert code == 0, out
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i, payload in enumerate(HOSTILE, start=1):
        blob = unit_book(i, **({"carried_forward.natural_person": 50} if i % 2 else {}))
        sheet, contact = cell_of(sample(SPEC.id), "info.contact")
        blob = edit(blob, {(sheet, contact): payload, (sheet, cell_of(sample(SPEC.id), "info.phone")[1]): payload})
        name = re.sub(r'[\\/:*?"<>|]', "_", payload)[:40] + ".xlsx"
        (inbox / name).write_bytes(blob)
    code, out = run("collect", inbox, "--roster", roster, "--org", HOSTILE[0], "--year", YEAR, "-o", tmp_path / "结果")
    assert code == 1, out
    code, out = run("check", *sorted(inbox.iterdir()), "--annotate", tmp_path / "标注")
    assert code == 1, out
    outputs = [p for p in tmp_path.rglob("*.xlsx") if "收件箱" not in p.parts]
    assert len(outputs) > 10
    for p in outputs:
        formulas, links = formulas_and_links(p)
        assert not links, (p, links)
        for f in formulas:  # our own totals and ✔/✘ checks only: references and arithmetic
            assert not re.search(r"HYPERLINK|WEBSERVICE|cmd|http|file:|@", f, re.IGNORECASE), (p.name, f)


def test_names_from_data_are_never_paths(tmp_path: Path) -> None:
    work = tmp_path / "工作"
    work.mkdir()
    roster = work / "名单.csv"
    roster.write_text("序号,单位名称\n../../../x,上级/下级局\n2,甲/乙局\n3,甲:乙局\n4,CON\n5,..\n", "utf-8")
    before = tree(tmp_path)
    code, out = run("distribute", roster, "--year", YEAR, "-o", work / "下发")
    assert code == 0, out
    sent = sorted(p for p in (work / "下发").iterdir() if not p.name.startswith("."))  # the ledger is hidden
    assert len(sent) == 5 and all(p.parent == work / "下发" for p in sent)
    inbox = work / "收件箱"
    inbox.mkdir()
    for p in sent:
        (inbox / p.name).write_bytes(p.read_bytes())
    code, out = run("collect", inbox, "--roster", roster, "--year", YEAR, "-o", work / "结果")
    assert code == 1 and "内部错误" not in out, out  # blank forms: their text sections are empty
    assert len(list((work / "结果" / "退回").iterdir())) == 5
    new = tree(tmp_path) - before
    assert all(n.startswith("工作") for n in new), sorted(new)
    assert not (tmp_path.parent / "x").exists()


def _names_clash_reports(tmp_path: Path) -> list[Path]:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i, org in enumerate(["甲/乙局", "甲:乙局", "甲乙局"], start=1):
        data = synthetic(SPEC, org, YEAR, random.Random(i))
        (inbox / f"{i}.xlsx").write_bytes(workbook(data))
    code, out = run("collect", inbox, "--year", YEAR, "-o", tmp_path / "结果")
    code, out = run("report", "--all", tmp_path / "结果", "--force")  # the consolidated one has no 文字部分 yet
    assert code == 0, out
    return sorted((tmp_path / "结果" / "报告").glob("*.docx"))


def test_units_that_map_to_one_name_get_distinct_reports(tmp_path: Path) -> None:
    reports = _names_clash_reports(tmp_path)
    assert len(reports) == 3 + 1  # three units and the consolidated report, none overwritten


def test_annotate_never_writes_onto_an_input(tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    bad = unit_book(1, **{"carried_forward.natural_person": 9})
    (inbox / "财政局.xlsx").write_bytes(bad)
    (inbox / "财政局_退回.xlsx").write_bytes(bad)  # a department's corrected return, still wrong
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    code, _out = run("check", *sorted(inbox.iterdir()), "--annotate", inbox)
    assert code == 1
    assert {p.name: p.read_bytes() for p in inbox.iterdir() if p.name in before} == before
    assert len([p for p in inbox.iterdir() if not p.name.startswith(".")]) == 4  # the ledger is hidden


def test_a_second_collect_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    from tool.core.outset import folder_lock

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1))
    with folder_lock(tmp_path / "结果", "汇总"):
        code, out = run("collect", inbox, "--year", YEAR, "-o", tmp_path / "结果")
    assert code == 2 and "正在使用输出文件夹" in out
    code, out = run("collect", inbox, "--year", YEAR, "-o", tmp_path / "结果")
    assert code == 0, out


def test_stale_outputs_of_an_earlier_run_are_gone(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1, **{"carried_forward.natural_person": 9}))
    (inbox / "2.xlsx").write_bytes(unit_book(2))
    out = tmp_path / "结果"
    (tmp_path / "结果").mkdir()
    (out / "我的笔记.txt").write_text("office's own file", "utf-8")
    run("collect", inbox, "--year", YEAR, "--org", "甲市人民政府", "-o", out)
    assert list((out / "退回").iterdir()) and list(out.glob("甲市*（汇总）.xlsx"))
    (inbox / "1.xlsx").write_bytes(unit_book(1))  # corrected
    run("collect", inbox, "--year", YEAR, "--org", "乙市人民政府", "-o", out)
    assert not (out / "退回").exists() and not list(out.glob("甲市*"))
    assert list(out.glob("乙市*（汇总）.xlsx")) and (out / "我的笔记.txt").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".nianbao-new") or p.name.startswith(".nianbao-old")]


def test_output_path_is_a_folder_or_too_long(tmp_path: Path) -> None:
    (tmp_path / "表.xlsx").mkdir()
    code, out = run("template", "--year", YEAR, "-o", tmp_path / "表.xlsx")
    assert code == 2 and "是文件夹" in out and "Traceback" not in out
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "1.xlsx").write_bytes(unit_book(1))
    (tmp_path / "结果" / "汇总表.xlsx").mkdir(parents=True)
    (tmp_path / "结果" / "汇总表.xlsx" / "办公室的文件.txt").write_text("keep", "utf-8")
    code, out = run("collect", inbox, "--year", YEAR, "-o", tmp_path / "结果")
    assert code == 2 and "同名的文件夹" in out and "Traceback" not in out
    assert (tmp_path / "结果" / "汇总表.xlsx" / "办公室的文件.txt").exists()
    code, out = run("template", "--year", YEAR, "-o", tmp_path / ("长" * 120 + ".xlsx"))
    assert code == 2 and "太长" in out


@pytest.mark.parametrize(("options", "word"), [("size=40k", "磁盘空间不足"), ("ro", "只读")])
def test_disk_full_and_read_only(tmp_path: Path, options: str, word: str) -> None:
    """A real tmpfs in a private mount namespace (root): ENOSPC and EROFS as the writer meets them."""
    if os.geteuid() != 0 or subprocess.run(["unshare", "-m", "true"], check=False).returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true runs as root and must be able to mount a tmpfs")
        pytest.skip("needs root to mount a small tmpfs")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in (1, 2):
        (inbox / f"{i}.xlsx").write_bytes(unit_book(i))
    out = tmp_path / "结果"
    out.mkdir()
    script = (f"mount -t tmpfs -o {options} tmpfs {out} && "
              f"{sys.executable} -m tool.cli collect {inbox} --year {YEAR} -o {out}; "
              f"echo EXIT=$?; ls -A {out}")
    res = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=REPO,
                         timeout=300, check=False)
    assert "EXIT=2" in res.stdout, res.stdout + res.stderr
    assert word in res.stderr and "Traceback" not in res.stderr, res.stderr
    left = res.stdout.split("EXIT=2", 1)[1].split()
    assert "汇总表.xlsx" not in left and "manifest.json" not in left  # no half-written set


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    code = ("import sys,time; sys.path.insert(0, sys.argv[1]);"
            "from tool.core.isolate import isolated_map;"
            "list(isolated_map(time.sleep, [600, 600], jobs=2))")
    parent = subprocess.Popen([sys.executable, "-c", code, str(REPO)])
    deadline = time.time() + 30
    children: list[int] = []
    while time.time() < deadline and len(children) < 2:
        time.sleep(0.2)
        kids = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
        children = [int(x) for x in kids.read_text().split()] if kids.exists() else []
    assert len(children) == 2
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{c}").exists() and _alive(c) for c in children):
        time.sleep(0.2)
    assert not any(Path(f"/proc/{c}").exists() and _alive(c) for c in children)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_json_nested_deep_and_huge_numbers_in_data(tmp_path: Path) -> None:
    deep = tmp_path / "深.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    code, out = run("template", "--data", deep, "-o", tmp_path / "x.xlsx")
    assert code == 2 and "嵌套" in out and "Traceback" not in out
    big = tmp_path / "大.json"
    big.write_text(json.dumps({"format": SPEC.id, "year": YEAR})[:-1] + ', "values": {"review_upheld": '
                   + "9" * 5000 + "}}", "utf-8")
    code, out = run("template", "--data", big, "-o", tmp_path / "y.xlsx")
    assert code == 2 and "位数过多" in out
