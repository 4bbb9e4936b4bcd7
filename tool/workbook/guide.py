"""The 填报说明 sheet's text, rendered from the format data (units, relations, deadlines).

Pure: returns (style, text) lines; ``workbook`` writes them. Nothing here names a label or a
relation: every sentence about the tables is built from ``Spec``.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ..core.findings import fmt_number
from ..format import Field, Instance, Relation, Spec
from ..format.interchange import ReportData

Line = tuple[str, str]  # (style: heading | text, text)


def guide_lines(spec: Spec, data: ReportData, submit_url: str = "") -> list[Line]:
    """``submit_url``: the unit's own upload link in the office's workspace (``distribute --workspace``)."""
    common = spec.common
    sheets = common.sheets
    tables = "、".join(t.sheet for t in spec.tables.values())
    year = f"{data.year}年度" if data.year else "年度"
    tokens = "、".join(f"“{t}”" for t in common["blank_tokens"])
    lines: list[Line] = [
        ("heading", "一、基本要求"),
        ("text", f"1. 本填报表依据《{spec.title}》（{spec.doc_number}）制作，用于填报{year}政府信息公开工作年度报告。"),
        ("text", f"2. “{sheets['info']}”填写单位信息、报告标题和前言；{tables}为统计表；“{sheets['text']}”填写"
                 f"{'、'.join(s.title for s in spec.text_sections)}。"),
        ("text", "3. 浅黄色单元格为填写区，其余单元格已锁定。工作表设有保护但没有密码，如确需调整可在“审阅”中撤销保护，"
                 "但请勿增删行列、改动表头或工作表名称，否则无法自动读取。"),
        ("text", f"4. 数字单元格只填数字，不填单位；空白按0计。从其他表格粘贴来的{tokens}等也按0处理。"),
        ("text", "5. 灰色单元格为合计，由公式自动计算，无需填写。表格下方或右侧的“校验”单元格实时显示结果："
                 "✔ 表示通过，✘（红色）表示数据不一致，请核对。"),
        ("heading", "二、计量单位"),
        *_unit_lines(spec),
        ("heading", "三、勾稽关系（据此校验）"),
        *_relation_lines(spec),
        ("heading", f"四、{sheets['text']}"),
        ("text", f"每个部分下有{common['text_rows']}行，每行填写一段；从Word粘贴时每段自动占一行。空行会被忽略，"
                 "单元格内换行（Alt+Enter）也可以。"),
        *_required_lines(spec),
        ("heading", "五、报送时限"),
        *_deadline_lines(spec),
    ]
    if submit_url:
        lines += [("heading", "六、网上报送"),
                  ("text", "本单位专用的报送网址如下（相当于密码，请勿转给其他单位）。用浏览器打开，把填好的本表拖入网页，"
                           "立即显示校验结果；有问题的，改正后再次拖入即可。"),
                  ("text", submit_url)]
    return lines


def _unit_lines(spec: Spec) -> list[Line]:
    out = []
    for table in spec.tables.values():
        fields = [f for f in spec.fields.values() if f.table == table.key]
        units = Counter(f.unit for f in fields)
        main = units.most_common(1)[0][0] if units else ""
        parts = [f"{table.sheet}中的数量以“{main}”为单位"]
        for unit in units:
            if unit == main:
                continue
            names = list(dict.fromkeys(_col(f) for f in fields if f.unit == unit and f.type != "decimal"))
            if names:
                parts.append(f"{'、'.join(names)}以“{unit}”为单位")
        for f in fields:
            if f.type == "decimal":
                parts.append(_amount_line(f))
            if f.signed:
                parts.append(f"{_col(f)}比上年减少时填负数（如减少 3{f.unit}填 -3）")
        out.append(("text", "；".join(dict.fromkeys(parts)) + "。"))
    return out


def _col(f: Field) -> str:
    """A field's column label without a unit note (本年收费金额（单位：万元） → 本年收费金额)."""
    return re.sub(r"（单位：[^）]*）", "", f.col_path[-1]) if f.col_path else f.label_path[-1]


def _name(f: Field) -> str:
    """How the guide names a field: its row label and its column label."""
    col = _col(f) if f.col_path else ""
    row = f.row_path[-1] if f.row_path else ""
    return f"{row}的{col}" if row and col and row != col else (row or col or f.label_path[-1])


def _amount_line(f: Field) -> str:
    text = f"{_name(f)}以“{f.unit}”为单位填写，最多保留 {f.decimals} 位小数"
    slip = f.unit_slip
    if slip is None:
        return text
    example = Decimal("161804.8")
    return (f"{text}（1 {slip.unit} ＝ {fmt_number(1 / slip.factor)} {f.unit}）；请勿按“{slip.unit}”填写："
            f"{fmt_number(example)} {slip.unit}应填 {fmt_number(example / slip.factor)}，"
            f"超过 {fmt_number(slip.above)} {f.unit}且不多于两位小数的金额，校验时会提示核实")


def relation_expression(spec: Spec, inst: Instance, many: int = 6) -> str:
    """``A ＋ B ＝ C`` in the labels a person reads, from the instance's terms (a long sum shortened)."""
    def side(terms: tuple) -> str:
        if len(terms) > many:
            return f"{spec.term_name(inst, terms[0])} ＋ …… ＋ {spec.term_name(inst, terms[-1])}（共 {len(terms)} 项）"
        text = ""
        for i, t in enumerate(terms):
            op = ("－" if t.sign < 0 else "") if i == 0 else (" － " if t.sign < 0 else " ＋ ")
            text += op + spec.term_name(inst, t)
        return text
    return f"{side(inst.lhs)} {'≤' if inst.kind == 'le' else '＝'} {side(inst.rhs)}"


def _scope(spec: Spec, rel: Relation) -> str:
    """Where the relation applies: every row or every column (named when few), from its instances."""
    insts = rel.instances()
    if len(insts) < 2:
        return ""
    cells = [spec.fields[i.blame].cell for i in insts if i.blame in spec.fields]
    paths = [spec.fields[i.blame].short_path for i in insts if i.blame in spec.fields]
    shared = set.intersection(*(set(p) for p in paths)) if paths else set()
    names = list(dict.fromkeys(next((x for x in reversed(p) if x not in shared), p[-1]) for p in paths))
    across = "每一行" if len({c.c for c in cells}) == 1 else "每一列"
    return f"{across}都如此（{'、'.join(names)}）" if len(names) <= 7 else f"{across}都如此"


def _relation_lines(spec: Spec) -> list[Line]:
    out = []
    for n, rel in enumerate(spec.relations, 1):
        inst = rel.instances()[0]
        table = spec.tables[rel.table].sheet if rel.table in spec.tables else ""
        scope = _scope(spec, rel)
        if rel.kind == "total" and spec.definitions.get(inst.lhs[0].key) == inst:
            out.append(("text", f"{n}. {table}：{rel.title}。即 {relation_expression(spec, inst)}。"
                                f"{scope + '；' if scope else ''}由公式自动计算，无需填写，也请勿改写。"))
            continue
        if rel.cross_year:
            how = (f"请对照本单位上年的年度报告填写{('；' + scope) if scope else ''}；"
                   "本表无法显示，校验和汇总时会与上年数据核对。")
        else:
            how = f"{scope}；" if scope else ""
            how += "表格旁的“校验”单元格显示 ✘ 时，请逐项核对这些数字。"
        weight = "不符时为错误，必须改正" if rel.level == "error" else "不符时为警告，请核实"
        out.append(("text", f"{n}. {table}：{rel.title}（{weight}）。即 {relation_expression(spec, inst)}。{how}"))
    return out


def _required_lines(spec: Spec) -> list[Line]:
    """What a report cannot go out without: the required sections (by report kind) and the 落款日期."""
    common = spec.common
    every = "、".join(s.title for s in spec.text_sections if s.required)
    lines = [("text", f"{every}必须填写；“{common.sheets['info']}”中的{common.info_label('sign_date')}也必须填写，"
                      "否则不能生成正式报告。")]
    for s in spec.text_sections:
        if s.required_for and not s.required:
            kinds = "、".join(common.kinds[k] for k in s.required_for)
            lines.append(("text", f"{kinds}报告的{s.title}也必须填写：{s.required_note}。"))
    return lines


def _deadline_lines(spec: Spec) -> list[Line]:
    common = spec.common
    return [("text", f"{common.kinds[k]}年度报告：每年{m}月{d}日前完成（《中华人民共和国政府信息公开条例》第四十九条）。")
            for k, (m, d) in common["deadlines"].items()]
