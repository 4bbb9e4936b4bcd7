"""``nianbao demo``: the whole job on built-in sample data, into ``output/示例/``.

1. the blank workbooks of both formats;
2. the reference report (忻州市信访局, 2019 format) as a filled workbook, checked, and rendered
   to .docx (and PDF when LibreOffice is installed);
3. a small multi-department run: a roster of five units, distribution, four returns (one
   with an error, one missing), collect, and the consolidated 本级政府 report;
4. a workspace (``多部门/工作台``) holding the same returns as uploads, with the command that serves it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path

from ..core.ledger import Ledger
from ..format.interchange import ReportData, from_json

SAMPLE = "xinzhou_2019.json"
DEMO_YEAR = 2024
DEMO_ORG = "示例市人民政府"
DEMO_UNITS = ("示例市财政局", "示例市教育局", "示例市自然资源和规划局", "示例市生态环境局", "示例市卫生健康委员会")


def sample() -> ReportData:
    blob = (resources.files("tool.demo") / "samples" / SAMPLE).read_text("utf-8")
    return from_json(json.loads(blob), source=f"示例数据 {SAMPLE}")


def run_demo(out: Path, say: Callable[[str], None], pdf: bool = True, overwrite: bool = False) -> list[Path]:
    """Run every step; returns the files written. ``say`` prints a Chinese progress line.

    Like every command, never replaces a file someone changed since the demo wrote it (``core.ledger``).
    """
    ledger = Ledger(out)
    try:
        return _run(out, say, pdf, overwrite, ledger)
    finally:
        ledger.save()


def _run(out: Path, say: Callable[[str], None], pdf: bool, overwrite: bool, ledger: Ledger) -> list[Path]:
    from ..check import check_bytes, describe
    from ..format import versions
    from ..report.render import Renderer, default_output_name
    from ..workbook import blank_workbook, build_workbook

    def write(path: Path, data: bytes) -> Path:
        return ledger.write(path, data, overwrite=overwrite)

    made: list[Path] = []
    for v in versions():
        made.append(write(out / f"空白填报表_{v}格式.xlsx", blank_workbook(v)))
    say(f"1. 空白填报表（{'、'.join(versions())} 格式）：{'、'.join(p.name for p in made)}")
    data = sample()
    wb_path = write(out / f"{data.org}{data.year}年填报表（示例）.xlsx", build_workbook(data))
    made.append(wb_path)
    say(f"2. 参考报告的数据填入填报表：{wb_path.name}")
    sub, result = check_bytes(wb_path.read_bytes(), wb_path.name)
    said = [f for f in result.findings if f.rule.startswith("TEXT_")]
    say("3. 校验：" + ("通过，没有错误" if result.ok else "发现错误") + f"（{len(result.warnings)} 个警告，"
        f"其中文字与表格不一致 {len(said)} 处：原报告的文字即如此，示例照录）")
    if result.errors or result.warnings:
        say(describe(result))
    doc = write(out / default_output_name(sub.data), Renderer(None, sub.data.format).render(sub.data))
    made.append(doc)
    say(f"4. 生成年度报告：{doc.name}")
    made += _departments(out / "多部门", say, write, overwrite)
    if pdf:
        docs = [p for p in made if p.suffix == ".docx"]
        ledger.guard([p.with_suffix(".pdf") for p in docs], overwrite)
        made += _pdfs(docs, say)
        for p in made:
            if p.suffix == ".pdf":
                ledger.record(p)
    return made


def _departments(root: Path, say: Callable[[str], None], write: Callable[[Path, bytes], Path],
                 overwrite: bool) -> list[Path]:
    """Roster → distribute → returns (one error, one missing) → collect → consolidated report."""
    from ..collect.distribute import distribute
    from ..collect.output import consolidated_name
    from ..collect.roster import Unit, roster_csv
    from ..collect.run import run_collect
    from ..format import for_year
    from ..report.render import Renderer, default_output_name
    from ..workbook import build_workbook
    from .synth import narrative, synthetic, unbalance

    spec = for_year(DEMO_YEAR)
    units = [Unit(str(i), n, contact=f"联系人{i}", phone=f"0351-555000{i}") for i, n in enumerate(DEMO_UNITS, 1)]
    roster = root / "单位名单.csv"
    write(roster, roster_csv(units))
    sent = distribute(units, DEMO_YEAR, root / "下发", overwrite=overwrite)
    say(f"5. 按单位名单下发 {len(sent)} 份填报表：{root.name}/下发/")
    inbox = root / "收件箱"
    for u in units[:-1]:  # the last unit has not returned its form
        data = synthetic(spec, u.name, DEMO_YEAR, random.Random(int(u.seq)))
        data.info.update(unit_id=u.ident, contact=u.contact, phone=u.phone)
        if u.seq == "2":  # one department's table 三 does not balance (its text follows its numbers)
            unbalance(spec, data, 2)
            data.text = narrative(spec, data)
        write(inbox / sent[int(u.seq) - 1].name, build_workbook(data, written_by="distribute", identity=u.ident))
    say(f"6. 模拟各单位交回 {len(units) - 1} 份（其中 1 份有错误，1 个单位未交）")
    coll, outdir, text = run_collect(inbox, roster=str(roster), org=DEMO_ORG, year=DEMO_YEAR,
                                     outdir=root / "汇总结果", overwrite=overwrite)
    say("7. 收集与汇总：" + text.splitlines()[0])
    _workspace(root, roster, sorted(inbox.glob("*.xlsx")), say)
    made = sorted(p for p in outdir.rglob("*") if p.is_file() and not p.name.startswith("."))
    cons_path = outdir / consolidated_name(coll)
    if cons_path.exists():
        # the consolidated workbook holds the 参考表述 drafted from the sums; the office writes the rest of
        # the narrative (the demo: sample sentences around those drafts, so words and tables agree)
        cons = replace(coll.consolidated(), info={"kind": "government", "sign_date": f"{DEMO_YEAR + 1}-03-20",
                                                  "url": "https://www.example.gov.cn/zwgk/"})
        cons.text = narrative(spec, cons)
        doc = write(outdir / default_output_name(cons), Renderer(None, spec.id).render(cons))
        made.append(doc)
        say(f"9. 本级政府汇总年度报告：{root.name}/汇总结果/{doc.name}")
        say("   " + _text_verdict(cons, coll))
    return made


def _workspace(root: Path, roster: Path, returns: list[Path], say: Callable[[str], None]) -> None:
    """The office's workspace on the demo's roster, the returns uploaded through the units' links."""
    from ..workspace.examine import examine
    from ..workspace.intake import receive
    from ..workspace.setup import init_workspace

    folder = root / "工作台"
    if folder.exists():
        say(f"8. 网上报送工作台（沿用已有的 {root.name}/工作台/）：nianbao serve {folder}")
        return
    ws = init_workspace(folder, roster=roster, year=DEMO_YEAR, org=DEMO_ORG).workspace
    for u, path in zip(ws.units(), returns, strict=False):
        receive(ws, u, path.read_bytes(), path.name, examine)
    say(f"8. 网上报送工作台（已收到 {len(returns)} 份）：运行 nianbao serve {folder} ，在浏览器中打开显示的办公室链接")


def _text_verdict(cons: ReportData, coll) -> str:  # type: ignore[no-untyped-def]
    """What check says of the words against the tables: the 本级政府 report and the passing units'."""
    from ..check import check_bytes
    from ..workbook import build_workbook

    _, res = check_bytes(build_workbook(cons, written_by="collect"), "本级")
    own = [f for f in res.findings if f.rule.startswith("TEXT_")]
    units = [f for s in coll.units if s.passing and s.entry for f in s.entry.result.findings
             if f.rule.startswith("TEXT_")]
    return (f"校验文字与表格：本级政府报告 {len(own)} 处不一致，{len(coll.contributions)} 个通过校验的单位 "
            f"{len(units)} 处不一致")


def _pdfs(docs: list[Path], say: Callable[[str], None]) -> list[Path]:
    from ..core.errors import NianbaoError
    from ..report.office import convert

    try:
        by_dir: dict[Path, list[Path]] = {}
        for d in docs:
            by_dir.setdefault(d.parent, []).append(d)
        made = [p for folder, ds in by_dir.items() for p in convert(ds, "pdf", folder)]
    except NianbaoError as e:
        say(f"10. 未生成 PDF：{e.message}")
        return []
    say(f"10. 转换为 PDF：{len(made)} 份")
    return made
