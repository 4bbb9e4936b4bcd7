"""Running ``collect`` end to end: the I/O around the decisions in ``decide``.

Reads the roster, inspects every workbook (in parallel, streamed), applies last year's
cross-year rules, and writes 汇总表.xlsx, the consolidated workbook, the 退回 copies,
findings.json and the manifest into OUTDIR.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from ..core.files import Names, write_atomic
from ..core.isolate import Background, isolated_map
from ..core.ledger import Ledger, guard_set, record_set
from ..core.outset import folder_lock, stage, swap
from ..core.progress import SILENT, Progress
from ..format import common
from ..format.localrules import NATIONAL, LocalRules
from .across import apply_copies
from .board import parse_deadline
from .decide import Collection, Entry, decide, decide_period, default_outdir, inspect_all
from .intake import Source, find_sources
from .output import consolidated_name, detail_writer, status_workbook, with_figures
from .summary import findings_json, manifest, summary


def run_collect(folder: Path, *, roster: str | None = None, org: str | None = None, year: int | None = None,
                last_dir: str | None = None, outdir: Path | None = None, jobs: int | None = None,
                progress: Progress = SILENT, returns: bool = True, rules: LocalRules = NATIONAL,
                overwrite: bool = False, deadline: str | None = None) -> tuple[Collection, Path, str]:
    """Collect a folder of submissions; returns the decisions, the output folder and the summary text.
    ``rules``: the office's local rules (``--rules``), applied to every submission and stored in the
    consolidated workbook; without them the national rules (not the copies stored in submissions)."""
    from .roster import read_roster

    units = read_roster(roster) if roster else None
    parse_deadline(deadline)  # a wrong date is a usage error before any work
    org = org or common().outputs["default_org"]
    sources = list(find_sources(folder))
    known = outdir or (default_outdir(year) if year is not None else None)
    own = own_outputs(sources, known) if known else {}
    progress.start(len(sources) - len(own), "读取并校验填报表")
    read = iter(inspect_all([s for s in sources if s.name not in own], jobs, progress=progress.step, rules=rules))
    entries = [own.get(s.name) or next(read) for s in sources]  # in folder order
    progress.done()
    out = known or default_outdir(decide_period(entries, None)[1])
    mark_own_outputs(entries, out)
    coll = decide(entries, units, org=org, year=year)
    coll.deadline = deadline
    compare_all(coll, rules, Path(last_dir) if last_dir else None, jobs)
    write_outputs(coll, out, returns=returns, parallel=(jobs or os.cpu_count() or 1) > 1, rules=rules,
                  overwrite=overwrite)
    return coll, out, summary(coll, out)


def compare_all(coll: Collection, rules: LocalRules = NATIONAL, last_dir: Path | None = None,
                jobs: int | None = None) -> None:
    """What is judged across units and years once every unit is checked: copied text between the units,
    and with last year's folder the cross-year rules, the figures (同比) and the text against last year's."""
    coll.rules = rules
    apply_copies(coll, rules, jobs)
    if last_dir is not None:
        apply_last_year(coll, last_dir, rules, jobs)


def own_outputs(sources: list[Source], out: Path) -> dict[str, Entry]:
    """The files below ``out`` that are byte for byte what collect last wrote there (the folder's
    ledger): skipped without being read as workbooks. Keyed by the source's name."""
    from ..core.errors import NianbaoError
    from ..core.files import read_regular
    from ..core.findings import CheckResult
    from ..read.sniff import MAX_BYTES
    from .intake import sha256

    if not out.is_dir():
        return {}
    ledger = Ledger(out)
    root = out.resolve()
    found = {}
    for s in sources:
        path = Path(s.path).resolve()
        if s.member or s.code or not path.is_relative_to(root):
            continue
        recorded = ledger.files.get(Path(os.path.relpath(path, root)).as_posix())
        try:
            sha = sha256(read_regular(path, MAX_BYTES)) if recorded else ""
        except NianbaoError:
            continue  # read like any source: its problem is reported there
        if recorded and sha == recorded:
            found[s.name] = Entry(s, sha, CheckResult(s.name), skip="COLLECT_SKIP_OWN_OUTPUT")
    return found


def mark_own_outputs(entries: list[Entry], out: Path) -> None:
    """Files collect itself wrote in this output folder, unchanged since, are not submissions.

    Recognised by the output folder's ledger (path and SHA-256, ``core.ledger``); an output of a
    version without the ledger by its metadata or name. Anything else in the folder, a
    department's corrected 退回 copy included, is read like any submission.
    """
    if not out.is_dir():
        return
    ledger = Ledger(out)
    root = out.resolve()
    legacy = {"collect", "annotate"}
    for e in entries:
        path = Path(e.source.path).resolve()
        if e.skip or e.source.member or not path.is_relative_to(root):
            continue
        recorded = ledger.files.get(Path(os.path.relpath(path, root)).as_posix())
        if recorded == e.sha or (recorded is None and (e.written_by in legacy or path.name == common().outputs["status"])):
            e.skip = "COLLECT_SKIP_OWN_OUTPUT"


def apply_last_year(coll: Collection, last_dir: Path, rules: LocalRules = NATIONAL, jobs: int | None = None) -> None:
    """Cross-year rules, year-on-year figures and the text against last year, for every submitted unit
    that has last year's workbook."""
    from . import across
    from .distribute import match_last_year, read_folder

    across.apply_last_year(coll, match_last_year([s.unit for s in coll.units], read_folder(last_dir)), rules, jobs)


def write_outputs(coll: Collection, out: Path, *, returns: bool = True, parallel: bool = False,
                  rules: LocalRules = NATIONAL, overwrite: bool = False) -> dict[str, Path]:
    """Every output file, written as a set (``core.outset``): under the folder's lock, into a fresh
    staging folder, then swapped in for the previous run's set. With ``parallel`` the status
    workbook is written in a second process while the consolidated workbook is built; ``rules``
    (the office's local rules) are stored in the consolidated workbook.

    Refuses before writing anything when a file the new set would replace or remove is not what
    nianbao wrote there (the office typed the 文字部分 into the consolidated workbook): ``core.ledger``.
    """
    names = common().outputs
    planned = [names[k] for k in ("status", "findings", "manifest", "returns")]
    planned += [consolidated_name(coll)] if coll.contributions else []
    with folder_lock(out, "汇总"):
        guard_set(out, planned, overwrite)
        staged = stage(out)
        written = _write_set(coll, staged, returns=returns, parallel=parallel, rules=rules)
        swapped = swap(out, staged, last=names["manifest"])
        record_set(out, swapped)
    coll.written = {k: out / p.name for k, p in written.items() if out / p.name in swapped}
    return coll.written


def _write_set(coll: Collection, out: Path, *, returns: bool, parallel: bool,
               rules: LocalRules = NATIONAL) -> dict[str, Path]:
    from ..workbook import build_workbook

    names = common().outputs
    # the collection is bound to the function, not sent as the item: a forked child has it already, and
    # sending it would pickle it and hold a second copy there (spawn pickles it with the function instead)
    status = Background(partial(status_workbook, coll), None) if parallel and coll.contributions else None
    cons = None
    written: dict[str, Path] = {}
    if coll.contributions:
        blob = build_workbook(coll.consolidated(), written_by="collect", extra=detail_writer(coll),
                              rules_text=rules.text)
        blob = with_figures(blob, coll, common().sheets["detail"], only_passing=True)
        cons = written["consolidated"] = write_atomic(out / consolidated_name(coll), blob)
    sheet = status.result() if status else None
    if not isinstance(sheet, bytes):  # the second process failed: write it here (and say why, if it fails too)
        sheet = status_workbook(coll)
    written["status"] = write_atomic(out / names["status"], sheet)
    back = write_returns(coll, out / names["returns"]) if returns else {}
    if back:
        written["returns"] = out / names["returns"]
    coll.returned = len(back)
    written["findings"] = write_atomic(out / names["findings"], findings_json(coll))
    written["manifest"] = write_atomic(out / names["manifest"], manifest(coll, cons, back))
    return written


def _return_copy(job: tuple[Entry, list]) -> bytes:
    """A unit's marked-up copy (runs in a worker process): its own workbook re-read and marked, or,
    when that cannot be had (the file vanished, its styles defeat openpyxl), the findings alone."""
    from ..check.annotate import annotated, findings_workbook
    from ..read import read_bytes

    e, shown = job
    try:
        blob = e.source.read()
        return annotated(read_bytes(blob, e.name), shown, original=blob, marks=e.result.marks)
    except Exception:
        return findings_workbook(shown)


def write_returns(coll: Collection, folder: Path) -> dict[str, str]:
    """An annotated copy for every unit whose winning submission has errors or warnings."""
    from ..check.annotate import SHOWN, return_name

    jobs, targets = [], []
    names = Names()
    for s in coll.units:
        e = s.entry
        shown = [f for f in e.result.findings if f.level in SHOWN] if e else []
        if e is None or not shown or not e.result.readable:
            continue  # unreadable: the 催报 sheet and findings.json carry the reason
        jobs.append((e, shown))
        targets.append((s.unit.seq, folder / names.give(return_name(f"{s.unit.seq}_{s.unit.name}"))))
    done: dict[str, str] = {}
    for (seq, target), blob in zip(targets, isolated_map(_return_copy, jobs, jobs=os.cpu_count() or 1), strict=True):
        if isinstance(blob, bytes):
            write_atomic(target, blob)
            done[seq] = str(target.relative_to(folder.parent))
    return done
