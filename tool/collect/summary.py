"""What ``collect`` tells: findings.json, manifest.json (read by ``report --all``), the console
summary and the ``--json`` status document."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..core.text import name_list
from ..format import common
from .decide import Collection

STATUS_KEYS = ("missing", "failed", "warned", "passed")


def findings_json(coll: Collection) -> bytes:
    files = []
    for e in coll.entries + coll.skipped:
        d = e.result.to_dict()
        d["file"] = e.name
        d["unit"] = e.unit.name if e.unit else None
        d["sha256"] = e.sha
        d["skipped"] = e in coll.skipped
        files.append(d)
    return json.dumps(files, ensure_ascii=False, indent=1).encode()


def manifest(coll: Collection, consolidated: Path | None, returns: dict[str, str]) -> bytes:
    """What ``report --all`` needs: the passing units' source files and the consolidated one."""
    units = [{"seq": s.unit.seq, "name": s.unit.name, "status": s.status,
              "source": s.entry.source.path if s.entry else "", "member": s.entry.source.member if s.entry else "",
              "index": s.entry.source.index if s.entry else -1, "inner": s.entry.source.inner if s.entry else -1,
              "file": s.entry.name if s.entry else "", "return": returns.get(s.unit.seq, "")}
             for s in coll.units]
    return json.dumps({"format": coll.format, "year": coll.year, "org": coll.org,
                       "consolidated": consolidated.name if consolidated else None,
                       "units": units}, ensure_ascii=False, indent=1).encode()


def summary(coll: Collection, out: Path | None = None) -> str:
    """The console report: counts, who is missing or wrong (names), what was skipped and why,
    the absolute paths written and the next step."""
    files = common().outputs
    sheets = common().sheets
    n_sub = sum(1 for s in coll.units if s.entry)
    lines = [f"共 {len(coll.units)} 个单位：已交 {n_sub} 份，缺 {coll.count('missing')} 份，"
             f"{coll.count('failed')} 份有错误，{coll.count('warned')} 份通过（有警告），{coll.count('passed')} 份通过。"]
    missing = [s.unit.name for s in coll.units if s.status == "missing"]
    failed = [s.unit.name for s in coll.units if s.status == "failed"]
    if missing:
        lines.append(f"未提交（{len(missing)}）：{name_list(missing)}")
    if failed:
        lines.append(f"有错误、未计入汇总（{len(failed)}）：{name_list(failed)}")
    if coll.unknown:
        lines.append(f"另有 {len(coll.unknown)} 个文件无法对应到名单中的单位（见 {files['status']} 的“{sheets['unknown']}”）。")
    if coll.copies:
        n = len({r[0] for r in coll.copies})
        lines.append(f"{n} 个单位的文字与其他单位雷同（见 {files['status']} 的“{sheets['similar']}”）。")
    dups = sum(len(s.duplicates) for s in coll.units)
    if dups:
        lines.append(f"{dups} 份重复提交，已采用最新的一份（见“{sheets['duplicates']}”）。")
    if coll.skipped:
        lines.append(f"跳过 {len(coll.skipped)} 个文件（不是单位报送，见“{sheets['skipped']}”）：")
        lines += [f"  - {e.result.findings[0].message}" for e in coll.skipped[:10] if e.result.findings]
        if len(coll.skipped) > 10:
            lines.append(f"  …… 等 {len(coll.skipped)} 个")
    if coll.written:
        lines.append("已写出：")
        for key in ("status", "consolidated", "returns", "findings", "manifest"):
            p = coll.written.get(key)
            if p is not None:
                lines.append(f"  {p.resolve()}" + (f"{os.sep}（{coll.returned} 份退回件）" if key == "returns" else ""))
    lines.append(next_step(coll, out))
    return "\n".join(lines)


def next_step(coll: Collection, out: Path | None) -> str:
    """What the office does next, in one line."""
    files = common().outputs
    where = out.resolve() if out else None
    if coll.count("failed") or coll.count("missing"):
        parts = []
        if coll.returned and where:
            parts.append(f"把 {where / files['returns']}{os.sep} 中的退回件发给有错误的单位，改好后放回收件箱")
        if coll.count("missing"):
            parts.append(f"催报未提交的单位（联系方式见 {files['status']} 的“{common().sheets['chase']}”）")
        return "下一步：" + "；".join(parts) + "；然后再运行一次 collect。"
    target = f" {where}" if where else ""
    return f"下一步：全部通过。可运行 nianbao report --all{target} 生成各单位和本级的年度报告（本级汇总填报表的文字部分请先填写）。"


def status_json(coll: Collection, out: Path) -> dict[str, Any]:
    return {"format": coll.format, "year": coll.year, "org": coll.org, "outdir": str(out),
            "all_passed": coll.all_passed,
            "counts": {k: coll.count(k) for k in STATUS_KEYS},
            "units": [{"seq": s.unit.seq, "name": s.unit.name, "status": s.status, "status_zh": s.label,
                       "file": s.entry.name if s.entry else None,
                       "errors": len(s.entry.result.errors) if s.entry else 0,
                       "warnings": len(s.entry.result.warnings) if s.entry else 0,
                       "duplicates": [d.name for d in s.duplicates]} for s in coll.units],
            "unknown": [e.name for e in coll.unknown],
            "skipped": [{"file": e.name, "code": e.skip, "reason": e.result.findings[0].message if e.result.findings else ""}
                        for e in coll.skipped]}
