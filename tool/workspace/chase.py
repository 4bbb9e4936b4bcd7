"""催报 and 退回: what the office tells the units that are missing, wrong or returned.

A notice per unit as text to copy (WeChat, SMS, e-mail) and as a .docx letter in 公文 style
(the report's own styles: 仿宋 body, 小标宋 title) listing what is missing or wrong, the deadline
and whom to call; all letters in one document for printing. ``return_unit`` records a 退回 with
its reason, which the unit sees on its page until it uploads again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from ..core.errors import UsageError
from ..format import common
from .space import Workspace
from .status import UnitState, states

CHASED = ("missing", "unreadable", "failed", "returned")
MAX_LISTED = 8  # problems listed in a notice; the rest are counted
MAX_REASON = 1000


@dataclass
class Notice:
    state: UnitState
    subject: str
    lines: list[str]  # the paragraphs of the notice
    problems: list[tuple[str, str, str]]  # (sheet, cell, message) of the latest upload's errors

    @property
    def text(self) -> str:
        return "\n".join([self.subject, *self.lines])


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def notice(ws: Workspace, s: UnitState) -> Notice:
    settings = ws.settings()
    deadline = _zh_date(date.fromisoformat(settings["deadline"]))
    title = f"{ws.year}年度政府信息公开工作年度报告"
    who = f"{s.unit.name}" + (f"（{s.unit.contact}同志）" if s.unit.contact else "")
    problems: list[tuple[str, str, str]] = []
    if s.status == "missing":
        what = f"截至目前，贵单位尚未提交{title}填报表。"
    elif s.status == "returned":
        reason = (s.returned or {}).get("reason", "")
        what = f"贵单位于{s.last.shown_at if s.last else ''}提交的填报表已退回，原因：{reason}。"
    else:
        assert s.last is not None
        errors = [f for f in s.last.result["findings"] if f["level"] == "error"]
        problems = [(f["sheet"] or common().words["whole_file"], f["cell"], f["message"]) for f in errors]
        what = (f"贵单位于{s.last.shown_at}提交的填报表“{s.last.file}”{s.last.label}，"
                f"共 {len(errors)} 处错误，需改正后重新提交。")
    how = ("在网页上拖入填好的填报表，立即显示校验结果" if s.status == "missing"
           else "改正后在网页上重新上传即可，立即显示校验结果")
    lines = [f"{who}：", f"{what}请于{deadline}前通过本单位的报送链接提交（{how}）。"]
    for _sheet, _cell, message in problems[:MAX_LISTED]:
        lines.append(f"· {message}")
    if len(problems) > MAX_LISTED:
        lines.append(f"· 另有 {len(problems) - MAX_LISTED} 处，见网页上的校验结果。")
    contact = "".join(x for x in (settings["contact"], f"（电话 {settings['phone']}）" if settings["phone"] else ""))
    if contact:
        lines.append(f"如有疑问，请联系{ws.org} {contact}。")
    return Notice(s, f"关于报送{title}的提醒", lines, problems)


def notices(ws: Workspace, seq: str | None = None) -> list[Notice]:
    return [notice(ws, s) for s in states(ws, seq) if s.status in CHASED]


def letters(ws: Workspace, seq: str | None = None) -> bytes:
    """The notices as one .docx (a page per unit), in the report's 公文 styles."""
    import docx
    from docx.enum.text import WD_BREAK

    from ..report.styles import STYLE, page_setup, styles

    found = notices(ws, seq)
    if not found:
        raise UsageError("没有需要催报的单位")
    doc = docx.Document()
    styles(doc)
    page_setup(doc)
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    today = _zh_date(date.today())
    for i, n in enumerate(found):
        head_line, _, rest_line = n.subject.partition("年度")  # two title lines, broken after the year
        title = doc.add_paragraph(style=_style(doc, STYLE.title))
        title.add_run(head_line + "年度").add_break()
        title.add_run(rest_line)
        doc.add_paragraph("")
        head, *rest = n.lines
        p = doc.add_paragraph(head)
        p.paragraph_format.first_line_indent = 0
        for line in rest:
            doc.add_paragraph(line)
        doc.add_paragraph("")
        doc.add_paragraph(ws.org, style=_style(doc, STYLE.sign))
        last = doc.add_paragraph(today, style=_style(doc, STYLE.sign))
        if i < len(found) - 1:
            last.add_run().add_break(WD_BREAK.PAGE)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _style(doc, style_id: str) -> str:  # type: ignore[no-untyped-def]
    """python-docx looks styles up by name; ours are known by id."""
    return next(s.name for s in doc.styles if s.style_id == style_id)


def return_unit(ws: Workspace, seq: str, reason: str) -> None:
    """退回 the unit's latest upload with a reason (shown on the unit's page until it uploads again)."""
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("请填写退回原因，单位会在自己的页面上看到它")
    if len(reason) > MAX_REASON:
        raise UsageError(f"退回原因太长（{len(reason)} 字），请不超过 {MAX_REASON} 字")
    s = states(ws, seq)
    if not s or s[0].last is None:
        raise UsageError("该单位还没有提交，无法退回")
    with ws.ledger.write() as con:
        ws.ledger.add_event(con, seq, "returned", s[0].last.id, reason=reason)


def save_settings(ws: Workspace, deadline: str, contact: str, phone: str) -> None:
    from ..read.values import parse_date

    iso = parse_date(deadline.strip())
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        raise UsageError(f"截止日期“{deadline}”无法识别，请按 2025-01-15 的样式填写") from None
    if not ws.year < day.year <= ws.year + 1:
        raise UsageError(f"截止日期应在 {ws.year + 1} 年内（{ws.year} 年度报告的报送期）")
    with ws.ledger.write() as con:
        ws.ledger.set_meta(con, deadline=day.isoformat(), contact=" ".join(contact.split())[:50],
                           phone=" ".join(phone.split())[:50])
        ws.ledger.add_event(con, None, "settings", deadline=day.isoformat())
