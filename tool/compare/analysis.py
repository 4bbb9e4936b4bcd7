"""The office's view of a collection (the 分析 sheet): units ranked by applications, and the flags an
office looks for — tables all zero, high shares of 不予公开 / 无法提供 / 不予处理, high 复议/诉讼 纠错率 —
each a finding of the catalog (its one-line explanation), thresholds from ``compare.json`` or the
local rules. Shares and rates are only judged over enough cases (``share_min_base``,
``correction_min_cases``): one answer out of one is not a rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.findings import Finding, make
from ..format import Number, Spec, compare_data
from ..format.figures import keys_of
from ..format.localrules import NATIONAL, LocalRules
from ..format.textdata import total
from .yoy import figure_values


@dataclass
class Unit:
    """One unit's figures for the 分析 sheet."""

    seq: str
    name: str
    applications: Number = 0
    answered: Number = 0
    granted_rate: float | None = None
    shares: dict[str, float | None] = field(default_factory=dict)  # share id → part / answered
    corrections: dict[str, float | None] = field(default_factory=dict)  # id → corrected / concluded
    flags: list[Finding] = field(default_factory=list)


def _sum(spec: Spec, values: dict[str, Number], refs: list[str]) -> Number | None:
    keys = keys_of(spec, refs)
    return None if keys is None else total(values, keys)


def _pct(v: float) -> int:
    return int(v * 100 + 0.5)


def analyse(seq: str, name: str, spec: Spec, values: dict[str, Number], inputs: tuple[Number, ...],
            rules: LocalRules = NATIONAL) -> Unit:
    """``values``: every field (totals computed); ``inputs``: the input values (all zero: a flag)."""
    cfg = compare_data()["analysis"]
    figs = figure_values(spec, values)
    u = Unit(seq, name, figs.get(cfg["rank_by"]) or 0, figs.get(cfg["answered"]) or 0)
    if inputs and not any(inputs):
        u.flags.append(make("ANALYSIS_ALL_ZERO", unit=name))
    granted = _sum(spec, values, cfg["granted"])
    base = u.answered
    if base and granted is not None:
        u.granted_rate = float(granted) / float(base)
    enough = base >= rules.threshold("share_min_base")
    for sh in cfg["shares"]:
        part = _sum(spec, values, sh["from"])
        u.shares[sh["id"]] = float(part) / float(base) if part is not None and base else None
        limit = rules.threshold(sh["threshold"])
        rate = u.shares[sh["id"]]
        if enough and rate is not None and rate > limit:
            u.flags.append(make("ANALYSIS_SHARE_HIGH", unit=name, label=sh["label"], part=part, base=base,
                                percent=_pct(rate), limit=_pct(limit), actual=f"{_pct(rate)}%",
                                expected=f"≤{_pct(limit)}%"))
    for c in cfg["corrections"]:
        part, cases = _sum(spec, values, c["corrected"]), _sum(spec, values, c["concluded"])
        rate = float(part) / float(cases) if part is not None and cases else None
        u.corrections[c["id"]] = rate
        limit = rules.threshold("correction_rate")
        if rate is not None and cases >= rules.threshold("correction_min_cases") and rate > limit:
            u.flags.append(make("ANALYSIS_CORRECTION_HIGH", unit=name, label=c["label"], part=part, base=cases,
                                percent=_pct(rate), limit=_pct(limit), actual=f"{_pct(rate)}%",
                                expected=f"≤{_pct(limit)}%"))
    u.flags = rules.apply(u.flags)
    return u
