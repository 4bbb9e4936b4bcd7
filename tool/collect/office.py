"""The office's sheets of 汇总表.xlsx: 雷同 (copied text between units), 同比 (figures against last year,
with ``--last-year``) and 分析 (ranking, flags with their explanation, the totals of both years as a
native Excel chart). Written in the status workbook's constant-memory mode: every sheet top to bottom.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..compare.analysis import Unit, analyse
from ..compare.yoy import Change, figure_values, figures
from ..core.findings import LEVEL_ZH, make
from ..format import common
from ..format.localrules import NATIONAL
from .board import local_time, parse_deadline, printable, title_row
from .decide import Collection


class Formats:
    def __init__(self, wb: Any, text: Any, head: Any, total: Any, title: str = "", title_fmt: Any = None) -> None:
        self.text, self.head, self.total = text, head, total
        self.title, self.title_fmt = title, title_fmt  # the line every 汇总表 sheet starts with (``board.title``)
        base = {"font_name": "仿宋", "border": 1}
        self.pct = wb.add_format({**base, "num_format": "0.0%"})
        self.num = wb.add_format({**base, "num_format": "#,##0.##"})
        self.total_pct = wb.add_format({**base, "num_format": "0.0%", "bold": True, "bg_color": "#FFF2CC"})
        self.note = wb.add_format({"font_name": "仿宋", "text_wrap": True, "valign": "top", "font_color": "#595959"})
        self.heading = wb.add_format({"font_name": "黑体", "bold": True, "font_size": 12})
        self.warn = wb.add_format({**base, "bg_color": "#FFEB9C"})
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})


def _lines(text: str, width: float) -> int:
    """Printed lines of a wrapped cell (CJK characters count two width units)."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-int(units * 1.1) // max(int(width) - 1, 1)))


def _put(ws: Any, r: int, c: int, v: Any, fmt: Any) -> None:
    """A cell: text stays text (write_string), numbers numbers, None blank."""
    if v is None or v == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, str):
        ws.write_string(r, c, v, fmt)
    else:
        ws.write_number(r, c, float(v), fmt)


def _widths(ws: Any, table: str, first: int = 0) -> None:
    for j, col in enumerate(common().columns(table)):
        ws.set_column(first + j, first + j, col["width"])


def _head(ws: Any, r: int, table: str, f: Formats, first: int = 0) -> None:
    for j, label in enumerate(common().headers(table)):
        ws.write_string(r, first + j, label, f.head)


def last_year_totals(coll: Collection) -> tuple[dict[str, Any], int]:
    """Last year's figures summed over the units counted in this year's consolidated row (like for like),
    and how many of them had last year's report."""
    out: dict[str, Any] = {}
    n = 0
    for s in coll.contributions:
        figs = coll.last_year.get(s.unit.seq)
        if figs is None:
            continue
        n += 1
        for k, v in figs.items():
            if v is not None:
                out[k] = out.get(k, 0) + v
    return out, n


def similar_sheet(wb: Any, coll: Collection, f: Formats) -> None:
    words = common().words
    ws = wb.add_worksheet(common().sheets["similar"])
    _widths(ws, "similar")
    rules = coll.rules or NATIONAL
    title_row(ws, f.title, len(common().columns("similar")), f.title_fmt)
    ws.set_row(1, 48)
    ws.merge_range(1, 0, 1, len(common().columns("similar")) - 1, "", f.note)
    ws.write_string(1, 0, words["similar_note"].format(limit=int(rules.threshold("similar_unit") * 100)), f.note)
    _head(ws, 2, "similar", f)
    cols = common().columns("similar")
    for i, row in enumerate(coll.copies, start=3):
        ws.set_row(i, 15 * max(_lines(str(row[j]), cols[j]["width"]) for j in (4, 6)) + 4)
        for j, v in enumerate(row):
            _put(ws, i, j, v, f.pct if j == 3 else (f.wrap if j in (1, 2, 4, 6) else f.text))
    ws.freeze_panes(3, 2)
    printable(ws, True, 3)


def _change_cells(c: Change) -> list[Any]:
    return [c.previous, c.current, c.diff, c.rate]


YOY_PER_PAGE = 3  # figures a printed page (each page is a block: 序号, 单位名称 and these figures)
YOY_SCALE = 68  # % : one block (2 + 12 columns) across an A4 landscape page


def yoy_column(index: int) -> int:
    """0-based column of the 上年 cell of the ``index``-th figure: the sheet is blocks of YOY_PER_PAGE figures,
    each starting with its own 序号 and 单位名称, so that every printed page carries its title, note and names."""
    block, k = divmod(index, YOY_PER_PAGE)
    fixed = len(common().columns("yoy"))
    return block * (fixed + 4 * YOY_PER_PAGE) + fixed + 4 * k


def yoy_sheet(wb: Any, coll: Collection, f: Formats) -> None:
    """Per unit and for the consolidated row: 上年, 本年, 增减, 增减率 of every figure."""
    words = common().words
    parts = [words["previous"], words["current"], words["change"], words["rate"]]
    figs = figures()
    fixed = common().columns("yoy")
    blocks = [figs[i:i + YOY_PER_PAGE] for i in range(0, len(figs), YOY_PER_PAGE)]
    starts = [yoy_column(i * YOY_PER_PAGE) - len(fixed) for i in range(len(blocks))]
    ws = wb.add_worksheet(common().sheets["yoy"])
    for b, first in zip(blocks, starts, strict=True):
        _widths(ws, "yoy", first)
        ws.set_column(first + len(fixed), first + len(fixed) + 4 * len(b) - 1, 9)
    prev_total, n_units = last_year_totals(coll)
    note = words["yoy_note"].format(count=n_units)
    ends = [first + len(fixed) + 4 * len(b) - 1 for b, first in zip(blocks, starts, strict=True)]
    title_row(ws, f.title, ends[0] + 1, f.title_fmt)  # row 0: the title line, as on every sheet
    for first, end in zip(starts[1:], ends[1:], strict=True):
        ws.merge_range(0, first, 0, end, f.title, f.title_fmt)
    ws.set_row(1, 36)
    for first, end in zip(starts, ends, strict=True):
        ws.merge_range(1, first, 1, end, note, f.note)
    for b, first in zip(blocks, starts, strict=True):  # constant memory: row 2 complete before row 3
        for j in range(len(fixed)):
            ws.write_blank(2, first + j, None, f.head)
        for i, fig in enumerate(b):
            at = first + len(fixed) + 4 * i
            ws.merge_range(2, at, 2, at + 3, fig.label, f.head)
    for b, first in zip(blocks, starts, strict=True):
        for j, col in enumerate(fixed):
            ws.write_string(3, first + j, col["label"], f.head)
        for i in range(len(b)):
            for j, p in enumerate(parts):
                ws.write_string(3, first + len(fixed) + 4 * i + j, p, f.head)
    rows = [("", words["consolidated_row"], prev_total, figure_values(coll.spec, coll.totals), True)]
    for s in coll.units:
        if s.entry is not None and s.entry.values:
            cur = figure_values(coll.spec, coll.spec.compute(s.entry.value_map(coll.spec)))
            rows.append((s.unit.seq, s.unit.name, coll.last_year.get(s.unit.seq, {}), cur, False))
    for r, (seq, name, prev, cur, is_total) in enumerate(rows, start=4):
        for first in starts:
            _put(ws, r, first, seq, f.total if is_total else f.text)
            _put(ws, r, first + 1, name, f.total if is_total else f.text)
        for i, fig in enumerate(figs):
            c = Change(fig, prev.get(fig.id), cur.get(fig.id))
            for j, v in enumerate(_change_cells(c)):
                pct = j == 3
                _put(ws, r, yoy_column(i) + j, v, (f.total_pct if pct else f.total) if is_total
                     else (f.pct if pct else f.num))
    ws.freeze_panes(4, 2)
    printable(ws, True, 4)
    # a page per block: a break before each block, and a scale at which a block fits (fitting to pages
    # would override the breaks and split a figure between two pages)
    ws.set_v_pagebreaks(starts[1:])
    ws.set_print_scale(YOY_SCALE)


def units_of(coll: Collection) -> Iterator[Unit]:
    """Every unit with figures, analysed, in roster order (one at a time: their flags are not all held)."""
    spec, rules = coll.spec, coll.rules or NATIONAL
    deadline = parse_deadline(coll.deadline)  # the office's own (--deadline): the statutory one is SIGN_DATE_LATE's
    for s in coll.units:
        e = s.entry
        if e is None or not e.values:
            continue
        u = analyse(s.unit.seq, s.unit.name, spec, spec.compute(e.value_map(spec)), e.values, rules)
        u.flags += [x for x in e.result.findings if x.rule in ("SIGN_DATE_LATE", "YOY_CHANGE")]
        if deadline and e.source.mtime and datetime.fromtimestamp(e.source.mtime).date() > deadline:
            u.flags += rules.apply([make("ANALYSIS_SUBMITTED_LATE", unit=s.unit.name, time=local_time(e.source.mtime),
                                         deadline=deadline.isoformat())])
        yield u


def _ranking_row(u: Unit) -> list[Any]:
    from ..core.catalog import CATALOG

    titles = "；".join(dict.fromkeys(CATALOG[x.rule].title for x in u.flags))
    return [u.seq, u.name, titles, u.applications, u.answered, u.granted_rate, u.shares.get("denied"),
            u.shares.get("unable"), u.shares.get("not_processed"), u.corrections.get("review"),
            u.corrections.get("litigation")]


# Both tables share the sheet's columns, with no merged cells (10,000 units' flags stay cheap): A 名次 /
# 序号, B 序号 / 级别, C 单位名称, D 需关注事项 (the flags' titles) / 说明 (each flag's explanation), then
# the ranking's numbers. The totals table takes D for the figures' names.
FLAG_COLS = (0, 1, 2, 3)
WIDE = 3


def analysis_sheet(wb: Any, coll: Collection, f: Formats) -> None:
    """一 ranking, 二 flags (one explanation each), 三 totals of both years with a column chart."""
    from ..core.catalog import CATALOG

    words = common().words
    cols = common().columns("analysis")
    ws = wb.add_worksheet(common().sheets["analysis"])
    _widths(ws, "analysis")
    ranking = sorted((_ranking_row(u) for u in units_of(coll)), key=lambda row: -row[3])  # numbers and titles
    title_row(ws, f.title, len(cols), f.title_fmt)
    ws.write_string(1, 0, words["analysis_ranking"], f.heading)
    _head(ws, 2, "analysis", f)
    r = 3
    for rank, row in enumerate(ranking, start=1):
        lines = _lines(row[WIDE - 1], cols[WIDE]["width"]) if row[WIDE - 1] else 1
        if lines > 1:
            ws.set_row(r, 15 * lines + 4)
        for j, v in enumerate([rank, *row]):
            _put(ws, r, j, v, f.pct if j >= 6 else (f.warn if j == WIDE and v else (f.wrap if j == WIDE else f.text)))
        r += 1
    r += 1
    ws.write_string(r, 0, words["analysis_flags"], f.heading)
    for j, label in zip(FLAG_COLS, common().headers("analysis_flags"), strict=True):
        ws.write_string(r + 1, j, label, f.head)
    r += 2
    start = r
    for u in units_of(coll):  # roster order, analysed again: no unit's findings are kept
        for x in u.flags:
            text = f"【{CATALOG[x.rule].title}】{x.message}"
            for j, v in zip(FLAG_COLS, [u.seq, LEVEL_ZH[x.level], u.name, text], strict=True):
                _put(ws, r, j, v, f.wrap)
            ws.set_row(r, 15 * _lines(text, cols[WIDE]["width"]) + 4)
            r += 1
    if r == start:
        ws.write_string(r, 0, words["analysis_no_flags"], f.text)
        r += 1
    r += 1
    totals_table(wb, ws, r, coll, f)
    ws.freeze_panes(3, 3)
    printable(ws, True, 1)  # three tables: only the title line on every page


TOTALS_COL = WIDE  # the totals table starts in the wide column (the figures' names)


def totals_table(wb: Any, ws: Any, r: int, coll: Collection, f: Formats) -> None:
    """三: every figure's consolidated 上年 and 本年, and a clustered column chart of them."""
    words = common().words
    ws.write_string(r, 0, words["analysis_totals"], f.heading)
    _head(ws, r + 1, "yoy_total", f, first=TOTALS_COL)
    first = r + 2
    prev = last_year_totals(coll)[0] if coll.last_year else {}
    cur = figure_values(coll.spec, coll.totals)
    figs = figures()
    for i, fig in enumerate(figs):
        c = Change(fig, prev.get(fig.id), cur.get(fig.id))
        for j, v in enumerate([fig.label, *_change_cells(c)]):
            _put(ws, first + i, TOTALS_COL + j, v, f.pct if j == 4 else (f.num if j else f.text))
    last = first + len(figs) - 1
    sheet = common().sheets["analysis"]
    chart = wb.add_chart({"type": "column"})
    for col, name in ((TOTALS_COL + 1, words["previous"]), (TOTALS_COL + 2, words["current"])):
        chart.add_series({"name": name, "categories": [sheet, first, TOTALS_COL, last, TOTALS_COL],
                          "values": [sheet, first, col, last, col], "data_labels": {"value": True}})
    chart.set_title({"name": words["chart_title"], "name_font": {"name": "黑体", "size": 12}})
    chart.set_x_axis({"num_font": {"name": "仿宋", "rotation": -45}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 900, "height": 360})
    ws.insert_chart(last + 2, 0, chart)
