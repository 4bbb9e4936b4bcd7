"""The report's context: every value a template may use, built from ``ReportData`` as plain data.

Pure: strings and lists of paragraphs only (``v.<field key>`` formatted as the report prints it),
so a context can be dumped, compared and rendered by any template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core.findings import fmt_number
from ..format import Field, Spec
from ..format.interchange import INFO_KEYS, ReportData
from .title import title_lines

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RUNIN = re.compile(r"（[一二三四五六七八九十]+）")
RUNIN_MAX = 40  # a run-in heading ends with 。/： within this many characters


@dataclass(frozen=True)
class Para:
    """One paragraph of narrative text: an optional run-in heading (楷体) and the rest."""

    head: str
    body: str


class Values:
    """``v.art20_1.rules.new_made`` → the formatted value; attribute access only.

    Not a dict, so a field segment named like a dict method (``items``) cannot be shadowed.
    """

    __slots__ = ("_d",)

    def __init__(self, d: dict[str, Any]):
        self._d = d

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __contains__(self, key: str) -> bool:
        return key in self._d


def clean(s: str) -> str:
    """Text safe for XML: no control characters, tabs as spaces."""
    return _ILLEGAL.sub("", s.replace("\t", " ").replace("\r", ""))


def split_runin(line: str) -> Para:
    """``（一）主动公开方面。正文…`` → head ``（一）主动公开方面。`` and the body."""
    if _RUNIN.match(line):
        for i, ch in enumerate(line[:RUNIN_MAX]):
            if ch in "。：:":
                return Para(line[: i + 1], line[i + 1:])
        if len(line) <= RUNIN_MAX:
            return Para(line, "")
    return Para("", line)


def paragraphs(text: str) -> list[Para]:
    """Each non-blank line is a paragraph; its leading/trailing spaces (indent) are dropped."""
    return [split_runin(line.strip()) for line in clean(text).split("\n") if line.strip()]


def format_value(f: Field, v: Any) -> str:
    """Counts as integers; amounts without trailing zeros and with their unit (161804.8元)."""
    if f.type == "integer":
        return str(int(v or 0))
    return fmt_number(Decimal(str(v or 0))) + f.unit


def format_date(s: str) -> str:
    """2020-02-14 → 2020年2月14日 (GB/T 9704: no zero padding); other text as written."""
    m = re.fullmatch(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", s or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else clean(s or "")


def _tree(flat: dict[str, str]) -> Values:
    root: dict[str, Any] = {}
    for key, val in flat.items():
        *path, last = key.split(".")
        node = root
        for p in path:
            node = node.setdefault(p, {})
        node[last] = val

    def wrap(d: dict[str, Any]) -> Values:
        return Values({k: wrap(x) if isinstance(x, dict) else x for k, x in d.items()})

    return wrap(root)


def build_context(data: ReportData, spec: Spec | None = None, draft: bool = False) -> dict[str, Any]:
    """Everything a template may use; every value is a string or a list of paragraphs."""
    spec = spec or data.spec
    values = spec.compute(data.values)
    year = "" if data.year is None else str(data.year)
    title = data.info.get("title") or spec.common.report_title(data.org, year)
    preface = data.text.get("preface") or spec.common.preface(data.org, year, data.info.get("url", ""))
    return {
        "title_lines": title_lines(clean(title), clean(data.org), year),
        "preface": paragraphs(preface),
        "text": Values({s.key: paragraphs(data.text.get(s.key, "")) for s in spec.text_sections}),
        "v": _tree({k: format_value(spec.fields[k], x) for k, x in values.items()}),
        "org": clean(data.org),
        "year": year,
        "sign_date": format_date(data.info.get("sign_date", "")),
        "info": Values({k: clean(data.info.get(k) or "") for k in INFO_KEYS}),
        "draft": draft,
    }


def context_names(spec: Spec) -> dict[str, set[str]]:
    """Known names for the lint: top-level variable → allowed dotted paths below it."""
    return {
        "title_lines": set(), "preface": set(), "org": set(), "year": set(), "sign_date": set(), "draft": set(),
        "text": {s.key for s in spec.text_sections},
        "info": set(INFO_KEYS),
        "v": set(spec.fields),
    }
