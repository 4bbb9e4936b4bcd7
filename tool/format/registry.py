"""The format versions present: every ``NNNN.json`` in the data folder, plus ``common.json``.

A new format version is one data file here. Its years follow from the files: a version is in
force from its ``years.first`` until the year before the next version's. Loading checks the
data (``source``) and fails with a ``FormatDataError`` naming the file and JSON path. The folder
is ``tool/format/data`` unless the environment variable ``NIANBAO_FORMATS`` names another (a
copy with a version added, for an office trying a new format before a release).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.errors import FormatDataError
from ..core.text import norm
from .model import Common
from .source import Source, make_field, parse_relations, parse_sections, parse_table
from .spec import Spec

ENV = "NIANBAO_FORMATS"
COMMON = "common.json"
_REQUIRED_COMMON = ("product", "report_title", "form_title", "report_doc", "sheets", "kinds", "deadlines",
                    "info_fields", "preface", "preface_url", "text_rows", "roster", "blank_tokens", "number_suffixes",
                    "statuses", "outputs", "columns", "words")


def data_dir() -> Path:
    folder = os.environ.get(ENV)
    return Path(folder) if folder else Path(str(resources.files("tool.format") / "data"))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except OSError as e:
        raise FormatDataError(path.name, "", f"无法读取（{e.strerror or e}）") from None
    except ValueError as e:
        raise FormatDataError(path.name, "", f"不是有效的 JSON（{e}）") from None


@cache
def common() -> Common:
    raw = _read_json(data_dir() / COMMON)
    src = Source(COMMON)
    for key in _REQUIRED_COMMON:
        src.need(raw, key, (str, int, list, dict), "")
    sheets = list(raw["sheets"].values())
    if len(sheets) != len(set(sheets)):
        src.fail("sheets", "工作表名称重复")
    return Common(raw)


def _object_with(name: str, required: tuple[str, ...]) -> dict[str, Any]:
    """A data file that must be a JSON object with these top-level keys (else FormatDataError naming the key)."""
    raw = _read_json(data_dir() / name)
    if not isinstance(raw, dict):
        raise FormatDataError(name, "", "应为 JSON 对象")
    for key in required:
        if key not in raw:
            raise FormatDataError(name, key, f"缺少“{key}”")
    return raw


TEXT = "text.json"
_REQUIRED_TEXT = ("units", "skip_words", "topics", "terms", "zero", "all_upheld", "none_fee", "percent", "sums",
                  "placeholders", "period", "year_words", "obsolete_outline", "required", "drafts", "default_units")


@cache
def text_data() -> dict[str, Any]:
    """The parsed vocabulary (checked for its top-level keys)."""
    raw = _object_with(TEXT, _REQUIRED_TEXT)
    for i, t in enumerate(raw["terms"]):
        for k in ("id", "kind", "topics", "words", "alts"):
            if k not in t:
                raise FormatDataError(TEXT, f"terms[{i}]", f"缺少“{k}”")
    return raw


COMPARE = "compare.json"
_REQUIRED_COMPARE = ("similar", "thresholds", "figures", "analysis")


@cache
def compare_data() -> dict[str, Any]:
    """Copy detection, thresholds, year-on-year figures and the 分析 flags (checked for its top-level keys)."""
    raw = _object_with(COMPARE, _REQUIRED_COMPARE)
    for name, t in raw["thresholds"].items():
        if not isinstance(t, dict) or t.get("kind") not in ("share", "count") or not isinstance(t.get("value"), (int, float)):
            raise FormatDataError(COMPARE, f"thresholds.{name}", "应写 value（数字）、kind（share 或 count）和 name")
    return raw


def from_data(data: dict[str, Any], *, source: str = "", last_year: int | None = None,
              shared: Common | None = None) -> Spec:
    """Build a checked Spec from one version's data (a parsed data file, or a test's copy)."""
    src = Source(source or f"{data.get('id', '?')}.json")
    if not isinstance(data, dict):
        src.fail("", "应为 JSON 对象")
    vid = src.need(data, "id", str, "")
    if not re.fullmatch(r"\d{4}", vid):
        src.fail("id", "应为四位数字，如 2021")
    years = src.need(data, "years", dict, "")
    first = src.need(years, "first", int, "years")
    sections = parse_sections(src, data)
    titles = {s.table: s.title for s in sections if s.kind == "table"}
    raw_tables = src.need(data, "tables", dict, "")
    for key in raw_tables.keys() - titles.keys():
        src.fail(f"tables.{key}", "没有哪个部分（sections）使用这张表")
    for key in titles.keys() - raw_tables.keys():
        src.fail("sections", f"引用的表格“{key}”不存在")
    tables, defs = {}, {}
    for key, t in raw_tables.items():
        tables[key], found = parse_table(src, key, t, titles[key])
        for k in found.keys() & defs.keys():
            src.fail(f"tables.{key}", f"字段键“{k}”在另一张表中已使用")
        defs.update(found)
    table_sheets = [t.sheet for t in tables.values()]
    shared = shared or common()
    clash = set(table_sheets) & set(shared.sheets.values())
    if clash:
        src.fail("tables", f"表格工作表名与通用工作表重名：{'、'.join(sorted(clash))}")
    relations = parse_relations(src, data, tables, set(defs))
    totals = {i.lhs[0].key for r in relations if r.kind == "total" for i in r.instances()}
    cells = {c.field: (t, c) for t in tables.values() for c in t.values}
    order = {k: i for i, k in enumerate(tables)}
    fields = {}
    for key in sorted(defs, key=lambda k: (order[cells[k][0].key], cells[k][1].r, cells[k][1].c)):
        table, cell = cells[key]
        fields[key] = make_field(key, defs[key], table, cell, key in totals)
    return Spec(vid, src.need(data, "title", str, ""), src.need(data, "doc_number", str, ""), first, last_year,
                sections, tables, fields, relations, shared)


@cache
def _all() -> dict[str, Spec]:
    folder = data_dir()
    files = sorted(p for p in folder.glob("*.json") if re.fullmatch(r"\d{4}\.json", p.name))
    if not files:
        raise FormatDataError(str(folder), "", "没有任何格式数据文件（如 2021.json）")
    raw = {p.stem: _read_json(p) for p in files}
    for stem, data in raw.items():
        if isinstance(data, dict) and data.get("id") != stem:
            raise FormatDataError(f"{stem}.json", "id", f"应与文件名一致（{stem}）")
    firsts = {}
    for stem, data in raw.items():
        first = data.get("years", {}).get("first") if isinstance(data, dict) else None
        if first in firsts:
            raise FormatDataError(f"{stem}.json", "years.first", f"与 {firsts[first]}.json 的起始年度相同（{first}）")
        firsts[first] = stem
    ordered = sorted(raw, key=lambda s: (raw[s].get("years", {}).get("first") or 0))
    out = {}
    for i, stem in enumerate(ordered):
        nxt = raw[ordered[i + 1]]["years"]["first"] - 1 if i + 1 < len(ordered) else None
        out[stem] = from_data(raw[stem], source=f"{stem}.json", last_year=nxt)
    return dict(sorted(out.items()))


__all__ = ["common", "data_dir", "for_year", "from_data", "latest", "load", "norm", "reset", "versions"]


def versions() -> tuple[str, ...]:
    return tuple(_all())


def load(version: str) -> Spec:
    """The compiled format of one version ('2019', '2021' …); KeyError for an unknown one."""
    return _all()[version]


def for_year(year: int) -> Spec:
    """The format version in force for a report year (earliest version before its first year)."""
    specs = sorted(_all().values(), key=lambda s: s.first_year)
    fitting = [s for s in specs if s.covers(year)]
    return fitting[-1] if fitting else (specs[0] if year < specs[0].first_year else specs[-1])


def latest() -> Spec:
    """The newest format version (the default where no year says otherwise)."""
    return max(_all().values(), key=lambda s: s.first_year)


def reset() -> None:
    """Forget loaded data (after ``NIANBAO_FORMATS`` changes)."""
    common.cache_clear()
    _all.cache_clear()
    text_data.cache_clear()
    compare_data.cache_clear()
