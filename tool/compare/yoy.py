"""The figures offices compare year on year (同比), and ``YOY_CHANGE`` when one moves a lot.

The figures are data (``compare.json`` figures): sums of the figures of each version's own
``figures`` block (``format.figures``), resolved per format version, so last year's report may be
of the other version; a figure a version cannot state (the 2019 format has no fee amount) is left
blank for that year, never guessed. A change is flagged when
it is at least ``yoy_min`` and more than ``yoy_rate`` of last year's figure (or last year's was 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..core.findings import Finding, fmt_number, make
from ..format import Number, Spec, compare_data
from ..format.figures import keys_of
from ..format.localrules import NATIONAL, LocalRules
from ..format.textdata import total


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    refs: tuple[str, ...]  # figures of the version's figures block (group.id), summed

    def keys(self, spec: Spec) -> tuple[str, ...] | None:
        return keys_of(spec, self.refs)


def figures() -> list[Figure]:
    return [Figure(f["id"], f["label"], tuple(f["from"])) for f in compare_data()["figures"]]


def figure_values(spec: Spec, values: dict[str, Number]) -> dict[str, Number | None]:
    """Figure id → its value in a report (``values``: every field, totals computed); None: not in this version."""
    out: dict[str, Number | None] = {}
    for f in figures():
        keys = f.keys(spec)
        out[f.id] = None if keys is None else total(values, keys)
    return out


@dataclass(frozen=True)
class Change:
    figure: Figure
    previous: Number | None
    current: Number | None

    @property
    def diff(self) -> Number | None:
        return None if self.previous is None or self.current is None else self.current - self.previous

    @property
    def rate(self) -> float | None:
        """增减率 (0.25 for +25%); None when last year's figure is 0 or unknown."""
        d = self.diff
        return None if d is None or not self.previous else float(Decimal(str(d)) / Decimal(str(self.previous)))


def changes(prev: dict[str, Number | None], cur: dict[str, Number | None]) -> list[Change]:
    return [Change(f, prev.get(f.id), cur.get(f.id)) for f in figures()]


def notable(c: Change, rules: LocalRules = NATIONAL) -> bool:
    d = c.diff
    if d is None or abs(d) < rules.threshold("yoy_min") or not d:
        return False
    return c.rate is None or abs(c.rate) > rules.threshold("yoy_rate")


def change_text(c: Change) -> str:
    d = c.diff
    if d is None:
        return ""
    word = "增加" if d > 0 else "减少"
    if c.rate is None:
        return f"{word} {fmt_number(abs(d))}（上年为 0）"
    return f"{word} {fmt_number(abs(d))}（{'+' if d > 0 else '−'}{abs(c.rate) * 100:.0f}%）"


def yoy_findings(spec: Spec, values: dict[str, Number], prev_spec: Spec, prev_values: dict[str, Number],
                 rules: LocalRules = NATIONAL) -> list[Finding]:
    """YOY_CHANGE for every figure that moved more than the thresholds (on the figure's first cell)."""
    out = []
    for c in changes(figure_values(prev_spec, prev_values), figure_values(spec, values)):
        if not notable(c, rules):
            continue
        keys = c.figure.keys(spec) or ()
        p = spec.layout.values[keys[0]]
        out.append(make("YOY_CHANGE", sheet=p.sheet, cell=p.cell, key=keys[0], where=spec.where(keys[0]),
                        label=c.figure.label, previous=c.previous, actual=c.current, expected=c.previous,
                        change_text=change_text(c),
                        related=tuple(f"{spec.layout.values[k].sheet}!{spec.layout.values[k].cell}" for k in keys)))
    return out
