"""``collect`` across units and years: copied text between the units (雷同), and with ``--last-year``
each unit against its own report of last year (text and figures, 同比).

The workers keep only each unit's sketch (``Entry.sketch``); the few units a comparison points at
are read again for their text, to measure exactly, quote the shared sentences and mark them in
the returned copy. Findings go through the office's local rules like every other finding.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from ..compare.batch import candidates
from ..compare.copies import Marks, copies, marks_of, merge_marks, unit_finding
from ..compare.lastyear import text_against
from ..compare.prep import Prepared, prepare
from ..compare.sketch import Sketch, sketch_report
from ..compare.yoy import figure_values, yoy_findings
from ..core.findings import Finding
from ..core.isolate import Failed, isolated_map
from ..format import compare_data
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules
from .decide import Collection, Entry, UnitStatus, status_of


def _prepared(job: tuple[Entry, tuple[str, ...]]) -> dict[str, Prepared] | None:
    """An entry's text again, prepared (runs in a worker when there are many); None when it cannot be read."""
    from ..core.errors import NianbaoError
    from ..read import read_bytes

    e, sections = job
    try:
        sub = read_bytes(e.source.read(), e.name)
    except (NianbaoError, OSError):
        return None
    out = prepare(sub.data, sub.spec or sub.data.spec, sub.text_rows, sections or None)
    for prep in out.values():  # where each paragraph is suffices; its words are in the sentences
        prep.paras = [replace(p, text="") for p in prep.paras]
    return out


def texts_of(entries: list[Entry], jobs: int | None = None,
             sections: list[tuple[str, ...]] | None = None) -> list[dict[str, Prepared] | None]:
    """The entries' texts (only ``sections[i]`` of entry i when given), read again in isolated workers (a file
    that fails now is simply not compared)."""
    if not entries:
        return []
    jobs = min(jobs or os.cpu_count() or 1, len(entries))
    todo = list(zip(entries, sections or [()] * len(entries), strict=True))
    return [None if isinstance(got, Failed) else got for got in isolated_map(_prepared, todo, jobs=jobs)]


def _add(s: UnitStatus, found: list[Finding], rules: LocalRules, marks: Marks) -> None:
    assert s.entry is not None
    kept = rules.apply(found)
    s.entry.result.findings.extend(kept)
    if kept:
        merge_marks(s.entry.result.marks, marks)
    s.status = status_of(s.entry)


def titles(coll: Collection) -> dict[str, str]:
    return {s.key: s.title for s in coll.spec.text_sections}


def apply_copies(coll: Collection, rules: LocalRules = NATIONAL, jobs: int | None = None) -> None:
    """TEXT_SIMILAR_UNIT on every unit whose text is largely another's, and the 雷同 sheet's rows."""
    units = [s for s in coll.units if s.entry is not None and s.entry.sketch]
    limit = rules.threshold("similar_unit")
    heads = titles(coll)
    sections = [k for k in compare_data()["similar"]["sections"] if k in heads]
    links = {k: candidates([s.entry.sketch.get(k) if s.entry else None for s in units], limit) for k in sections}
    wanted: dict[int, set[str]] = {}
    for k, found in links.items():
        for link in found:
            wanted.setdefault(link.a, set()).add(k)
            wanted.setdefault(link.b, set()).add(k)
    involved = sorted(wanted)
    read = texts_of([units[i].entry for i in involved], jobs,  # type: ignore[misc]
                    [tuple(sorted(wanted[i])) for i in involved])
    texts = {i: t for i, t in zip(involved, read, strict=True) if t is not None}
    names = {i: units[i].unit.name for i in involved}
    rows = []
    for c in copies(links, texts, limit, heads):
        s, prep = units[c.unit], texts[c.unit][c.section]
        _add(s, [unit_finding(c, prep, names)], rules, marks_of(prep, [ov for _, ov in c.partners]))
        best = c.best
        rows.append([s.unit.seq, s.unit.name, c.title, best.percent / 100,
                     "、".join(names[u] for u, _ in c.partners[:5]) + ("等" if len(c.partners) > 5 else ""),
                     len(c.group), "".join(x.text for x in best.shared[:2])])
    coll.copies = rows
    coll.resum()


def _shares(mine: dict[str, Sketch], theirs: dict[str, Sketch]) -> dict[str, float]:
    """Estimated share of each section found in last year's (from the sketches)."""
    out = {}
    for k, sk in mine.items():
        old = theirs.get(k)
        a = sk.values()
        if old is not None and len(a):
            out[k] = len(set(a).intersection(old.values())) / len(a)
    return out


def apply_last_year(coll: Collection, last: dict[str, Any], rules: LocalRules = NATIONAL,
                    jobs: int | None = None) -> None:
    """``last``: roster seq → ``distribute.LastYear``. Cross-year relations, YOY_CHANGE, the text against
    last year's (TEXT_SIMILAR_LAST_YEAR, TEXT_PROBLEMS_REPEATED) and the 同比 figures."""
    from ..check.rules import cross_year_findings

    spec = coll.spec
    slack = float(compare_data()["similar"]["slack"])
    limit = min(rules.threshold("similar_last_year"), rules.threshold("problems_repeat")) - slack
    reread: list[tuple[UnitStatus, ReportData]] = []
    for s in coll.units:
        e = s.entry
        if e is None or s.unit.seq not in last:
            continue
        prev: ReportData = last[s.unit.seq].data
        pvals = prev.spec.compute(prev.values)
        coll.last_year[s.unit.seq] = figure_values(prev.spec, pvals)
        if not e.values:
            continue
        found = cross_year_findings(e.data(coll.spec), prev)
        found += yoy_findings(spec, spec.compute(e.value_map(spec)), prev.spec, pvals, rules)
        _add(s, found, rules, {})
        shares = _shares(e.sketch, sketch_report(prev, prev.spec))
        if any(v >= limit for v in shares.values()) or shares.get("problems", 0) > 0:
            reread.append((s, prev))
    heads = titles(coll)
    for (s, prev), mine in zip(reread, texts_of([s.entry for s, _ in reread if s.entry], jobs), strict=True):
        if mine is not None:
            ag = text_against(mine, prepare(prev, prev.spec), heads, rules)
            _add(s, ag.findings, rules, ag.marks)
    coll.resum()
