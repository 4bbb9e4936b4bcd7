"""What ``collect`` tells: findings.json, manifest.json (read by ``report --all``), the console
summary and the ``--json`` status document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    units = [{"seq": s.unit.seq, "name": s.unit.name, "status": s.status, "source": s.entry.source.path,
              "member": s.entry.source.member, "index": s.entry.source.index, "inner": s.entry.source.inner,
              "file": s.entry.name, "return": returns.get(s.unit.seq, "")}
             for s in coll.units if s.entry]
    return json.dumps({"format": coll.format, "year": coll.year, "org": coll.org,
                       "consolidated": consolidated.name if consolidated else None,
                       "units": units}, ensure_ascii=False, indent=1).encode()


def summary(coll: Collection) -> str:
    files = common().outputs
    sheets = common().sheets
    n_sub = sum(1 for s in coll.units if s.entry)
    lines = [f"共 {len(coll.units)} 个单位：已交 {n_sub} 份，缺 {coll.count('missing')} 份，"
             f"{coll.count('failed')} 份有错误，{coll.count('warned')} 份通过（有警告），{coll.count('passed')} 份通过。"]
    if coll.count("failed"):
        lines.append(f"有错误的 {coll.count('failed')} 个单位未计入汇总：" +
                     "、".join(s.unit.name for s in coll.units if s.status == "failed"))
    if coll.unknown:
        lines.append(f"另有 {len(coll.unknown)} 个文件无法对应到名单中的单位（见 {files['status']} 的“{sheets['unknown']}”）。")
    if coll.copies:
        n = len({r[0] for r in coll.copies})
        lines.append(f"{n} 个单位的文字与其他单位雷同（见 {files['status']} 的“{sheets['similar']}”）。")
    dups = sum(len(s.duplicates) for s in coll.units)
    if dups:
        lines.append(f"{dups} 份重复提交，已采用最新的一份（见“{sheets['duplicates']}”）。")
    return "\n".join(lines)


def status_json(coll: Collection, out: Path) -> dict[str, Any]:
    return {"format": coll.format, "year": coll.year, "org": coll.org, "outdir": str(out),
            "all_passed": coll.all_passed,
            "counts": {k: coll.count(k) for k in STATUS_KEYS},
            "units": [{"seq": s.unit.seq, "name": s.unit.name, "status": s.status, "status_zh": s.label,
                       "file": s.entry.name if s.entry else None,
                       "errors": len(s.entry.result.errors) if s.entry else 0,
                       "warnings": len(s.entry.result.warnings) if s.entry else 0,
                       "duplicates": [d.name for d in s.duplicates]} for s in coll.units],
            "unknown": [e.name for e in coll.unknown]}
