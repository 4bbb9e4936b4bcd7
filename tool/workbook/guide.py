"""The 填报说明 sheet's text, rendered from the format data (units, relations, deadlines).

Pure: returns (style, text) lines; ``workbook`` writes them. Nothing here names a label or a
relation: every sentence about the tables is built from ``Spec``.
"""

from __future__ import annotations

from collections import Counter

from ..core.findings import LEVEL_ZH
from ..format import Instance, Relation, Spec
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
        parts = [f"{table.sheet}：数量单位为“{main}”"]
        for unit in units:
            if unit == main:
                continue
            names = list(dict.fromkeys(f.label_path[-1] for f in fields if f.unit == unit))
            parts.append(f"{'、'.join(names)}的单位为“{unit}”")
        for f in fields:
            if f.type == "decimal":
                parts.append(f"{f.label_path[-1]}可保留{f.decimals}位小数")
            if f.signed:
                parts.append(f"{f.label_path[-1]}减少时填负数")
        out.append(("text", "；".join(dict.fromkeys(parts)) + "。"))
    return out


def relation_expression(spec: Spec, inst: Instance) -> str:
    """``A ＋ B ＝ C`` in the labels a person reads, from the instance's terms."""
    def side(terms: tuple) -> str:
        text = ""
        for i, t in enumerate(terms):
            op = ("－" if t.sign < 0 else "") if i == 0 else (" － " if t.sign < 0 else " ＋ ")
            text += op + spec.term_name(inst, t)
        return text
    return f"{side(inst.lhs)} {'≤' if inst.kind == 'le' else '＝'} {side(inst.rhs)}"


def _scope(spec: Spec, rel: Relation) -> str:
    """What the instances range over, e.g. 自然人、商业企业…: the label their blames differ in."""
    insts = rel.instances()
    if len(insts) < 2:
        return ""
    paths = [spec.fields[i.blame].short_path for i in insts if i.blame in spec.fields]
    shared = set.intersection(*(set(p) for p in paths)) if paths else set()
    names = [next((x for x in reversed(p) if x not in shared), p[-1]) for p in paths]
    return f"（逐项适用：{'、'.join(dict.fromkeys(names))}）"


def _relation_lines(spec: Spec) -> list[Line]:
    out = []
    for n, rel in enumerate(spec.relations, 1):
        inst = rel.instances()[0]
        table = spec.tables[rel.table].sheet if rel.table in spec.tables else ""
        how = ""
        if rel.kind == "total" and spec.definitions.get(inst.lhs[0].key) == inst:
            how = "本表已设公式自动计算。"
        elif rel.cross_year:
            how = "需对照上年报告，由校验程序检查（本表不显示）。"
        out.append(("text", f"{n}. 【{LEVEL_ZH[rel.level]}】{table} {rel.title}：{relation_expression(spec, inst)}"
                            f"{_scope(spec, rel)}。{how}"))
    return out


def _deadline_lines(spec: Spec) -> list[Line]:
    common = spec.common
    return [("text", f"{common.kinds[k]}年度报告：每年{m}月{d}日前完成（《中华人民共和国政府信息公开条例》第四十九条）。")
            for k, (m, d) in common["deadlines"].items()]
