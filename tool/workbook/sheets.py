"""The other sheets of the workbook: 基本信息, 文字部分, 填报说明, 上年参考, 校验结果 and the hidden
metadata sheet that identifies our workbooks when they come back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from ..core.findings import LEVEL_ZH, LEVELS, Finding
from ..format import Spec
from ..format.interchange import ReportData
from ..format.layout import TITLE_ROWS, Place, a1
from ..format.localrules import RULES_META
from ..format.textdata import Draft, drafts
from .book import DRAFT_BG, FILL, LINE_PT, Book, abs_ref, print_setup, protect, wrapped_lines
from .formulas import draft_formula
from .guide import guide_lines
from .tables import num_format


def _info_values(spec: Spec, data: ReportData) -> dict[str, Any]:
    common = spec.common
    known = bool(data.org and data.year)
    vals: dict[str, Any] = {k: data.info.get(k, "") for k in ("unit_id", "contact", "phone", "sign_date", "url")}
    vals.update(org=data.org, year=data.year or "", format=spec.id, kind=common.kinds.get(data.kind, ""),
                title=data.info.get("title") or (common.report_title(data.org, data.year) if known else ""),
                preface=data.text.get("preface") or (common.preface(data.org, data.year, data.info.get("url", "")) if known else ""))
    return vals


def info_sheet(bk: Book, data: ReportData, locked: set[str]) -> None:
    common = bk.spec.common
    ws = bk.sheet(common.sheets["info"])
    bk.header(ws, f"{common['report_doc']}　{ws.name}",
              "在浅黄色单元格填写；灰色单元格不可修改。标题、前言留空时按默认文字生成。", 3)
    vals = _info_values(bk.spec, data)
    for f in common.info_fields:
        p = bk.lay.info[f.key]
        bk.put(ws, p.row, p.col - 1, f.label + ("（必填）" if f.required else ""), "label")
        is_locked = f.locked or f.key in locked
        over: dict[str, Any] = {"text_wrap": True}
        if f.type == "year":
            over["num_format"] = "0"
        bk.put(ws, p.row, p.col, vals.get(f.key, ""), "locked_value" if is_locked else "text_input",
               valign="vcenter", **over)
        bk.put(ws, p.row, p.col + 1, f.hint, "note")
        bk.name(p)
        if not is_locked:
            _info_validation(ws, p, f.type, f.label, f.hint, list(common.kinds.values()))
        if f.type == "longtext":
            ws.set_row(p.row - 1, 170)
        elif f.key == "title":
            ws.set_row(p.row - 1, 40)
        else:
            ws.set_row(p.row - 1, 24)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 62)
    ws.set_column(2, 2, 40)
    print_setup(ws, landscape=False, header_rows=0)
    if not bk.notes:
        ws.activate()
    protect(ws)


def _info_validation(ws: Worksheet, p: Place, typ: str, label: str, hint: str, kinds: list[str]) -> None:
    v: dict[str, Any] = {"validate": "any"}
    if typ == "year":
        v = {"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100,
             "error_title": "年度有误", "error_message": "请填写四位数年份，如2024"}
    elif typ == "kind":
        v = {"validate": "list", "source": kinds, "error_title": "报告类型有误",
             "error_message": f"请从下拉列表选择：{'或'.join(kinds)}"}
    v.update(input_title=label[:32], input_message=hint[:255])
    ws.data_validation(p.cell, v)



DRAFT_COL, DRAFT_WIDTH = 4, 56  # 参考表述 in column D, beside the section it belongs to (C is a gap)


def text_sheet(bk: Book, data: ReportData) -> None:
    ws = bk.sheet(bk.spec.common.sheets["text"])
    bk.header(ws, f"{bk.spec.common['report_doc']}　{ws.name}",
              "每行填写一段（从Word粘贴时每段自动占一行）；空行会被忽略，单元格内换行也可。"
              "右侧“参考表述”由表格数字自动生成，可复制后修改使用。", 2)
    width = 90
    heights = _draft_cells(bk, ws)
    last = TITLE_ROWS
    for s in bk.spec.text_sections:
        p = bk.lay.text[s.key]
        head = bk.lay.text_heading_row(s.key)
        need = "（必填）" if s.required else (
            f"（{'、'.join(bk.spec.common.kinds[k] for k in s.required_for)}报告必填）" if s.required_for else "")
        bk.put(ws, head, 1, s.title + need, "section", cols=p.col)
        ws.set_row(head - 1, 28)
        paras = [x for x in data.text.get(s.key, "").split("\n")]
        if len(paras) > p.rows:  # keep everything: the last row takes the overflow, with line breaks
            paras = [*paras[: p.rows - 1], "\n".join(paras[p.rows - 1:])]
        for i in range(p.rows):
            text = paras[i] if i < len(paras) else ""
            if p.col > 1:
                bk.put(ws, p.row + i, p.col - 1, i + 1, "no")
            bk.put(ws, p.row + i, p.col, text, "text_input")
            need = max(wrapped_lines(text, width) * LINE_PT + 4 if text else 0, heights.get(p.row + i, 0))
            if need:
                ws.set_row(p.row + i - 1, need)
        last = p.row + p.rows - 1
        ws.data_validation(p.ref, {"validate": "any", "input_title": s.title[:32],
                                   "input_message": "每行填写一段；空行会被忽略。"})
        bk.name(p, whole=True)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, width)
    ws.set_column(2, 2, 2)
    ws.set_column(DRAFT_COL - 1, DRAFT_COL - 1, DRAFT_WIDTH)
    ws.freeze_panes(TITLE_ROWS, 0)
    ws.print_area(0, 0, last - 1, 1)  # the 参考表述 help the writer; they are not part of the text
    print_setup(ws, landscape=False, header_rows=0)
    protect(ws)


def draft_places(spec: Spec) -> list[tuple[Draft, int, str]]:
    """Each 参考表述 of the 文字部分: (draft, caption row, A1 of its formula cell), beside its section."""
    out = []
    row: dict[str, int] = {}
    for d in drafts(spec):
        r = row.get(d.section, spec.layout.text[d.section].row)
        out.append((d, r, a1(r + 1, DRAFT_COL)))
        row[d.section] = r + 3
    return out


def _draft_cells(bk: Book, ws: Worksheet) -> dict[int, float]:
    """参考表述 beside their section: a caption, then one live formula over the table cells.

    Returns the heights the formula rows need (row → points)."""
    heights: dict[int, float] = {}
    for d, r, _ in draft_places(bk.spec):
        bk.put(ws, r, DRAFT_COL, f"参考表述：{d.title}（随表格数字自动更新，可复制到左侧后修改）", "hint",
               text_wrap=True, bg_color=DRAFT_BG)
        bk.put(ws, r + 1, DRAFT_COL, draft_formula(d, bk.lay, ws.name), "draft", formula=True)
        heights[r] = 2 * 14 + 4
        heights[r + 1] = wrapped_lines(d.lead + d.text({}), DRAFT_WIDTH) * LINE_PT + 4
    return heights


def guide_sheet(bk: Book, data: ReportData, submit_url: str = "") -> None:
    ws = bk.sheet(bk.spec.common.sheets["guide"])
    bk.header(ws, ws.name, f"{bk.spec.title}（{bk.spec.doc_number}）", 1)
    width = 80
    for n, (style, text) in enumerate(guide_lines(bk.spec, data, submit_url)):
        bk.put(ws, TITLE_ROWS + 2 + n, 1, text, "section" if style == "heading" else "text")
        ws.set_row(TITLE_ROWS + 1 + n, 26 if style == "heading" else wrapped_lines(text, width) * LINE_PT + 4)
    ws.set_column(0, 0, width)
    print_setup(ws, landscape=False, header_rows=0)
    protect(ws)



_REF_FIRST = TITLE_ROWS + 2  # header row, then one row per field


def reference_refs(spec: Spec, reference: ReportData | None) -> dict[str, str]:
    """Last year's field → its cell on the 上年参考 sheet (for cross-year 校验 formulas)."""
    if reference is None:
        return {}
    sheet = quote_sheetname(spec.common.sheets["last_year"])
    return {k: f"{sheet}!{abs_ref(_REF_FIRST + i, 3)}" for i, k in enumerate(reference.spec.fields)}


def reference_sheet(bk: Book, ref: ReportData) -> None:
    ws = bk.sheet(bk.spec.common.sheets["last_year"])
    bk.header(ws, f"{ws.name}：{ref.org}{ref.year or ''}年度（{ref.spec.id}格式）",
              "上年报告数据，仅供对照，不可修改；跨年度的校验引用本表数值。", 4)
    columns = bk.spec.common.columns("last_year")
    for c, col in enumerate(columns, 1):
        bk.put(ws, _REF_FIRST - 1, c, col["label"], "col_header")
    values = ref.all_values()
    for i, (key, f) in enumerate(ref.spec.fields.items()):
        r = _REF_FIRST + i
        bk.put(ws, r, 1, ref.spec.tables[f.table].sheet, "cell")
        bk.put(ws, r, 2, " › ".join(f.label_path), "cell")
        bk.put(ws, r, 3, values.get(key, 0), "number", num_format=num_format(f))
        bk.put(ws, r, 4, key, "cell", font_color="#808080", font_size=9)
    for c, col in enumerate(columns):
        ws.set_column(c, c, col["width"])
    ws.freeze_panes(_REF_FIRST - 1, 0)
    print_setup(ws, landscape=False, header_rows=_REF_FIRST - 1)
    protect(ws)


def checks_sheet(bk: Book, annotations: Mapping[tuple[str, str], Sequence[Finding]]) -> None:
    ws = bk.sheet(bk.spec.common.sheets["checks"])
    found = list({(f.rule, f.level, f.sheet, f.cell, f.message): f
                  for fs in annotations.values() for f in fs}.values())
    found.sort(key=lambda f: LEVELS.index(f.level) if f.level in LEVELS else len(LEVELS))
    counts = "，".join(f"{LEVEL_ZH[lv]}{sum(f.level == lv for f in found)}处" for lv in LEVELS)
    bk.header(ws, ws.name, f"共{len(found)}条（{counts}）；相应单元格已标色并附批注，点击单元格地址可跳转。", 4)
    columns = bk.spec.common.columns("checks")
    for c, col in enumerate(columns, 1):
        bk.put(ws, TITLE_ROWS + 1, c, col["label"], "col_header")
    for i, f in enumerate(found):
        r = TITLE_ROWS + 2 + i
        bk.put(ws, r, 1, LEVEL_ZH.get(f.level, f.level), "cell", bg_color=FILL.get(f.level, "#FFFFFF"))
        bk.put(ws, r, 2, f.sheet, "cell")
        if f.sheet and f.cell:
            ws.write_url(r - 1, 2, f"internal:{quote_sheetname(f.sheet)}!{f.cell}", bk.fmt("cell", underline=1,
                         font_color="#1F4E79"), f.cell)
        else:
            bk.put(ws, r, 3, f.cell, "cell")
        bk.put(ws, r, 4, f.message, "cell")
        ws.set_row(r - 1, wrapped_lines(f.message, 90) * 15 + 6)
    for c, col in enumerate(columns):
        ws.set_column(c, c, col["width"])
    ws.freeze_panes(TITLE_ROWS + 1, 0)
    print_setup(ws, landscape=True, header_rows=TITLE_ROWS + 1)
    ws.activate()
    protect(ws)


def meta_items(spec: Spec, data: ReportData, written_by: str, rules_text: str = "",
               identity: str | None = None) -> list[tuple[str, str]]:
    """The hidden metadata sheet's rows (column A key, column B value), all as text.

    ``unit_id`` is the roster identity a return is matched by (distribute's), else the 单位代码.
    """
    try:
        version = metadata.version(spec.common["product"])
    except metadata.PackageNotFoundError:
        version = "0"
    return [("product", spec.common["product"]), ("format", spec.id), ("year", str(data.year or "")),
            ("org", data.org), ("unit_id", data.info.get("unit_id", "") if identity is None else identity),
            ("kind", data.kind),
            ("generator", version), ("fingerprint", spec.layout.fingerprint), ("written_by", written_by),
            *([(RULES_META, rules_text)] if rules_text else [])]


def meta_sheet(bk: Book, data: ReportData, written_by: str, rules_text: str = "", identity: str | None = None) -> None:
    ws = bk.wb.add_worksheet(bk.spec.common.sheets["meta"])
    for i, (k, v) in enumerate(meta_items(bk.spec, data, written_by, rules_text, identity)):
        ws.write_string(i, 0, k)
        ws.write_string(i, 1, v)
    ws.set_column(0, 1, 20)
    ws.hide()
    protect(ws)
