"""The checker's rules, generated from the format data: pure functions of ``ReportData``.

Every relation instance of the Spec (totals, equalities, bounds, cross-year terms) and every
field's type and sign become findings here; nothing in this module names a relation id or a
field key. A finding points at the cell a department can change (the instance's ``blame``
field), lists the other cells involved, and renders its Chinese message from the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .data import ReportData
from .findings import CATALOG, Finding, fmt_number, make
from .layout import Layout
from .reader import expected_of, where
from .spec import Instance, Number, Spec, for_year, load


def check_data(data: ReportData, *, spec: Spec | None = None, prev: ReportData | None = None,
               totals: dict[str, Number] | None = None, unread: Iterable[str] = ()) -> list[Finding]:
    """All findings for one report's data, in one pass.

    ``totals``: numbers found in computed-total cells (compared with the recomputed ones);
    ``unread``: fields whose value could not be read, so that rules using them are skipped
    (the reading finding already names the cell); ``prev``: last year's report.
    """
    spec = spec or data.spec
    lay = expected_of(spec).lay
    plan = _plan(spec)
    skip = set(unread)
    values = plan.compute({k: v for k, v in data.values.items() if k not in skip})
    out = report_rules(data, spec, lay)
    out += value_rules(data, spec, lay, skip)
    out += total_rules(spec, lay, values, totals or {}, skip)
    return out + relation_findings(spec, values, prev, skip)


def relation_findings(spec: Spec, values: dict[str, Number], prev: ReportData | None,
                      skip: set[str] | frozenset[str] = frozenset(),
                      *, cross_year_only: bool = False) -> list[Finding]:
    """The equality and ≤ relations over recomputed ``values``; cross-year ones only with ``prev``."""
    lay = expected_of(spec).lay
    prev_values = _prev_values(prev)
    out = []
    for inst, deps in _plan(spec).checks:
        if (inst.cross_year and prev_values is None) or (cross_year_only and not inst.cross_year):
            continue
        if skip and deps & skip:
            continue
        f = relation_finding(spec, lay, inst, values, prev_values or {})
        if f:
            out.append(f)
    return out


def cross_year_findings(data: ReportData, prev: ReportData) -> list[Finding]:
    """Only the relations between this year's and last year's report (collect --last-year)."""
    spec = data.spec
    return relation_findings(spec, _plan(spec).compute(data.values), prev, cross_year_only=True)


def _prev_values(prev: ReportData | None) -> dict[str, Number] | None:
    return None if prev is None else _plan(load(prev.format)).compute(prev.values)


@dataclass(frozen=True)
class _Plan:
    """What the rules need of a Spec, expanded once (this runs for every workbook collected)."""

    inputs: tuple[str, ...]
    totals: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # total → its leaves
    checks: tuple[tuple[Instance, frozenset[str]], ...]  # non-total instances, their inputs
    plain: bool  # no field has a floor above 0: a non-negative int needs no check

    def compute(self, values: dict[str, Number]) -> dict[str, Number]:
        """Same result as Spec.compute, without re-expanding the totals."""
        out: dict[str, Number] = {k: values.get(k, 0) or 0 for k in self.inputs}
        for key, leaves in self.totals:
            out[key] = sum([c * out[k] for k, c in leaves], 0)  # a list sums faster than a generator
        return out


_PLANS: dict[int, tuple[Spec, _Plan]] = {}


def _plan(spec: Spec) -> _Plan:
    hit = _PLANS.get(id(spec))
    if hit is None or hit[0] is not spec:
        totals = tuple((k, tuple(spec.leaves(k).items())) for k in spec.fields if k not in spec.inputs)
        checks = tuple((i, frozenset(spec.depends_on(i))) for i in spec.instances if i.kind != "total")
        hit = _PLANS[id(spec)] = (spec, _Plan(spec.inputs, totals, checks,
                                                   not any(f.min for f in spec.fields.values())))
    return hit[1]


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


def relation_finding(spec: Spec, lay: Layout, inst: Instance, values: dict[str, Number],
                     prev: dict[str, Number]) -> Finding | None:
    sides = evaluate(inst, values, prev)
    if sides is None or holds(inst.kind, *sides):
        return None
    lhs, rhs = sides
    place = lay.values[inst.blame]
    blame_side = 1 if any(t.key == inst.blame for t in inst.lhs) else -1
    sign = next((t.sign for t in inst.terms if t.key == inst.blame and not t.prev), 1)
    actual = values[inst.blame]
    # the value of the blamed cell that would make the relation hold
    expected = actual - blame_side * sign * (lhs - rhs)
    related = tuple(dict.fromkeys(lay.values[t.key].cell for t in inst.terms
                                  if not t.prev and t.key != inst.blame and t.key in lay.values))
    return make(inst.rule, inst.level, template=CATALOG[f"relation.{inst.kind}"],
                sheet=place.sheet, cell=place.cell, key=inst.blame,
                label_path=spec.fields[inst.blame].label_path, expected=expected, actual=actual,
                related=related, where=where(spec, place),
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


def total_rules(spec: Spec, lay: Layout, values: dict[str, Number], totals: dict[str, Number],
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
        place = lay.values[key]
        out.append(make(inst.rule, inst.level, template=CATALOG["relation.total"], sheet=place.sheet,
                        cell=place.cell, key=key, label_path=spec.fields[key].label_path,
                        expected=values[key], actual=given, where=where(spec, place), title=inst.title,
                        related=tuple(lay.values[t.key].cell for t in inst.rhs)))
    return out


# -- values ---------------------------------------------------------------------------------------

def value_rules(data: ReportData, spec: Spec, lay: Layout, skip: set[str]) -> list[Finding]:
    """Type, sign and precision of every input value, from the field's definition."""
    out = []
    plain = _plan(spec).plain
    for key, v in data.values.items():
        if plain and type(v) is int and v >= 0:  # the common case: a count, nothing to check
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
        for rule, extra in found:
            place = lay.values[key]
            out.append(make(rule, "error", sheet=place.sheet, cell=place.cell, key=key, label_path=f.label_path,
                            actual=v, where=where(spec, place), **extra))
    return out


# -- the report as a whole --------------------------------------------------------------------------

def report_rules(data: ReportData, spec: Spec, lay: Layout) -> list[Finding]:
    common = spec.common
    out: list[Finding] = []
    info_sheet = common.sheets["info"]
    for f in common.info_fields:
        if f.required and not _info_value(data, f.key):
            p = lay.info[f.key]
            out.append(make("INFO_REQUIRED", "error", sheet=info_sheet, cell=p.cell, key=f"info.{f.key}",
                            label_path=(info_sheet, f.label), label=f.label))
    if data.year:
        current = for_year(data.year)
        if current.id != spec.id:
            p = lay.info["year"]
            out.append(make("FMT_CURRENT_VERSION", "error", sheet=info_sheet, cell=p.cell, key="info.format",
                            expected=current.id, actual=spec.id, year=data.year, doc=current.doc_number))
    kind = data.kind if data.kind in common.kinds else "department"
    for s in spec.text_sections:
        if s.required and not data.text.get(s.key, "").strip():
            p = lay.text[s.key]
            level = "error" if kind == "department" else "warning"
            detail = "" if level == "error" else f"（{common.kinds[kind]}报告可稍后补写，生成报告前须填好）"
            out.append(make("TEXT_REQUIRED", level, sheet=p.sheet, cell=p.cell, key=f"text.{s.key}",
                            label_path=(p.sheet, s.title), title=s.title, detail=detail))
    out += _sign_date(data, spec, lay, kind)
    return out


def _info_value(data: ReportData, key: str) -> object:
    if key in ("org", "year"):
        return getattr(data, key)
    return data.text.get(key) if key == "preface" else data.info.get(key)


def _sign_date(data: ReportData, spec: Spec, lay: Layout, kind: str) -> list[Finding]:
    raw = data.info.get("sign_date", "")
    if not raw or not data.year:
        return []
    common = spec.common
    label = next(f.label for f in common.info_fields if f.key == "sign_date")
    p = lay.info["sign_date"]
    at = {"sheet": p.sheet, "cell": p.cell, "key": "info.sign_date", "label_path": (p.sheet, label),
          "label": label, "actual": raw}
    try:
        signed = date.fromisoformat(raw)
    except ValueError:
        return [make("SIGN_DATE_INVALID", "warning", **at)]
    month, day = common["deadlines"][kind]
    deadline = date(data.year + 1, month, day)
    if signed <= deadline:
        return []
    return [make("SIGN_DATE_LATE", "warning", expected=deadline.isoformat(), kind_name=common.kinds[kind],
                 deadline=f"{month}月{day}日", **at)]
