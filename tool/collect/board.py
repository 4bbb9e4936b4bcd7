"""What the office head reads: the title line of every 汇总表 sheet and its print setup, times as
people write them, the deadline and the one-page 进度 sheet. ``output`` and ``office`` use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from ..core.errors import UsageError
from ..core.text import name_list
from ..format import common
from .decide import Collection

TIME_FORMAT = "%Y-%m-%d %H:%M"
LISTED = 40  # unit names on the one-page 进度 sheet; the rest are counted (all are on 催报)


def local_time(ts: float) -> str:
    """A file time as 2025-01-20 09:30 (local), '' when unknown."""
    return datetime.fromtimestamp(ts).strftime(TIME_FORMAT) if ts else ""


def local_iso(text: str) -> str:
    """A workbook's own saved time (ISO, usually UTC with Z) as 2025-01-20 09:30 local; other text as is."""
    if not text:
        return ""
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return text
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)  # core.xml times are W3CDTF, UTC by convention
    return t.astimezone().strftime(TIME_FORMAT)


def parse_deadline(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"报送期限“{text}”不是日期，请按 2025-01-15 的样式填写") from None


def deadline_of(coll: Collection) -> date | None:
    """The office's deadline (``--deadline``), else the departments' statutory one (次年1月31日)."""
    given = parse_deadline(coll.deadline)
    if given or coll.year is None:
        return given
    month, day = common()["deadlines"]["department"]
    return date(coll.year + 1, month, day)


def title(coll: Collection, now: datetime) -> str:
    """<本级单位>　<年度>年度政府信息公开工作年度报告汇总表　截至 2025-01-20 09:30"""
    shared = common()
    year = f"{coll.year}年度" if coll.year else ""
    return f"{coll.org}　{year}{shared.words['status_book_title']}　截至 {now.strftime(TIME_FORMAT)}"


def days_left(deadline: date, today: date) -> str:
    n = (deadline - today).days
    return f"还有 {n} 天" if n > 0 else ("今天截止" if n == 0 else f"已过期 {-n} 天")


@dataclass(frozen=True)
class Formats:
    title: Any
    head: Any
    text: Any
    number: Any
    bad: Any
    good: Any


def progress_sheet(wb: Any, coll: Collection, now: datetime, f: Formats) -> None:
    """进度: one portrait page: counts by status, who is missing or wrong, the deadline and days left."""
    shared = common()
    ws = wb.add_worksheet(shared.sheets["progress"])
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 56)
    row = 0

    def line(text: str, fmt: Any, height: float = 22) -> None:
        nonlocal row
        ws.merge_range(row, 0, row, 2, text, fmt)
        ws.set_row(row, height)
        row += 1

    line(title(coll, now), f.title, 36)
    deadline = deadline_of(coll)
    if deadline:
        source = "" if coll.deadline else "（部门年度报告的法定公布期限）"
        line(f"报送期限：{deadline.isoformat()}{source}，{days_left(deadline, now.date())}", f.text)
    row += 1
    ws.write_row(row, 0, ["状态", "单位数", "单位"], f.head)
    row += 1
    for key in ("passed", "warned", "failed", "missing"):
        names = [s.unit.name for s in coll.units if s.status == key]
        shown = name_list(names, LISTED) if key in ("failed", "missing") else ""
        ws.write_string(row, 0, shared.statuses[key], f.good if key in ("passed", "warned") else f.bad)
        ws.write_number(row, 1, len(names), f.number)
        ws.write_string(row, 2, shown, f.text)
        ws.set_row(row, max(22, 16 * (1 + len(shown) // 28)))
        row += 1
    ws.write_string(row, 0, "合计", f.head)
    ws.write_number(row, 1, len(coll.units), f.number)
    ws.write_string(row, 2, "", f.text)
    row += 2
    extra = [(shared.sheets["unknown"], len(coll.unknown)),
             (shared.sheets["duplicates"], sum(len(s.duplicates) for s in coll.units)),
             (shared.sheets["skipped"], len(coll.skipped))]
    for sheet, n in extra:
        if n:
            line(f"{sheet}：{n} 个（见“{sheet}”表）", f.text)
    line(f"未提交和有错误单位的联系方式、主要问题见“{shared.sheets['chase']}”表。", f.text)
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    ws.hide_gridlines(2)


def title_row(ws: Any, text: str, ncols: int, fmt: Any) -> None:
    if ncols > 1:
        ws.merge_range(0, 0, 0, ncols - 1, text, fmt)
    else:
        ws.write_string(0, 0, text, fmt)
    ws.set_row(0, 28)


def printable(ws: Any, landscape: bool, repeat: int, wide: bool = False) -> None:
    """A4, one page wide, the title and header rows on every page, page numbers.

    ``wide``: a sheet of one column per field (数据, 明细: 200 columns) cannot fit one page wide
    even at the 10 % minimum scale: it prints across pages, with its first columns repeated.
    """
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    if wide:
        ws.repeat_columns(0, len(common().columns("figures")) - 1)
        ws.print_across()
        ws.set_print_scale(60)
    else:
        ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(0, repeat - 1)
    ws.set_footer("&C第 &P 页，共 &N 页")
