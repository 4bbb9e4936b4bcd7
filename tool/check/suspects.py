"""Which cells most likely hold the wrong number when an equality (表三's balance) does not hold.

A finding points at the relation's blamed cell (结转下年度继续办理), but the typo may be anywhere in
the column. For each failing instance, every input cell the instance depends on is a candidate
when changing it alone by the difference would make the instance hold without making the cell
negative (or fractional). Across the failing instances of one relation, the same row is a better
suspect the more instances it can fix: a value typed into the wrong row breaks several columns at
once, and more so when the change empties a cell or fills an empty one. Ties go to cells that
hold a number (a typo is in a typed cell), in table order. Pure.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ..format import Instance, Number, Spec

SHOWN = 3  # suspects named in one message


def row_of(inst: Instance, key: str) -> str:
    """The field key with the instance's bound values put back as placeholders: the "row" across instances."""
    bound = {v: f"{{{k}}}" for k, v in inst.binding}
    return ".".join(bound.get(seg, seg) for seg in key.split("."))


def candidates(spec: Spec, inst: Instance, values: dict[str, Number], diff: Number) -> dict[str, Number]:
    """Input fields whose change alone would make ``inst`` hold (lhs − rhs = ``diff`` now): key → new value."""
    coef: dict[str, int] = {}
    for side, terms in ((1, inst.lhs), (-1, inst.rhs)):
        for t in terms:
            if t.prev:
                continue
            for k, c in spec.leaves(t.key).items():
                coef[k] = coef.get(k, 0) + side * t.sign * c
    out: dict[str, Number] = {}
    for k, c in coef.items():
        if not c or k not in spec.inputs:
            continue
        f = spec.fields[k]
        change = Decimal(-diff) / c
        new = Decimal(values.get(k, 0)) + change
        if (f.min is not None and not f.signed and new < f.min) or (f.type == "integer" and new != new.to_integral_value()):
            continue
        out[k] = int(new) if f.type == "integer" else new
    return out


def suspects(spec: Spec, failing: list[tuple[Instance, Number]],
             values: dict[str, Number]) -> tuple[dict[int, list[str]], Counter[str]]:
    """For each failing instance (by its index in ``failing``), the likeliest wrong input fields, best
    first; and each row's score (``row_of``): how many failing instances a change in it can fix,
    twice for a change that empties a cell or fills an empty one (a value typed into the wrong row,
    or left out)."""
    per = [candidates(spec, inst, values, diff) for inst, diff in failing]
    rows: Counter[str] = Counter()
    for (inst, _), cands in zip(failing, per, strict=True):
        for k, new in cands.items():
            rows[row_of(inst, k)] += 2 if (not new or not values.get(k, 0)) else 1
    order = {k: i for i, k in enumerate(spec.inputs)}
    out: dict[int, list[str]] = {}
    for i, ((inst, _), cands) in enumerate(zip(failing, per, strict=True)):
        out[i] = sorted(cands, key=lambda k, inst=inst: (-rows[row_of(inst, k)], not values.get(k, 0),
                                                           order.get(k, 0)))
    return out, rows


def suspect_text(spec: Spec, keys: list[str], single_row: bool, fixes: int) -> str:
    """"；可能填错的单元格：D9（（一）予以公开）、… 等 12 处" for a message ('' when nothing to say).

    ``single_row``: one row stands out, fixing ``fixes`` (> 1) failing columns: it is named as such.
    """
    if not keys:
        return ""
    lay = spec.layout
    shown = "、".join(f"{lay.values[k].cell}（{_row_label(spec, k)}）" for k in keys[:SHOWN])
    more = f" 等 {len(keys)} 处" if len(keys) > SHOWN else ""
    if single_row:
        return f"；最可能是“{_row_label(spec, keys[0])}”这一行填错了（改这一行可使 {fixes} 列都相符）：{shown}{more}"
    return f"；可能填错的单元格（改其中任一处即可相符）：{shown}{more}"


def _row_label(spec: Spec, key: str) -> str:
    f = spec.fields[key]
    return f.row_path[-1] if f.row_path else f.label_path[-1]
