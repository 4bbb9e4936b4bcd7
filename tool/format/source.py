"""Format data files → model objects, checked on the way: a fault is a ``FormatDataError`` naming
the JSON path (``tables.applications.rows[5][2]``) and what is wrong.

Authoring rules (a version is one file): a table is a list of rows, each a list of cells placed
left to right into the next free column, as an HTML table is laid out, so row and column numbers
follow from order. A cell is ``{"caption"|"col_header"|"row_header"|"corner_note": text}`` or
``{"value": key}`` (a number cell, typed by the table's ``defaults`` plus its own overrides), or
``{"values": prefix}``: one value cell ``prefix.<col>`` per entry of the table's ``value_columns``.
Each field key is written once, in the grid. Relations name fields by key, with ``{name}``
placeholders bound by ``for_each``; every bound term must be a field.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal
from typing import Any

from ..core.catalog import LEVELS
from ..core.errors import FormatDataError
from .model import Cell, Field, Relation, Section, Table, UnitSlip

LABEL_KINDS = ("caption", "col_header", "row_header", "corner_note")
CELL_KEYS = {*LABEL_KINDS, "value", "values", "rowspan", "colspan", "short", "in_path",
             "type", "unit", "min", "decimals", "signed", "unit_slip"}
FIELD_KEYS = ("type", "unit", "min", "decimals", "signed", "unit_slip")
TYPES = ("integer", "decimal")
RELATION_KINDS = ("total", "equal", "le")
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


class Source:
    """Checks on one data file; ``fail`` raises with the file and JSON path."""

    def __init__(self, name: str):
        self.name = name

    def fail(self, path: str, problem: str) -> None:
        raise FormatDataError(self.name, path, problem)

    def need(self, obj: Any, key: str, typ: type | tuple[type, ...], path: str) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            self.fail(path, f"缺少“{key}”")
        value = obj[key]
        if not isinstance(value, typ) or (isinstance(value, bool) and typ is int):
            self.fail(f"{path}.{key}".lstrip("."), f"类型应为 {_type_zh(typ)}")
        return value


def _type_zh(typ: type | tuple[type, ...]) -> str:
    names = {str: "文字", int: "整数", list: "列表", dict: "对象", bool: "true/false"}
    types = typ if isinstance(typ, tuple) else (typ,)
    return " 或 ".join(names.get(t, t.__name__) for t in types)


# -- tables ---------------------------------------------------------------------------------------

def parse_table(src: Source, key: str, t: Any, title: str) -> tuple[Table, dict[str, dict[str, Any]]]:
    """A table and its field definitions (key → type, unit, min, decimals, signed)."""
    path = f"tables.{key}"
    if not isinstance(t, dict):
        src.fail(path, "应为对象")
    sheet = src.need(t, "sheet", str, path)
    rows = src.need(t, "rows", list, path)
    defaults = t.get("defaults", {})
    columns = t.get("value_columns", [])
    if not rows:
        src.fail(f"{path}.rows", "表格没有任何行")
    taken: dict[tuple[int, int], str] = {}
    cells: list[Cell] = []
    defs: dict[str, dict[str, Any]] = {}
    for r, row in enumerate(rows, start=1):
        rpath = f"{path}.rows[{r - 1}]"
        if not isinstance(row, list) or not row:
            src.fail(rpath, "每一行应为非空的单元格列表")
        col = 1
        for j, raw in enumerate(_expand(src, row, columns, rpath)):
            cpath = f"{rpath}[{j}]"
            while (r, col) in taken:
                col += 1
            cell, field_def = _cell(src, raw, r, col, cpath, defaults)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, col + dc)] = cpath
            if cell.field:
                if cell.field in defs:
                    src.fail(cpath, f"字段键“{cell.field}”重复")
                defs[cell.field] = field_def
            cells.append(cell)
            col += cell.colspan
    n_rows = max(r for r, _ in taken)
    n_cols = max(c for _, c in taken)
    if n_rows > len(rows):
        src.fail(f"{path}.rows", f"合并单元格跨到第 {n_rows} 行，但表格只有 {len(rows)} 行")
    for r in range(1, n_rows + 1):
        for c in range(1, n_cols + 1):
            if (r, c) not in taken:
                src.fail(f"{path}.rows[{r - 1}]", f"第 {r} 行第 {c} 列没有单元格（每行应占满 {n_cols} 列）")
    header_rows = t.get("header_rows", 0)
    if not isinstance(header_rows, int) or not 0 <= header_rows < n_rows:
        src.fail(f"{path}.header_rows", f"应为 0 到 {n_rows - 1} 之间的整数")
    return Table(key, sheet, title, n_rows, n_cols, header_rows, tuple(cells)), defs


def _expand(src: Source, row: list[Any], columns: list[str], path: str) -> list[Any]:
    """``{"values": prefix}`` → one value cell per value column."""
    out: list[Any] = []
    for j, raw in enumerate(row):
        if isinstance(raw, dict) and "values" in raw:
            if not columns:
                src.fail(f"{path}[{j}]", "使用了“values”，但本表没有“value_columns”")
            extra = {k: v for k, v in raw.items() if k != "values"}
            out.extend({"value": f"{raw['values']}.{c}", **extra} for c in columns)
        else:
            out.append(raw)
    return out


def _cell(src: Source, raw: Any, r: int, c: int, path: str, defaults: dict[str, Any]) -> tuple[Cell, dict[str, Any]]:
    if not isinstance(raw, dict):
        src.fail(path, "单元格应为对象")
    unknown = set(raw) - CELL_KEYS
    if unknown:
        src.fail(path, f"未知的键“{'、'.join(sorted(unknown))}”")
    kinds = [k for k in (*LABEL_KINDS, "value") if k in raw]
    if len(kinds) != 1:
        src.fail(path, f"单元格应恰好有 {'/'.join((*LABEL_KINDS, 'value'))} 之一")
    kind = kinds[0]
    spans = []
    for k in ("rowspan", "colspan"):
        v = raw.get(k, 1)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            src.fail(f"{path}.{k}", "应为正整数")
        spans.append(v)
    text = raw[kind]
    if not isinstance(text, str) or not text.strip():
        src.fail(f"{path}.{kind}", "应为非空文字")
    if kind != "value":
        if any(k in raw for k in FIELD_KEYS):
            src.fail(path, "标签单元格不能有 " + "/".join(FIELD_KEYS))
        return Cell(r, c, kind, spans[0], spans[1], text=text, short=raw.get("short", ""),
                    in_path=raw.get("in_path", True)), {}
    if not KEY.fullmatch(text):
        src.fail(f"{path}.value", f"字段键“{text}”只能由小写字母、数字、下划线和点组成")
    d = {**defaults, **{k: raw[k] for k in FIELD_KEYS if k in raw}}
    if d.get("type") not in TYPES:
        src.fail(path, f"字段“{text}”的 type 应为 {' 或 '.join(TYPES)}（在单元格或表的 defaults 中给出）")
    if d["type"] == "decimal" and not (isinstance(d.get("decimals"), int) and d["decimals"] > 0):
        src.fail(path, f"小数字段“{text}”需要正整数的 decimals")
    if not isinstance(d.get("unit", ""), str):
        src.fail(f"{path}.unit", "应为文字")
    slip = d.get("unit_slip")
    if slip is not None and not (isinstance(slip, dict) and isinstance(slip.get("unit"), str)
                                 and all(isinstance(slip.get(k), (int, float)) and slip[k] > 0 for k in ("above", "factor"))):
        src.fail(f"{path}.unit_slip", "应为 {\"above\": 数, \"unit\": 文字, \"factor\": 数}：超过 above 时提示可能按 unit 填写")
    return Cell(r, c, "value", spans[0], spans[1], field=text), d


def label_chain(table: Table, v: Cell) -> tuple[list[Cell], list[Cell]]:
    """The labels of a value cell: (caption and row headers, column headers)."""
    labels = table.labels
    caps = [c for c in labels if c.kind == "caption" and c.r <= v.r and c.covers_col(v.c)]
    cap = max(caps, key=lambda c: c.r) if caps else None
    top = cap.r if cap else 0
    rows = sorted((c for c in labels if c.kind == "row_header" and c.covers_row(v.r) and c.c < v.c),
                  key=lambda c: c.c)
    cols = sorted((c for c in labels if c.kind == "col_header" and c.covers_col(v.c)
                   and top < c.r < v.r and c.in_path), key=lambda c: c.r)
    return ([cap] if cap else []) + rows, cols


def make_field(key: str, d: dict[str, Any], table: Table, cell: Cell, computed: bool) -> Field:
    """A field: its type from the data, its label path (caption › row headers › column headers)."""
    row_cells, col_cells = label_chain(table, cell)
    chain = row_cells + col_cells
    signed = bool(d.get("signed", False))
    mn = d.get("min", None if signed else 0)
    return Field(key, table.key, d["type"], d.get("unit", ""), cell, tuple(c.text for c in chain),
                 tuple(c.short or c.text for c in chain),
                 None if mn is None else (Decimal(str(mn)) if isinstance(mn, float) else mn),
                 signed, d.get("decimals", 0), computed,
                 tuple(c.text for c in row_cells), tuple(c.text for c in col_cells), _slip(d.get("unit_slip")))


def _slip(raw: dict[str, Any] | None) -> UnitSlip | None:
    if raw is None:
        return None
    return UnitSlip(Decimal(str(raw["above"])), raw["unit"], Decimal(str(raw["factor"])))


# -- sections and relations -------------------------------------------------------------------------

def parse_sections(src: Source, data: Any) -> tuple[Section, ...]:
    items = src.need(data, "sections", list, "")
    out, keys = [], set()
    for i, s in enumerate(items):
        path = f"sections[{i}]"
        kind = src.need(s, "kind", str, path)
        if kind not in ("text", "table"):
            src.fail(f"{path}.kind", "应为 text 或 table")
        required_for = s.get("required_for", [])
        if not (isinstance(required_for, list) and all(isinstance(k, str) for k in required_for)):
            src.fail(f"{path}.required_for", "应为报告类型的列表，如 [\"government\"]")
        sec = Section(src.need(s, "no", str, path), src.need(s, "key", str, path), src.need(s, "title", str, path),
                      kind, s.get("table", ""), bool(s.get("required", False)), tuple(required_for),
                      str(s.get("required_note", "")))
        if sec.key in keys:
            src.fail(f"{path}.key", f"部分“{sec.key}”重复")
        if kind == "table" and not sec.table:
            src.fail(path, "表格部分需要“table”")
        keys.add(sec.key)
        out.append(sec)
    return tuple(out)


def parse_relations(src: Source, data: Any, tables: dict[str, Table], fields: set[str]) -> tuple[Relation, ...]:
    out: list[Relation] = []
    ids: set[str] = set()
    for i, d in enumerate(src.need(data, "relations", list, "")):
        path = f"relations[{i}]"
        rid = src.need(d, "id", str, path)
        if rid in ids:
            src.fail(f"{path}.id", f"关系“{rid}”重复")
        ids.add(rid)
        path = f"relations[{i}]（{rid}）"
        kind = src.need(d, "kind", str, path)
        if kind not in RELATION_KINDS:
            src.fail(f"{path}.kind", f"应为 {'、'.join(RELATION_KINDS)} 之一，实际为“{kind}”")
        if src.need(d, "level", str, path) not in LEVELS:
            src.fail(f"{path}.level", f"应为 {'、'.join(LEVELS)} 之一")
        if src.need(d, "table", str, path) not in tables:
            src.fail(f"{path}.table", f"没有表格“{d['table']}”")
        src.need(d, "title", str, path)
        sides = ("total", "terms") if kind == "total" else ("lhs", "rhs", "blame")
        for k in sides:
            src.need(d, k, str if k in ("total", "blame") else list, path)
        for_each = d.get("for_each", {})
        if not isinstance(for_each, dict) or any(not isinstance(v, list) or not v for v in for_each.values()):
            src.fail(f"{path}.for_each", "应为对象，每个占位名对应一个非空列表")
        rel = Relation.from_data(d)
        _check_placeholders(src, rel, path)
        for inst in rel.instances():
            _check_instance(src, inst, fields, path)
        out.append(rel)
    _check_total_cycles(src, out)
    return tuple(out)


def _check_placeholders(src: Source, rel: Relation, path: str) -> None:
    names = {k for k, _ in rel.for_each}
    used = {n for t in (*rel.lhs, *rel.rhs, rel.blame) for _, n, _, _ in string.Formatter().parse(t) if n}
    if used - names:
        src.fail(path, f"占位符 {'、'.join('{' + n + '}' for n in sorted(used - names))} 没有在 for_each 中给出取值")
    if names - used:
        src.fail(f"{path}.for_each", f"占位名 {'、'.join(sorted(names - used))} 没有被使用")


def _check_instance(src: Source, inst: Any, fields: set[str], path: str) -> None:
    bound = ", ".join(f"{k}={v}" for k, v in inst.binding)
    at = f"{path}（{bound}）" if bound else path
    for t in inst.terms:
        if t.key not in fields:
            src.fail(at, f"“{t.key}”不是本格式的字段")
    if any(t.prev for t in inst.terms) != inst.cross_year:
        src.fail(at, "上年数值（prev:）只能且必须出现在 cross_year 为 true 的关系中")
    if inst.kind == "total" and (inst.lhs[0].prev or any(t.prev for t in inst.rhs)):
        src.fail(at, "合计关系不能引用上年数值")
    if not any(t.key == inst.blame and not t.prev for t in inst.terms):
        src.fail(at, f"blame“{inst.blame}”应是本关系中本年度的一项")


def _check_total_cycles(src: Source, relations: list[Relation]) -> None:
    """A total must not depend on itself through other totals (its expansion would never end)."""
    defs: dict[str, list[str]] = {}
    for rel in relations:
        if rel.kind == "total":
            for inst in rel.instances():
                defs.setdefault(inst.lhs[0].key, [t.key for t in inst.rhs])

    def visit(key: str, stack: tuple[str, ...]) -> None:
        if key in stack:
            src.fail("relations", f"合计关系循环引用：{' → '.join((*stack, key))}")
        for k in defs.get(key, ()):
            visit(k, (*stack, key))

    for key in defs:
        visit(key, ())

