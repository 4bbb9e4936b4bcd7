"""Running ``collect`` end to end: the I/O around the decisions in ``collect``.

Reads the roster, inspects every workbook (in parallel, streamed), applies last year's
cross-year rules, and writes 汇总表.xlsx, the consolidated workbook, the 退回 copies,
findings.json and the manifest into OUTDIR.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .collect import Collection, Entry, decide, default_outdir, inspect_all
from .collect_output import (
    DETAIL_SHEET,
    FINDINGS_FILE,
    MANIFEST_FILE,
    RETURNS_DIR,
    STATUS_FILE,
    consolidated_name,
    detail_writer,
    findings_json,
    manifest,
    status_workbook,
    summary,
    with_figures,
)
from .files import write_atomic
from .intake import find_sources

DEFAULT_ORG = "本级汇总"


def run_collect(folder: Path, *, roster: str | None = None, org: str | None = None, year: int | None = None,
                last_dir: str | None = None, outdir: Path | None = None, jobs: int | None = None,
                show_progress: bool = False, returns: bool = True) -> tuple[Collection, Path, str]:
    from .roster import read_roster

    units = read_roster(roster) if roster else None
    org = org or DEFAULT_ORG
    skip = [outdir] if outdir else []
    sources = list(find_sources(folder, skip=skip))
    entries = _inspect(sources, jobs, show_progress)
    coll = decide(entries, units, org=org, year=year)
    if last_dir:
        apply_last_year(coll, Path(last_dir))
    out = outdir or default_outdir(coll.year)
    write_outputs(coll, out, returns=returns, parallel=(jobs or os.cpu_count() or 1) > 1)
    return coll, out, summary(coll)


def _inspect(sources: list, jobs: int | None, show: bool) -> list[Entry]:  # type: ignore[type-arg]
    if not show:
        return list(inspect_all(sources, jobs))
    import click

    with click.progressbar(length=len(sources), label="读取并校验填报表", file=sys.stderr) as bar:
        return list(inspect_all(sources, jobs, progress=bar.update))


def apply_last_year(coll: Collection, last_dir: Path) -> None:
    """Cross-year rules for every submitted unit that has last year's workbook."""
    from .collect import status_of
    from .distribute import match_last_year, read_folder
    from .rules import cross_year_findings

    last = match_last_year([s.unit for s in coll.units], read_folder(last_dir))
    for s in coll.units:
        e = s.entry
        if e is None or not e.values or s.unit.seq not in last:
            continue
        e.result.findings.extend(cross_year_findings(entry_data(coll, e), last[s.unit.seq].data))
        s.status = status_of(e)
    coll.resum()


def entry_data(coll: Collection, e: Entry):  # type: ignore[no-untyped-def]
    from .data import ReportData

    values = dict(zip(coll.spec.inputs, e.values, strict=True))
    return ReportData(coll.format, e.year, e.org, {"kind": e.kind, "unit_id": e.unit_id}, values, {})


def write_outputs(coll: Collection, out: Path, *, returns: bool = True, parallel: bool = False) -> dict[str, Path]:
    """Every output file; with ``parallel`` the status workbook is written in a second process."""
    from .workbook import build_workbook

    out.mkdir(parents=True, exist_ok=True)
    pool = ProcessPoolExecutor(1) if parallel and coll.contributions else None
    status = pool.submit(status_workbook, coll) if pool else None  # the two big files in parallel
    cons = None
    written: dict[str, Path] = {}
    if coll.contributions:
        blob = build_workbook(coll.consolidated(), written_by="collect", extra=detail_writer(coll))
        blob = with_figures(blob, coll, DETAIL_SHEET, only_passing=True)
        cons = written["consolidated"] = write_atomic(out / consolidated_name(coll), blob)
    written["status"] = write_atomic(out / STATUS_FILE, status.result() if status else status_workbook(coll))
    if pool:
        pool.shutdown()
    back = write_returns(coll, out / RETURNS_DIR) if returns else {}
    written["findings"] = write_atomic(out / FINDINGS_FILE, findings_json(coll))
    written["manifest"] = write_atomic(out / MANIFEST_FILE, manifest(coll, cons, back))
    return written


def write_returns(coll: Collection, folder: Path) -> dict[str, str]:
    """An annotated copy for every unit whose winning submission has errors or warnings."""
    from .annotate import SHOWN, annotated
    from .errors import NianbaoError
    from .reader import read_bytes

    done: dict[str, str] = {}
    for s in coll.units:
        e = s.entry
        shown = [f for f in e.result.findings if f.level in SHOWN] if e else []
        if e is None or not shown:
            continue
        target = folder / f"{s.unit.seq}_{s.unit.name}_退回.xlsx"
        blob = e.source.read()
        try:
            write_atomic(target, annotated(read_bytes(blob, e.name), shown, original=blob))
        except NianbaoError:  # unreadable: the 催报 sheet and findings.json carry the reason
            continue
        done[s.unit.seq] = str(target.relative_to(folder.parent))
    return done


def status_json(coll: Collection, out: Path) -> dict[str, Any]:
    return {"format": coll.format, "year": coll.year, "org": coll.org, "outdir": str(out),
            "all_passed": coll.all_passed,
            "counts": {k: coll.count(k) for k in ("missing", "failed", "warned", "passed")},
            "units": [{"seq": s.unit.seq, "name": s.unit.name, "status": s.status, "status_zh": s.label,
                       "file": s.entry.name if s.entry else None,
                       "errors": len(s.entry.result.errors) if s.entry else 0,
                       "warnings": len(s.entry.result.warnings) if s.entry else 0,
                       "duplicates": [d.name for d in s.duplicates]} for s in coll.units],
            "unknown": [e.name for e in coll.unknown]}
