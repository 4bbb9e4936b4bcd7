"""``nianbao collect``: a folder of submissions → status, consolidated figures, returns.

Pipeline: intake.find_sources → inspect each workbook (read + check, in parallel, streamed:
only a unit's input values are kept, as a tuple) → decide the collection's format and year
(``--year``, else the majority) → match units to the roster → pick the newest of duplicate
submissions → statuses → sums of the passing units. Writing the output files is in
``collect_output``; this module decides, it does not format.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from ..compare.sketch import sketch_report
from ..core.errors import UnreadableError
from ..core.files import output_dir
from ..core.findings import CheckResult, Finding, failed, make, unreadable
from ..core.isolate import Failed, isolated_map
from ..format import Number, Spec, common, for_year, latest, load
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules
from .intake import Source, doc_modified, sha256
from .roster import Matcher, Unit

PASSING = ("passed", "warned")


@dataclass
class Entry:
    """One workbook found in the folder, after reading and checking it."""

    source: Source
    sha: str
    result: CheckResult
    format: str = ""
    year: int | None = None
    org: str = ""
    unit_id: str = ""  # the 单位代码 cell
    meta_id: str = ""  # the roster identity distribute wrote into the metadata
    kind: str = ""
    written_by: str = ""
    doc_modified: str = ""  # the workbook's own modified time (docProps/core.xml)
    values: tuple[Number, ...] = ()  # inputs in spec.inputs order (compact: 10,000 units stay small)
    sketch: dict[str, Any] = field(default_factory=dict)  # text section → compare.sketch.Sketch (a few hundred bytes)
    info: dict[str, str] = field(default_factory=dict)
    unit: Unit | None = None
    matched_by: str = ""
    skip: str = ""  # why it is not a submission: a catalog code (COLLECT_SKIP_…), '' for a submission

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def newest_key(self) -> tuple[str, float]:
        return (self.doc_modified, self.source.mtime)

    def value_map(self, spec: Spec) -> dict[str, Number]:
        """The input values by field key (the one place the compact tuple is unpacked)."""
        return dict(zip(spec.inputs, self.values, strict=True))

    def data(self, spec: Spec) -> ReportData:
        return ReportData(spec.id, self.year, self.org, {"kind": self.kind, "unit_id": self.unit_id},
                          self.value_map(spec), {})


@dataclass
class UnitStatus:
    unit: Unit
    entry: Entry | None
    status: str  # a key of common.json "statuses"
    duplicates: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return common().statuses[self.status]

    @property
    def passing(self) -> bool:
        return self.status in PASSING


@dataclass
class Collection:
    """Everything ``collect`` decided; the output writers read only this."""

    format: str
    year: int | None
    org: str
    units: list[UnitStatus]
    unknown: list[Entry]  # readable or not, matching no roster unit
    skipped: list[Entry]  # collect's own outputs in this output folder, this organ's consolidated workbook
    entries: list[Entry]
    totals: dict[str, Number]
    contributions: list[UnitStatus]  # passing units with data, in roster order
    deadline: str | None = None  # the office's deadline for returns (ISO date), else the statutory one
    written: dict[str, Path] = field(default_factory=dict)  # what write_outputs wrote
    returned: int = 0  # 退回 copies written
    copies: list[list[Any]] = field(default_factory=list)  # rows of the 雷同 sheet
    last_year: dict[str, Any] = field(default_factory=dict)  # seq → last year's figures (同比)
    rules: Any = None  # the LocalRules of the run (thresholds of the 分析 sheet)

    @property
    def spec(self) -> Spec:
        return load(self.format)

    def count(self, status: str) -> int:
        return sum(1 for u in self.units if u.status == status)

    @property
    def all_passed(self) -> bool:
        return all(u.passing for u in self.units)

    def resum(self) -> None:
        """The passing units' contributions and their sums (after statuses changed)."""
        self.contributions = [s for s in self.units if s.passing and s.entry and s.entry.values]
        self.totals = _sum(self.spec, [s.entry.values for s in self.contributions if s.entry])

    def consolidated(self, kind: str = "government") -> ReportData:
        """The sums as one report; its text holds the 参考表述 drafted from them, for the office to edit."""
        from ..text.draft import prefilled

        values = {k: v for k, v in self.totals.items() if k in self.spec.inputs}
        data = ReportData(self.format, self.year, self.org, {"kind": kind}, values, {})
        data.text = prefilled(data, self.spec)
        return data


# -- inspection (runs in worker processes) ------------------------------------------------

def inspect(source: Source, rules: LocalRules = NATIONAL) -> Entry:
    """Read and check one workbook with the office's rules (``--rules``; national without); never raises."""
    from ..check import check_bytes

    if source.code:
        return Entry(source, "", unreadable(source.name, source.code, dict(source.params)))
    try:
        blob = source.read()
    except UnreadableError as e:
        return Entry(source, "", unreadable(source.name, e.code, {k: v for k, v in e.params.items() if k != "file"}))
    sub, result = check_bytes(blob, source.name, rules=rules)
    entry = Entry(source, sha256(blob), result)
    if sub is None:
        return entry
    d = sub.data
    meta = getattr(sub, "meta", {}) or {}
    spec = d.spec
    entry.format, entry.year, entry.org = d.format, d.year, d.org
    entry.unit_id = d.info.get("unit_id", "")
    entry.meta_id = meta.get("unit_id", "")
    entry.kind = d.info.get("kind", "") or meta.get("kind", "")
    entry.written_by = meta.get("written_by", "")
    entry.doc_modified = doc_modified(blob)
    entry.values = tuple(d.values.get(k, 0) for k in spec.inputs)
    entry.info = {k: d.info.get(k, "") for k in ("contact", "phone", "sign_date")}
    entry.sketch = sketch_report(d, spec, sub.text_rows)
    return entry


def inspect_all(sources: Iterable[Source], jobs: int | None = None,
                progress: Callable[[int], None] | None = None, rules: LocalRules = NATIONAL) -> Iterator[Entry]:
    """Inspect in ``jobs`` worker processes (default: all cores) with the office's ``rules``, yielding
    in input order.

    A source whose worker crashes, raises or runs out of time is that source's 无法读取 entry;
    the worker is replaced and the others go on (``core.isolate``).
    """
    sources = list(sources)
    jobs = min(jobs or os.cpu_count() or 1, max(len(sources), 1))
    fn = partial(inspect, rules=rules) if not rules.national else inspect
    for s, got in zip(sources, isolated_map(fn, sources, jobs=jobs, progress=progress), strict=True):
        yield Entry(s, "", failed(s.name, got)) if isinstance(got, Failed) else got


# -- deciding -----------------------------------------------------------------------------

def own_consolidated(e: Entry, org: str) -> bool:
    """This organ's own consolidated workbook (written by collect) is never a unit's submission.

    A consolidated workbook of ANOTHER organ (a county's, read by the city) is an input.
    """
    return e.written_by == "collect" and (not org or e.org == org)


def mark_skipped(entries: list[Entry], org: str) -> list[Entry]:
    """The entries that are not submissions, each with its reason as an info finding (listed, not hidden).

    Besides ``e.skip`` set by the caller (collect's own outputs in its output folder), this
    organ's consolidated workbook wherever it lies. A 退回 copy a department corrected and sent
    back is a submission like any other, whatever its name.
    """
    out = []
    for e in entries:
        if not e.skip and own_consolidated(e, org):
            e.skip = "COLLECT_SKIP_CONSOLIDATED"
        if e.skip:
            e.result.findings.insert(0, make(e.skip, file=e.name, org=e.org or org))
            out.append(e)
    return out


def decide_period(entries: list[Entry], year: int | None) -> tuple[str, int | None]:
    """The collection's format and year: --year if given, else the majority of readable files."""
    if year is not None:
        return for_year(year).id, year
    votes = Counter((e.format, e.year) for e in entries if e.result.readable and e.format)
    if not votes:
        return latest().id, None
    (fmt, yr), _ = max(votes.items(), key=lambda kv: (kv[1], kv[0][1] or 0))
    return fmt, yr


def _period_finding(e: Entry, fmt: str, year: int | None) -> Finding | None:
    if year is not None and e.year != year:
        return make("COLLECT_WRONG_YEAR", expected=year, actual=e.year)
    if e.format != fmt:
        return make("COLLECT_WRONG_FORMAT", expected=fmt, actual=e.format)
    return None


def status_of(e: Entry) -> str:
    if not e.result.ok:
        return "failed"
    return "warned" if e.result.warnings else "passed"


def decide(entries: list[Entry], units: list[Unit] | None, *, org: str = "", year: int | None = None) -> Collection:
    """Match, de-duplicate, judge and sum; pure (no I/O)."""
    skipped = mark_skipped(entries, org)
    entries = [e for e in entries if not e.skip]
    fmt, year = decide_period(entries, year)
    for e in entries:
        f = _period_finding(e, fmt, year) if e.result.readable and e.format else None
        if f:
            e.result.findings.insert(0, f)
            e.values = ()
    units = units if units is not None else _implied_units(entries)
    matcher = Matcher(units)
    by_unit: dict[str, list[Entry]] = {}
    unknown = []
    for e in entries:
        e.unit, e.matched_by = matcher.match(e.unit_id, e.org, e.meta_id) if e.result.readable else (None, "")
        if e.unit is None:
            unknown.append(e)
        else:
            by_unit.setdefault(e.unit.seq, []).append(e)
    statuses = []
    for u in units:
        found = sorted(by_unit.get(u.seq, []), key=lambda e: e.newest_key, reverse=True)
        if not found:
            statuses.append(UnitStatus(u, None, "missing"))
            continue
        statuses.append(UnitStatus(u, found[0], status_of(found[0]), found[1:]))
    coll = Collection(fmt, year, org, statuses, unknown, skipped, entries, {}, [])
    coll.resum()
    return coll


def _implied_units(entries: list[Entry]) -> list[Unit]:
    """Without a roster, every distinct 单位名称 among readable files is a unit."""
    names = sorted({e.org for e in entries if e.result.readable and e.org})
    return [Unit(str(i), n) for i, n in enumerate(names, start=1)]


def _sum(spec: Spec, rows: list[tuple[Number, ...]]) -> dict[str, Number]:
    sums: list[Number] = [Decimal(0) if spec.fields[k].type == "decimal" else 0 for k in spec.inputs]
    for row in rows:
        for i, v in enumerate(row):
            sums[i] += v
    return spec.compute(dict(zip(spec.inputs, sums, strict=True)))


def default_outdir(year: int | None) -> Path:
    return output_dir() / str(year or common().words["no_year"])
