"""Excel formulas compiled from the relation data: the totals and the 校验 (✔/✘) cells.

Pure functions over a ``Layout``: a term becomes a cell reference (on this sheet, another
sheet, or last year's 上年参考 sheet), a side becomes a SUM, an instance becomes a check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

from xlsxwriter.utility import quote_sheetname

from ..format import Instance, Spec, Term
from ..format.layout import Layout, Place
from ..format.textdata import Draft


def refs_for(lay: Layout, sheet: str, prev: Mapping[str, str]) -> Callable[[Term], str | None]:
    def ref(t: Term) -> str | None:
        if t.prev:
            return prev.get(t.key)
        p = lay.values.get(t.key)
        if p is None:
            return None
        return p.cell if p.sheet == sheet else f"{quote_sheetname(p.sheet)}!{p.cell}"
    return ref


def _sum(terms: Sequence[Term], ref: Callable[[Term], str | None], lay: Layout) -> str:
    """Σ of signed terms with SUM (which, unlike +, ignores a pasted text such as “—”)."""
    out = []
    for sign in (1, -1):
        args = [ref(t) or "0" for t in terms if t.sign == sign]
        places = [lay.values.get(t.key) for t in terms if t.sign == sign and not t.prev]
        if not args:
            continue
        body = _range(places) if len(places) == len(args) and len(args) > 2 else None
        out.append(("-" if sign < 0 else "") + f"SUM({body or ','.join(args)})")  # type: ignore[arg-type]
    return "".join(x if i == 0 or x.startswith("-") else "+" + x for i, x in enumerate(out)) or "0"


def _range(places: Sequence[Place | None]) -> str | None:
    """``D8:D28`` when the places tile one row or one column exactly, else None."""
    if any(p is None for p in places) or len({p.sheet for p in places}) != 1:  # type: ignore[union-attr]
        return None
    ps = list(places)
    for along_row in (True, False):
        ps.sort(key=lambda p: (p.col, p.row) if along_row else (p.row, p.col))  # type: ignore[union-attr]
        if all((b.row == a.row and b.col == a.col + a.cols) if along_row  # type: ignore[union-attr]
               else (b.col == a.col and b.row == a.row + a.rows)  # type: ignore[union-attr]
               for a, b in pairwise(ps)):
            return f"{ps[0].cell}:{ps[-1].cell}"  # type: ignore[union-attr]
    return None


def check_formula(inst: Instance, ref: Callable[[Term], str | None], lay: Layout) -> str:
    """✔ when the relation holds (sides compared after rounding away float noise), else ✘."""
    op = "<=" if inst.kind == "le" else "="
    return f'=IF(ROUND(({_sum(inst.lhs, ref, lay)})-({_sum(inst.rhs, ref, lay)}),6){op}0,"✔","✘")'


def draft_formula(draft: Draft, lay: Layout, sheet: str) -> str:
    """A 参考表述 as one formula: its text pieces as string literals, each slot a SUM of table cells
    (SUM, not +, so a blank or a pasted “—” counts 0), joined with &."""
    ref = refs_for(lay, sheet, {})
    parts = []
    for p in draft.parts:
        if isinstance(p, str):
            for i in range(0, len(p), 200):  # a string literal may not exceed 255 characters
                parts.append('"' + p[i:i + 200].replace('"', '""') + '"')
        else:
            places = [lay.values[k] for k in p]
            span = _range(places) if len(places) > 2 else None
            if span and places[0].sheet != sheet:
                span = f"{quote_sheetname(places[0].sheet)}!{span}"
            parts.append(f"SUM({span or ','.join(ref(Term(k)) or '0' for k in p)})")
    return "=" + "&".join(parts)


def total_formula(spec: Spec, lay: Layout, key: str, sheet: str) -> str:
    inst = spec.definitions[key]
    return "=" + _sum(inst.rhs, refs_for(lay, sheet, {}), lay)
