"""``nianbao distribute``: one prefilled workbook per roster unit.

Each workbook carries the unit's 单位名称, 单位代码 (the roster's; blank and open when the roster has
none), year, report kind and contact, the identifying ones locked; the roster identity (the
roster's 单位代码, else its 序号) is written into the hidden metadata, where a department cannot
change it by typing its real code. With last year's
collected workbooks, 二、上年结转 is prefilled from that unit's 四、结转下年度继续办理 and last
year's figures go on a read-only 上年参考 sheet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.files import Names, safe_name
from ..core.progress import SILENT, Progress
from ..format import Spec, common, for_year, load
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules
from .intake import Source
from .roster import Matcher, Unit

LOCKED_INFO = ("org", "unit_id", "year", "kind")


def locked_info(unit: Unit) -> tuple[str, ...]:
    """基本信息 cells a department may not change: its 单位代码 only when the roster gives one
    (a blank one is the department's to fill in, e.g. its 统一社会信用代码)."""
    return LOCKED_INFO if unit.unit_id else tuple(k for k in LOCKED_INFO if k != "unit_id")


def file_name(unit: Unit, year: int) -> str:
    """<序号>_<单位名称>_<年度>年政府信息公开工作年度报告填报表.xlsx (never a path: see safe_name)."""
    return safe_name(f"{unit.seq}_{unit.name}_{common().form_title('', year)}") + ".xlsx"


@dataclass
class LastYear:
    """Last year's data of one unit, matched through the roster."""

    data: ReportData
    file: str


def carry_over(spec: Spec, last: ReportData) -> dict[str, int]:
    """This year's 上年结转 cells from last year's 结转下年度 cells, found through the
    cross-year relations' prev terms (blame = this year's input, prev term = last year's)."""
    prev = last.all_values()
    out: dict[str, int] = {}
    for inst in spec.instances:
        if inst.cross_year and inst.kind == "equal" and len(inst.lhs) == 1 and len(inst.rhs) == 1:
            t = inst.rhs[0]
            if t.prev and t.sign == 1 and t.key in prev and inst.lhs[0].key in spec.inputs:
                out[inst.lhs[0].key] = prev[t.key]
    return out


def unit_data(spec: Spec, unit: Unit, year: int, last: LastYear | None) -> ReportData:
    """A unit's prefilled data: the 单位代码 cell holds the roster's code only (blank when the roster
    has none); the identity that matches the return to the roster is in the metadata (``identity``)."""
    info = {"kind": "department", "unit_id": unit.unit_id, "contact": unit.contact, "phone": unit.phone}
    values = carry_over(spec, last.data) if last else {}
    return ReportData(spec.id, year, unit.name, info, dict(values), {})


def match_last_year(units: list[Unit], last: list[tuple[str, ReportData, dict[str, str]]]) -> dict[str, LastYear]:
    """Roster seq → last year's data, matched by the id in its metadata, else by name."""
    m = Matcher(units)
    out: dict[str, LastYear] = {}
    for name, data, meta in last:
        unit, _ = m.match(data.info.get("unit_id", ""), data.org, meta.get("unit_id", ""))
        if unit is not None:
            out.setdefault(unit.seq, LastYear(data, name))
    return out


def distribute(units: list[Unit], year: int, outdir: Path, *, fmt: str | None = None,
               last_year: dict[str, LastYear] | None = None, progress: Progress = SILENT,
               links: dict[str, str] | None = None, rules: LocalRules = NATIONAL,
               overwrite: bool = False) -> list[Path]:
    """Write every unit's workbook; returns the paths in roster order. ``links``: seq → the unit's
    upload link in the office's workspace, written into 填报说明; ``rules``: the office's local rules,
    stored in each workbook.

    Refuses before writing anything when a target holds a workbook someone filled (``core.ledger``).
    """
    from ..core.ledger import Ledger
    from ..workbook import build_workbook

    spec = load(fmt) if fmt else for_year(year)
    ledger = Ledger(outdir)
    names = Names()  # two units whose names map to one file name get two files
    targets = [outdir / names.give(file_name(u, year)) for u in units]
    ledger.guard(targets, overwrite)
    paths = []
    progress.start(len(units), "生成填报表")
    try:
        for u, target in zip(units, targets, strict=True):
            last = (last_year or {}).get(u.seq)
            data = unit_data(spec, u, year, last)
            blob = build_workbook(data, spec=spec, written_by="distribute", locked_info=locked_info(u),
                                  reference=last.data if last else None, identity=u.ident,
                                  submit_url=(links or {}).get(u.seq, ""), rules_text=rules.text)
            paths.append(ledger.write(target, blob, overwrite=overwrite))
            progress.step()
    finally:
        ledger.save()
    progress.done()
    return paths


def read_folder(folder: Path) -> list[tuple[str, ReportData, dict[str, str]]]:
    """(name, data, metadata) of every readable workbook below a folder (last year's)."""
    from ..core.errors import UsageError
    from ..core.isolate import isolated_map
    from .intake import find_sources

    if not folder.is_dir():
        raise UsageError(f"找不到文件夹 {folder}")
    sources = [s for s in find_sources(folder) if not s.code]
    got = isolated_map(_read_last, sources, jobs=min(len(sources), os.cpu_count() or 1))
    return [x for x in got if isinstance(x, tuple)]


def _read_last(src: Source) -> tuple[str, ReportData, dict[str, str]] | None:
    """One of last year's workbooks (runs in a worker process); None when it cannot be read."""
    from ..core.errors import NianbaoError
    from ..read import read_bytes

    try:
        sub = read_bytes(src.read(), src.name)
    except NianbaoError:
        return None
    return src.name, sub.data, sub.meta


@dataclass
class Distributed:
    paths: list[Path]
    units: list[Unit]
    last_year: dict[str, LastYear] | None
    outdir: Path | None = None

    @property
    def without_last_year(self) -> list[str]:
        """Units for which no workbook of last year was found (when one was looked for)."""
        return [u.name for u in self.units if self.last_year is not None and u.seq not in self.last_year]


def run_distribute(roster: str | Path, year: int, outdir: Path, *, fmt: str | None = None,
                   last_dir: str | None = None, progress: Progress = SILENT,
                   links: dict[str, str] | None = None, rules: LocalRules = NATIONAL,
                   overwrite: bool = False) -> Distributed:
    """``nianbao distribute``: read the roster (and last year's folder), write every unit's workbook
    (with the office's local rules stored in it)."""
    from .roster import read_roster

    units = read_roster(roster)
    last = match_last_year(units, read_folder(Path(last_dir))) if last_dir else None
    paths = distribute(units, year, outdir, fmt=fmt, last_year=last, progress=progress, links=links, rules=rules,
                       overwrite=overwrite)
    return Distributed(paths, units, last, outdir)
