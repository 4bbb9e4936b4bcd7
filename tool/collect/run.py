"""Running ``collect`` end to end: the I/O around the decisions in ``decide``.

Reads the roster, inspects every workbook (in parallel, streamed), applies last year's
cross-year rules, and writes 汇总表.xlsx, the consolidated workbook, the 退回 copies,
findings.json and the manifest into OUTDIR.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..core.files import write_atomic
from ..core.progress import SILENT, Progress
from ..format import common
from .decide import Collection, decide, default_outdir, inspect_all
from .intake import find_sources
from .output import consolidated_name, detail_writer, status_workbook, with_figures
from .summary import findings_json, manifest, summary


def run_collect(folder: Path, *, roster: str | None = None, org: str | None = None, year: int | None = None,
                last_dir: str | None = None, outdir: Path | None = None, jobs: int | None = None,
                progress: Progress = SILENT, returns: bool = True) -> tuple[Collection, Path, str]:
    """Collect a folder of submissions; returns the decisions, the output folder and the summary text."""
    from .roster import read_roster

    units = read_roster(roster) if roster else None
    org = org or common().outputs["default_org"]
    skip = [outdir] if outdir else []
    sources = list(find_sources(folder, skip=skip))
    progress.start(len(sources), "读取并校验填报表")
    entries = list(inspect_all(sources, jobs, progress=progress.step))
    progress.done()
    coll = decide(entries, units, org=org, year=year)
    if last_dir:
        apply_last_year(coll, Path(last_dir))
    out = outdir or default_outdir(coll.year)
    write_outputs(coll, out, returns=returns, parallel=(jobs or os.cpu_count() or 1) > 1)
    return coll, out, summary(coll)


def apply_last_year(coll: Collection, last_dir: Path) -> None:
    """Cross-year rules for every submitted unit that has last year's workbook."""
    from ..check.rules import cross_year_findings
    from .decide import status_of
    from .distribute import match_last_year, read_folder

    last = match_last_year([s.unit for s in coll.units], read_folder(last_dir))
    for s in coll.units:
        e = s.entry
        if e is None or not e.values or s.unit.seq not in last:
            continue
        e.result.findings.extend(cross_year_findings(e.data(coll.spec), last[s.unit.seq].data))
        s.status = status_of(e)
    coll.resum()


def write_outputs(coll: Collection, out: Path, *, returns: bool = True, parallel: bool = False) -> dict[str, Path]:
    """Every output file; with ``parallel`` the status workbook is written in a second process."""
    from ..workbook import build_workbook

    names = common().outputs
    out.mkdir(parents=True, exist_ok=True)
    pool = ProcessPoolExecutor(1) if parallel and coll.contributions else None
    status = pool.submit(status_workbook, coll) if pool else None  # the two big files in parallel
    cons = None
    written: dict[str, Path] = {}
    if coll.contributions:
        blob = build_workbook(coll.consolidated(), written_by="collect", extra=detail_writer(coll))
        blob = with_figures(blob, coll, common().sheets["detail"], only_passing=True)
        cons = written["consolidated"] = write_atomic(out / consolidated_name(coll), blob)
    written["status"] = write_atomic(out / names["status"], status.result() if status else status_workbook(coll))
    if pool:
        pool.shutdown()
    back = write_returns(coll, out / names["returns"]) if returns else {}
    written["findings"] = write_atomic(out / names["findings"], findings_json(coll))
    written["manifest"] = write_atomic(out / names["manifest"], manifest(coll, cons, back))
    return written


def write_returns(coll: Collection, folder: Path) -> dict[str, str]:
    """An annotated copy for every unit whose winning submission has errors or warnings."""
    from ..check.annotate import SHOWN, annotated, return_name
    from ..core.errors import NianbaoError
    from ..read import read_bytes

    done: dict[str, str] = {}
    for s in coll.units:
        e = s.entry
        shown = [f for f in e.result.findings if f.level in SHOWN] if e else []
        if e is None or not shown:
            continue
        target = folder / return_name(f"{s.unit.seq}_{s.unit.name}")
        blob = e.source.read()
        try:
            write_atomic(target, annotated(read_bytes(blob, e.name), shown, original=blob))
        except NianbaoError:  # unreadable: the 催报 sheet and findings.json carry the reason
            continue
        done[s.unit.seq] = str(target.relative_to(folder.parent))
    return done
