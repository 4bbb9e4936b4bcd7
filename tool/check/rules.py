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
from .suspects import row_of, suspect_text, suspects


def check_data(data: ReportData, *, spec: Spec | None = None, prev: ReportData | None = None,
               totals: dict[str, Number] | None = None, unread: Iterable[str] = (),
               rules: LocalRules = NATIONAL, values: dict[str, Number] | None = None,
               stage: str = "check") -> list[Finding]:
    """All findings for one report's data, in one pass.

    ``totals``: numbers found in computed-total cells (compared with the recomputed ones);
    ``unread``: fields whose value could not be read, so that rules using them are skipped
    (the reading finding already names the cell); ``prev``: last year's report; ``rules``: local
    rules (deadlines; their levels are applied by the caller, over every finding); ``stage``: "report"
    when a report is about to be generated (``report_rules``).
    """
    spec = spec or data.spec
    skip = set(unread)
    if values is None:
        values = readable_values(data, spec, skip)
    out = report_rules(data, spec, rules, stage)
    out += value_rules(data, spec, skip)
    out += unit_slip_rules(data, spec, skip)
    out += total_rules(spec, values, totals or {}, skip)
    return out + relation_findings(spec, values, prev, skip)


def readable_values(data: ReportData, spec: Spec, skip: set[str]) -> dict[str, Number]:
    """Every field's value, totals recomputed, cells that could not be read counting 0."""
    return spec.compute({k: v for k, v in data.values.items() if k not in skip} if skip else data.values)


def relation_findings(spec: Spec, values: dict[str, Number], prev: ReportData | None,
                      skip: set[str] | frozenset[str] = frozenset(),
                      *, cross_year_only: bool = False) -> list[Finding]:
    """The equality and ≤ relations over recomputed ``values``; cross-year ones only with ``prev``."""
    prev_values = _prev_values(prev) or {}
    failing: list[tuple[Instance, tuple[Number, Number]]] = []
    for inst, deps in spec.checks:
        if (inst.cross_year and not prev_values) or (cross_year_only and not inst.cross_year):
            continue
        if skip and deps & skip:
            continue
        sides = evaluate(inst, values, prev_values)
        if sides is not None and not holds(inst.kind, *sides):
            failing.append((inst, sides))
    notes = _suspect_notes(spec, failing, values)
    return [relation_finding(spec, inst, values, prev_values, note=notes.get(i, ("", ())))
            for i, (inst, _) in enumerate(failing)]


def _suspect_notes(spec: Spec, failing: list[tuple[Instance, tuple[Number, Number]]],
                   values: dict[str, Number]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Per failing this-year equality: the message's note on the likeliest wrong cells, and those keys."""
    by_rule: dict[str, list[int]] = {}
    for i, (inst, _) in enumerate(failing):
        if inst.kind == "equal" and not inst.cross_year:
            by_rule.setdefault(inst.rule, []).append(i)
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    for idx in by_rule.values():
        group = [(failing[i][0], failing[i][1][0] - failing[i][1][1]) for i in idx]
        ranked, rows = suspects(spec, group, values)
        best = max(rows.values(), default=0)
        single = len(group) > 1 and sum(1 for n in rows.values() if n == best) == 1
        for j, i in enumerate(idx):
            keys = ranked[j]
            top = bool(keys) and single and rows[row_of(group[j][0], keys[0])] == best
            fixed = sum(1 for g, r in zip(group, ranked.values(), strict=True) if keys and any(
                row_of(g[0], k) == row_of(group[j][0], keys[0]) for k in r))
            out[i] = (suspect_text(spec, keys, top and fixed > 1, fixed), tuple(keys))
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


def relation_finding(spec: Spec, inst: Instance, values: dict[str, Number], prev: dict[str, Number],
                     note: tuple[str, tuple[str, ...]] = ("", ())) -> Finding | None:
    """The finding of an instance that does not hold (None when it holds); ``note``: the message's
    note on the likeliest wrong cells and their keys (listed first among the related cells)."""
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
    text, first = note
    related = tuple(dict.fromkeys([*(lay.values[k].cell for k in first if k != inst.blame),
                                   *(lay.values[t.key].cell for t in inst.terms
                                     if not t.prev and t.key != inst.blame and t.key in lay.values)]))
    return make_relation(inst.rule, inst.level, inst.kind,
                         sheet=place.sheet, cell=place.cell, key=inst.blame,
                         label_path=spec.fields[inst.blame].label_path, expected=expected, actual=actual,
                         related=related, where=spec.where(inst.blame),
                         lhs_text=side_text(spec, inst, inst.lhs, values, prev),
                         rhs_text=side_text(spec, inst, inst.rhs, values, prev), diff=abs(lhs - rhs),
                         title=inst.title, suspects=text)


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


def unit_slip_rules(data: ReportData, spec: Spec, skip: set[str]) -> list[Finding]:
    """A plausibility warning where a value looks entered in another unit (a fee in 元 where 万元 is
    asked): above the field's bound with at most two decimals, as amounts in 元 are written."""
    out = []
    for key in spec.slipping:
        v = data.values.get(key)
        slip = spec.fields[key].unit_slip
        if v is None or slip is None or key in skip or v <= slip.above:
            continue
        if -Decimal(v).normalize().as_tuple().exponent > 2:  # 24252.311082 万元: converted to the 分, not typed in 元
            continue
        f = spec.fields[key]
        place = spec.layout.values[key]
        out.append(make("VALUE_UNIT_SUSPECT", sheet=place.sheet, cell=place.cell, key=key, label_path=f.label_path,
                        actual=v, where=spec.where(key), unit=f.unit, slip=slip.unit,
                        suggest=fmt_number(Decimal(v) / slip.factor)))
    return out
