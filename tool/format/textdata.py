"""The text vocabulary (``data/text.json``): which words name which table quantity, and the 参考表述
drafted from the tables. Field expressions are resolved against one version's fields here, so the
workbook (formulas), the text checks and ``nianbao draft`` read one source.

An expression is field keys joined by ``+``; a key may hold a ``*`` glob (``denied_*.total``) and a
``{p}`` placeholder bound to a list of prefixes (``{p}_upheld`` with ``["review"]``). A glob that
matches nothing, or a key the version lacks, makes the expression unresolved (None): the term is
simply not used for that version (2019 and 2021 name 表二's columns differently).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from ..core.errors import FormatDataError
from .model import Number
from .registry import TEXT, text_data
from .spec import Spec

_SLOT = re.compile(r"\{([^{}]+)\}")


_EXPANDED: dict[tuple[int, str, tuple[str, ...]], tuple[Spec, tuple[str, ...] | None]] = {}


def expand(spec: Spec, expr: str, p: tuple[str, ...] | list[str] = ()) -> tuple[str, ...] | None:
    """The field keys an expression sums, in format order; None when any part names nothing."""
    key = (id(spec), expr, tuple(p))
    hit = _EXPANDED.get(key)
    if hit is None or hit[0] is not spec:  # (the spec is kept with its result: its id cannot be reused)
        if len(_EXPANDED) > 10_000:
            _EXPANDED.clear()
        hit = _EXPANDED[key] = (spec, _expand(spec, expr, tuple(p)))
    return hit[1]


def _expand(spec: Spec, expr: str, p: tuple[str, ...]) -> tuple[str, ...] | None:
    keys: list[str] = []
    for part in (x.strip() for x in expr.split("+")):
        for prefix in (p or ("",)) if "{p}" in part else ("",):
            pattern = part.replace("{p}", prefix)
            if "*" in pattern:
                found = [k for k in spec.fields if fnmatch.fnmatchcase(k, pattern)]
                if not found:
                    return None
                keys += found
            elif pattern in spec.fields:
                keys.append(pattern)
            else:
                return None
    return tuple(dict.fromkeys(keys))


def total(values: dict[str, Number], keys: tuple[str, ...]) -> Number:
    return sum((values.get(k, 0) for k in keys), 0)


@dataclass(frozen=True)
class Draft:
    """One 参考表述: literal text and the field sums between, e.g. ("本年度共收到…", (keys), "件，…")."""

    key: str
    section: str
    title: str
    lead: str
    parts: tuple[str | tuple[str, ...], ...]

    def text(self, values: dict[str, Number]) -> str:
        from ..core.catalog import fmt_number

        return "".join(p if isinstance(p, str) else fmt_number(total(values, p)) for p in self.parts)


def drafts(spec: Spec) -> tuple[Draft, ...]:
    """The drafts whose every slot resolves for this version (a version without 表四 has none of its)."""
    out = []
    for i, d in enumerate(text_data()["drafts"]):
        parts: list[str | tuple[str, ...]] = []
        pos = 0
        ok = True
        for m in _SLOT.finditer(d["text"]):
            parts.append(d["text"][pos:m.start()])
            keys = expand(spec, m[1])
            if keys is None:
                ok = False
                break
            parts.append(keys)
            pos = m.end()
        if not ok:
            continue
        parts.append(d["text"][pos:])
        if d.get("section") not in {s.key for s in spec.text_sections}:
            raise FormatDataError(TEXT, f"drafts[{i}].section", f"没有这个文字部分：“{d.get('section')}”")
        out.append(Draft(d["key"], d["section"], d["title"], d.get("lead", ""), tuple(x for x in parts if x != "")))
    return tuple(out)
