"""The checker's rules, generated from the format data: pure functions of ``ReportData``.

Every relation instance of the Spec (totals, equalities, bounds, cross-year terms) and every
field's type and sign become findings here; nothing in this module names a relation id or a
field key. A finding points at the cell a department can change (the instance's ``blame``
field), lists the other cells involved, and renders its Chinese message from the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..core.findings import Finding, fmt_number, make, make_relation
from ..format import Instance, Number, Spec, load
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules
from .report_rules import report_rules


def check_data(data: ReportData, *, spec: Spec | None = None, prev: ReportData | None = None,
               totals: dict[str, Number] | None = None, unread: Iterable[str] = (),
               rules: LocalRules = NATIONAL, values: dict[str, Number] | None = None) -> list[Finding]:
    """All findings for one report's data, in one pass.

    ``totals``: numbers found in computed-total cells (compared with the recomputed ones);
    ``unread``: fields whose value could not be read, so that rules using them are skipped
    (the reading finding already names the cell); ``prev``: last year's report; ``rules``: local
    rules (deadlines; their levels are applied by the caller, over every finding).
    """
    spec = spec or data.spec
    skip = set(unread)
    if values is None:
        values = readable_values(data, spec, skip)
    out = report_rules(data, spec, rules)
    out += value_rules(data, spec, skip)
    out += total_rules(spec, values, totals or {}, skip)
    return out + relation_findings(spec, values, prev, skip)


def readable_values(data: ReportData, spec: Spec, skip: set[str]) -> dict[str, Number]:
    """Every field's value, totals recomputed, cells that could not be read counting 0."""
    return spec.compute({k: v for k, v in data.values.items() if k not in skip} if skip else data.values)


def relation_findings(spec: Spec, values: dict[str, Number], prev: ReportData | None,
                      skip: set[str] | frozenset[str] = frozenset(),
                      *, cross_year_only: bool = False) -> list[Finding]:
    """The equality and ≤ relations over recomputed ``values``; cross-year ones only with ``prev``."""
    prev_values = _prev_values(prev)
    out = []
    for inst, deps in spec.checks:
        if (inst.cross_year and prev_values is None) or (cross_year_only and not inst.cross_year):
            continue
        if skip and deps & skip:
            continue
        f = relation_finding(spec, inst, values, prev_values or {})
        if f:
            out.append(f)
    return out


def cross_year_findings(data: ReportData, prev: ReportData) -> list[Finding]:
    """Only the relations between this year's and last year's report (collect --last-year)."""
    spec = data.spec
    return relation_findings(spec, spec.compute(data.values), prev, cross_year_only=True)


def _prev_values(prev: ReportData | None) -> dict[str, Number] | None:
    return None if prev is None else load(prev.format).compute(prev.values)


# -- relations -------------------------------------------------------------------------------

def evaluate(inst: Instance, values: dict[str, Number], prev: dict[str, Number]) -> tuple[Number, Number] | None:
    """(lhs, rhs) of an instance; None when a last-year term is missing (other format)."""
    sides = []
    for terms in (inst.lhs, inst.rhs):
        total: Number = 0
        for t in terms:
            src = prev if t.prev else values
            if t.key not in src:
                return None
            total += t.sign * src[t.key]
        sides.append(total)
    return sides[0], sides[1]


def holds(kind: str, lhs: Number, rhs: Number) -> bool:
    return lhs <= rhs if kind == "le" else lhs == rhs


def relation_finding(spec: Spec, inst: Instance, values: dict[str, Number],
                     prev: dict[str, Number]) -> Finding | None:
    sides = evaluate(inst, values, prev)
    if sides is None or holds(inst.kind, *sides):
        return None
    lhs, rhs = sides
    lay = spec.layout
    place = lay.values[inst.blame]
    blame_side = 1 if any(t.key == inst.blame for t in inst.lhs) else -1
    sign = next((t.sign for t in inst.terms if t.key == inst.blame and not t.prev), 1)
    actual = values[inst.blame]
    # the value of the blamed cell that would make the relation hold
    expected = actual - blame_side * sign * (lhs - rhs)
    related = tuple(dict.fromkeys(lay.values[t.key].cell for t in inst.terms
                                  if not t.prev and t.key != inst.blame and t.key in lay.values))
    return make_relation(inst.rule, inst.level, inst.kind,
                         sheet=place.sheet, cell=place.cell, key=inst.blame,
                         label_path=spec.fields[inst.blame].label_path, expected=expected, actual=actual,
                         related=related, where=spec.where(inst.blame),
                         lhs_text=side_text(spec, inst, inst.lhs, values, prev),
                         rhs_text=side_text(spec, inst, inst.rhs, values, prev), diff=abs(lhs - rhs),
                         title=inst.title)


def side_text(spec: Spec, inst: Instance, terms: tuple, values: dict[str, Number],
              prev: dict[str, Number]) -> str:
    """第一项 10 + 第二项 3 = 13 (a single term: 第二项 3)."""
    parts: list[str] = []
    total: Number = 0
    for i, t in enumerate(terms):
        v = (prev if t.prev else values)[t.key]
        total += t.sign * v
        op = "" if i == 0 else (" + " if t.sign > 0 else " − ")
        lead = "−" if i == 0 and t.sign < 0 else ""
        parts.append(f"{op}{lead}{spec.term_name(inst, t)} {fmt_number(v)}")
    text = "".join(parts)
    return f"{text} = {fmt_number(total)}" if len(terms) > 1 else text


def total_rules(spec: Spec, values: dict[str, Number], totals: dict[str, Number],
                skip: set[str]) -> list[Finding]:
    """A total cell holding a number that differs from the recomputed total (typed over, stale).

    A total whose formula uses a reported total (e.g. 总计 over a typed-over （七）总计) follows it
    in any office suite; it is not reported again.
    """
    out = []
    flagged = {k for k, given in totals.items() if k in spec.definitions and given != values[k]
               and not (skip and set(spec.leaves(k)) & skip)}
    for key in [k for k in spec.fields if k in flagged]:
        inst = spec.definitions[key]
        given = totals[key]
        if any(t.key in flagged for t in inst.rhs):
            continue
        place = spec.layout.values[key]
        out.append(make_relation(inst.rule, inst.level, "total", sheet=place.sheet,
                                 cell=place.cell, key=key, label_path=spec.fields[key].label_path,
                                 expected=values[key], actual=given, where=spec.where(key), title=inst.title,
                                 related=tuple(spec.layout.values[t.key].cell for t in inst.rhs)))
    return out


# -- values ---------------------------------------------------------------------------------------

def value_rules(data: ReportData, spec: Spec, skip: set[str]) -> list[Finding]:
    """Type, sign and precision of every input value, from the field's definition."""
    out = []
    plain = spec.plain
    maxima = spec.maxima
    for key, v in data.values.items():
        if plain and type(v) is int and 0 <= v <= maxima.get(key, 0):  # the common case: a count, nothing to check
            continue
        f = spec.fields.get(key)
        if f is None or key in skip:
            continue
        found: list[tuple[str, dict]] = []
        if isinstance(v, Decimal):
            if f.type == "integer" and v != int(v):
                found.append(("VALUE_NOT_INTEGER", {}))
            elif f.type != "integer" and -v.normalize().as_tuple().exponent > f.decimals > 0:
                found.append(("VALUE_DECIMALS", {"decimals": f.decimals}))
        if not f.signed and f.min is not None and v < f.min:
            found.append(("VALUE_NEGATIVE" if f.min == 0 else "VALUE_BELOW_MIN", {"expected": f.min}))
        if abs(v) > maxima[key]:
            found.append(("VALUE_IMPLAUSIBLE", {"expected": maxima[key], "unit": f.unit}))
        for rule, extra in found:
            place = spec.layout.values[key]
            out.append(make(rule, sheet=place.sheet, cell=place.cell, key=key, label_path=f.label_path,
                            actual=v, where=spec.where(key), **extra))
    return out
