"""Reading narrative text: where each paragraph is, its sentences and clauses, and the numbers in it.

Shared by the claim checks, the readiness checks and (later) similarity checks: a text is split
into ``Para`` (section, paragraph number, sheet and cell), sentences and clauses by their spans,
and ``numbers`` finds the quantities written with a unit (230件, 三件, １２．５万元, 1,234条, 40%).
Numbers that are not quantities (years, dates, 第二十条, 〔2021〕30号, phone numbers, URLs, （一）,
一是) are masked first, so they can never be read as claims. Positions are kept: normalising and
masking replace a character by one character, so a span in the masked text is a span in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from ..format import Spec
from ..format.interchange import ReportData
from ..format.textdata import text_data

MASK = "#"
CLAUSE_SEPS = "，,；;：:、"
SENTENCE_ENDS = "。！？!?\n"
_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_WIDE = re.compile("[０-９％．]")
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?\n]|$)")
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"

# Every repetition is bounded, so no pattern can go quadratic on a hostile run of digits or letters.
_NOT_QUANTITY = [
    r"https?://[^\s，。；、）)”\"]{1,300}", r"www\.[^\s，。；、）)”\"]{1,300}",
    r"[A-Za-z0-9_.-]{1,80}\.(?:gov|com|org|net|edu|cn)(?:\.cn)?(?:/[^\s，。；、）)”\"]{0,300})?",
    r"[A-Za-z0-9_.+-]{1,64}@[A-Za-z0-9_.-]{1,100}",
    r"[〔\[［(（]\s{0,3}\d{4}\s{0,3}[〕\]］)）]\s{0,3}\d{1,12}\s{0,3}号", r"\d{1,12}\s{0,3}号",
    r"(?:电话|热线|传真|邮编|邮政编码|手机)[：:]?\s{0,3}[\d\-—\s]{1,40}", r"\d{3,4}-\d{7,8}(?:-\d{1,6})?",
    r"1[3-9]\d{9}",
    r"\d{4}\s{0,3}[-/.]\s{0,3}\d{1,2}\s{0,3}[-/.]\s{0,3}\d{1,2}", r"\d{4}\s{0,3}年度?",
    r"[〇零一二三四五六七八九]{4}\s{0,3}年度?",
    r"\d{1,2}\s{0,3}月\s{0,3}(?:\d{1,2}\s{0,3}日)?", r"[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}日)?",
    r"\d{1,2}\s{0,3}日", r"\d{1,2}\s{0,3}[:：]\s{0,3}\d{2}", r"\d{1,2}\s{0,3}时",
    rf"第\s{{0,3}}[\d{_CN_DIGITS}]{{1,12}}", r"[（(]\s{0,3}[一二三四五六七八九十\d]{1,6}\s{0,3}[）)]",
    r"[一二三四五六七八九十]{1,4}是", r"其[一二三四五六七八九十]", r"^\s{0,8}\d{1,4}\s{0,3}[.、．]",
]


@cache
def _masks() -> re.Pattern[str]:
    idioms = text_data().get("numeral_idioms", [])
    words = [re.escape(w) for w in sorted(idioms, key=len, reverse=True)]
    # a position is tried only when its character can start a pattern (re tries every branch otherwise)
    first = set("0123456789〔[［(（第其电热传邮手 \t") | set(_CN_DIGITS) | {w[0] for w in idioms}
    lead = "".join(sorted(re.escape(c) for c in first)) + "A-Za-z"
    return re.compile(f"(?=[{lead}])(?:" + "|".join(_NOT_QUANTITY + words) + ")", re.M)


@cache
def _number_re() -> re.Pattern[str]:
    units = text_data()["units"]
    unit = "|".join(re.escape(u) for u in sorted(units["count"] + units["money"] + ["%"], key=len, reverse=True))
    no_after = "|".join(re.escape(w) for w in units["not_after_count"])
    return re.compile(  # the lookahead first: a position that cannot start a number costs one test
        rf"(?=[\d{_CN_DIGITS}])(?P<num>\d{{1,3}}(?:,\d{{3}}){{1,4}}(?:\.\d{{1,6}})?|\d{{1,12}}(?:\.\d{{1,6}})?|[{_CN_DIGITS}]{{1,12}})"
        rf"\s{{0,3}}(?P<approx>余|多)?\s{{0,3}}"
        rf"(?P<unit>{unit})(?!{no_after})")


def normalise(text: str) -> str:
    """Full-width digits, ％ and ． as ASCII; one character for one, so spans stay valid."""
    return text.translate(_WIDTH) if _WIDE.search(text) else text


def masked(text: str) -> str:
    """``text`` (normalised) with every number that is not a quantity replaced by ``MASK``."""
    return _masks().sub(lambda m: MASK * len(m.group(0)), text)


@dataclass(frozen=True)
class Number:
    start: int
    end: int  # after the unit
    value: Decimal
    unit: str
    text: str  # as written, with the unit
    decimals: int  # digits after the point as written
    approx: bool  # 100余件, 二三件

    @property
    def money(self) -> bool:
        return self.unit in ("万元", "元")


@lru_cache(maxsize=4096)
def chinese_value(s: str) -> Decimal | None:
    """三 → 3, 十二 → 12, 两 → 2 (cn2an, imported on first use: it costs ~0.3 s to import)."""
    import cn2an

    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return Decimal(str(v))


def numbers(text: str, mask: str | None = None) -> list[Number]:
    """The quantities (number + unit) in a normalised text; ``mask``: its masked form if at hand."""
    mask = masked(text) if mask is None else mask
    out = []
    for m in _number_re().finditer(mask):
        raw = m["num"]
        start = m.start()
        before = mask[start - 1] if start else ""
        if before and (before.isdigit() or before in ".-" or (before.isascii() and before.isalpha())
                       or (before == "," and start > 1 and mask[start - 2].isdigit())):
            continue
        approx = bool(m["approx"])
        if raw[0] in _CN_DIGITS:
            if len(raw) > 1 and not any(c in "十百千万" for c in raw):
                approx = True  # 二三件: "two or three"
            value = chinese_value(raw)
            decimals = 0
        else:
            try:
                value = Decimal(raw.replace(",", ""))
            except InvalidOperation:
                value = None
            decimals = len(raw.split(".")[1]) if "." in raw else 0
        if value is None:
            continue
        out.append(Number(start, m.end(), value, m["unit"], text[start:m.end()], decimals, approx))
    return out


# -- where text is ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Para:
    """One paragraph of the report's text and where a department finds it."""

    section: str  # preface | a text section key
    title: str  # 前言 | 一、总体情况 …
    index: int  # 1-based among the section's paragraphs
    sheet: str
    cell: str
    text: str

    @property
    def where(self) -> str:
        """文字部分 B12（一、总体情况 第3段）"""
        return f"{self.sheet} {self.cell}（{self.title} 第{self.index}段）"


TextRows = dict[str, tuple[tuple[int, str], ...]]  # section key → (sheet row, text) of each filled row


def paragraphs(data: ReportData, spec: Spec, rows: TextRows | None = None) -> list[Para]:
    """The preface (基本信息) and every text section, one ``Para`` per paragraph, in report order.

    ``rows``: the rows the reader found filled (a paragraph's real cell); without them a section's
    paragraphs are placed as the workbook writer places them, one per row from its first row.
    """
    from ..format.layout import a1

    lay = spec.layout
    info = spec.common.sheets["info"]
    out: list[Para] = []
    pre = lay.info["preface"]
    preface = data.text.get("preface", "")
    for i, t in enumerate(p for p in preface.split("\n") if p.strip()):
        out.append(Para("preface", spec.common.info_label("preface"), i + 1, info, pre.cell, t))
    for s in spec.text_sections:
        p = lay.text[s.key]
        given = (rows or {}).get(s.key)
        if given is None:
            given = tuple((p.row + i, t) for i, t in enumerate(data.text.get(s.key, "").split("\n")))
        n = 0
        for row, cell_text in given:
            for t in cell_text.split("\n"):
                if t.strip():
                    n += 1
                    out.append(Para(s.key, s.title, n, p.sheet, a1(row, p.col), t))
    return out


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Spans of sentences (ending at 。！？ or a line break)."""
    for m in _SENTENCE.finditer(text):
        if m.end() > m.start() and text[m.start():m.end()].strip():
            yield m.start(), m.end()


_SEPS = re.compile("[" + re.escape(CLAUSE_SEPS + SENTENCE_ENDS) + "]")


@lru_cache(maxsize=256)
def _separators(text: str) -> list[int]:
    return [m.start() for m in _SEPS.finditer(text)]


def clause_start(text: str, pos: int, lo: int = 0) -> int:
    """Where the clause holding ``pos`` begins (after the previous separator, not before ``lo``)."""
    seps = _separators(text)
    i = bisect_left(seps, pos)
    return max(seps[i - 1] + 1 if i else 0, lo)


def quote(text: str, start: int, end: int, limit: int = 40) -> str:
    """The clause up to ``end``, as written (at most ``limit`` characters, cut at the front)."""
    s = clause_start(text, start)
    return text[max(s, end - limit):end].strip()
