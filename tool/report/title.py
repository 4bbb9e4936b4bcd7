"""Where a report title breaks into lines (GB/T 9704 7.2.2: 2号小标宋, centred; a title of several
lines breaks where the words stay whole, in a balanced shape).

A title that fits one line stays one line. The default title breaks between the organ and the
year ("示例市人民政府" / "2024年政府信息公开工作年度报告"); an organ name too long for a line breaks
after one of its parts (…人民政府, …委员会, …市, …区, a closing bracket), the most balanced such
point, never inside a word such as 市场. A title with its own line breaks (typed with Alt+Enter
in the workbook) is kept as typed. Pure functions; widths in character cells of the title size.
"""

from __future__ import annotations

import math
import unicodedata

from .styles import TEXT_W_MM, TITLE_PT

LINE_CHARS = math.floor(TEXT_W_MM / 25.4 * 72 / TITLE_PT)  # 156 mm at 22 pt: 20 characters
# an organ name may break after these parts (longest first), unless the next character continues a word
BREAK_AFTER = ("人民政府", "管理委员会", "委员会", "办公厅", "办公室", "自治区", "自治州", "自治县", "）", ")",
               "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡", "街道")
WORD_GOES_ON = {"市": "场政", "区": "域", "县": "域", "州": "", "省": "级", "镇": "", "乡": "村"}


def width(text: str) -> float:
    """Display width: CJK and full-width characters 1, Latin letters and digits ½."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def title_lines(title: str, org: str = "", year: str = "", limit: float = LINE_CHARS) -> list[str]:
    """The lines of a report title, as the document sets them."""
    typed = [t.strip() for t in title.split("\n") if t.strip()]
    if len(typed) != 1 or width(typed[0]) <= limit:
        return typed
    text = typed[0]
    head, rest = _split_head(text, org, year)
    if not head:
        return _balanced(text, limit)
    return [*(_org_lines(head, limit) if width(head) > limit else [head]), *_balanced(rest, limit)]


def _split_head(text: str, org: str, year: str) -> tuple[str, str]:
    """(organ part, the rest): after the organ when the title starts with it, else before the year."""
    if org and text.startswith(org) and len(text) > len(org):
        return org, text[len(org):]
    at = text.find(f"{year}年") if year else -1
    if at > 0:
        return text[:at], text[at:]
    return "", text


def _org_lines(org: str, limit: float) -> list[str]:
    """An organ name longer than a line, broken after its most balanced part boundary that fits."""
    cuts = [i for i in range(1, len(org)) if _may_break(org, i)]
    fitting = [i for i in cuts if width(org[:i]) <= limit and width(org[i:]) <= limit]
    if fitting:
        best = min(fitting, key=lambda i: abs(width(org[:i]) - width(org[i:])))
        return [org[:best], org[best:]]
    return _balanced(org, limit)


def _may_break(text: str, i: int) -> bool:
    before, after = text[:i], text[i]
    for part in BREAK_AFTER:
        if before.endswith(part):
            return after not in WORD_GOES_ON.get(part, "")
    return False


def _balanced(text: str, limit: float) -> list[str]:
    """Text without known part boundaries: equal lines, each within ``limit``."""
    if width(text) <= limit:
        return [text]
    n = math.ceil(width(text) / limit)
    lines, line = [], ""
    target = width(text) / n
    for ch in text:
        if line and width(line + ch) > target + 0.5 and len(lines) < n - 1:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line]
