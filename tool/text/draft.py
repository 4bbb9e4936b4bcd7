"""``nianbao draft``: the 参考表述 of a filled workbook, the same sentences the workbook's 文字部分 builds
with formulas (both from the ``drafts`` of format/data/text.json)."""

from __future__ import annotations

from pathlib import Path

from ..format import Number, Spec
from ..format.interchange import ReportData
from ..format.textdata import drafts


def sentences(data: ReportData, spec: Spec | None = None, skip: set[str] | frozenset[str] = frozenset()
              ) -> list[tuple[str, str]]:
    """(title, sentence) of every draft, from the report's numbers (cells that could not be read count 0)."""
    spec = spec or data.spec
    values: dict[str, Number] = spec.compute({k: v for k, v in data.values.items() if k not in skip})
    return [(d.title, d.text(values)) for d in drafts(spec)]


def prefilled(data: ReportData, spec: Spec | None = None) -> dict[str, str]:
    """Text sections holding the drafts (for a consolidated workbook the office edits)."""
    spec = spec or data.spec
    values = spec.compute(data.values)
    out: dict[str, list[str]] = {}
    for d in drafts(spec):
        out.setdefault(d.section, []).append(d.lead + d.text(values))
    return {k: "\n".join(v) for k, v in out.items()}


def draft_file(path: str | Path) -> tuple[ReportData, list[tuple[str, str]], int]:
    """A workbook's data, its drafts and how many number cells could not be read."""
    from ..read import read_file

    sub = read_file(path)
    return sub.data, sentences(sub.data, sub.spec, sub.unread), len(sub.unread)


def claims_file(path: str | Path) -> list[tuple[str, str, bool, str]]:
    """Every number the text checks read in a workbook's text: (where, quote, agrees, the table
    quantity it agrees with, or the first one it was compared with)."""
    from ..core.findings import fmt_number
    from ..read import read_file
    from .check import all_claims
    from .scan import paragraphs

    sub = read_file(path)
    spec = sub.spec or sub.data.spec
    values = spec.compute({k: v for k, v in sub.data.values.items() if k not in sub.unread})
    out = []
    for c in all_claims(sub.data, spec, values, paragraphs(sub.data, spec, sub.text_rows)):
        shown = c.matched or c.candidates[0]
        v = c.expected[c.candidates.index(shown)] if c.expected else ""
        sheet = spec.layout.values[shown.keys[0]].sheet if shown.keys else ""
        out.append((c.para.where, c.quote, c.matched is not None, f"{sheet} {shown.name} {fmt_number(v)}"))
    return out
