"""The 图解 (illustrated summary): an A4 poster and a long image for 新媒体, from a ``Summary``.

One layout, two widths: the poster is A4 wide (595 pt) with four tiles a row, the long image is
phone-shaped (375 pt, drawn at 1,080 px) with two. Sections, top to bottom: the title band (organ,
year, period), 主动公开, 依申请公开 (key figures, applicants, the outcome split as a bar chart),
复议/诉讼 (each split by result), 收费, and for a 本级政府 report the departments with the most
applications. Numbers are set large in the report's own formatting; last year's stand beside them
when given. A zero year is said in words, not drawn as an empty chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..core.findings import fmt_number
from ..format import common
from ..report.template import DRAFT_MARK
from .canvas import Canvas, Color, Drawn, first_page, rasterise
from .figures import Figure, Group, Summary, change, words

RED: Color = (178, 31, 36)
RED_DARK: Color = (128, 18, 22)
GOLD: Color = (232, 178, 74)
INK: Color = (34, 34, 34)
GRAY: Color = (112, 112, 112)
PALE: Color = (250, 244, 238)
RULE: Color = (226, 214, 200)
WHITE: Color = (255, 255, 255)
TRACK: Color = (236, 230, 224)
PALETTE: tuple[Color, ...] = ((178, 31, 36), (226, 96, 79), (240, 160, 48), (74, 125, 181), (94, 160, 140),
                              (150, 150, 150))
CASES: tuple[Color, ...] = ((74, 125, 181), (178, 31, 36), (240, 160, 48), (189, 189, 189))
ORDINALS = "一二三四五六七八九"

POSTER_W, A4_H, POSTER_PX = 595.28, 841.89, 1654  # A4 at 200 dpi: 1654 × 2339 px
LONG_W, LONG_PX = 375.0, 1080


@dataclass
class Poster:
    pdf: bytes  # the poster alone (A4)
    png: bytes
    long_png: bytes
    texts: list[Drawn]  # every text drawn, both pages


def _pct(part: float, whole: float) -> str:
    if not whole:
        return ""
    p = Decimal(str(part)) * 100 / Decimal(str(whole))
    return "<1%" if 0 < p < 1 else f"{p:.0f}%"


class Layout:
    def __init__(self, cv: Canvas, s: Summary, width: float, cols: int):
        self.cv, self.s, self.w, self.cols = cv, s, width, cols
        self.m = 28.0 if cols > 2 else 18.0
        self.gap = 8.0
        self.inner = width - 2 * self.m
        self.w_ = words()
        self.section_no = 0

    # -- pieces --------------------------------------------------------------------------------
    def header(self) -> float:
        cv, s, m = self.cv, self.s, self.m
        title = common().report_title("", "" if s.year is None else s.year)
        big = 26.0 if self.cols > 2 else 19.0
        org_size = cv.fit(s.org, self.inner, 17.0 if self.cols > 2 else 13.0, bold=False)
        title_size = cv.fit(title, self.inner, big, bold=True)
        h = 24 + 20 + 12 + org_size * 1.3 + title_size * 1.25 + 10 + 12 + 22
        cv.rect(0, 0, self.w, h, RED)
        cv.rect(0, h, self.w, 4, GOLD)
        pill = f"{s.poster_title}"
        pw = cv.width(pill, 11, bold=True) + 20
        cv.rect(m, 24, pw, 20, GOLD, radius=10)
        cv.text(m + pw / 2, 27.5, pill, 11, RED_DARK, bold=True, align="center")
        if s.draft:
            dw = cv.width(DRAFT_MARK, 10, bold=True) + 16
            cv.rect(self.w - m - dw, 24, dw, 20, (255, 236, 153), radius=4)
            cv.text(self.w - m - dw / 2, 28.5, DRAFT_MARK, 10, RED_DARK, bold=True, align="center")
        y = 24 + 20 + 12
        cv.text(m, y, s.org, org_size, WHITE)
        y += org_size * 1.3
        cv.text(m, y, title, title_size, WHITE, bold=True)
        y += title_size * 1.25 + 10
        if s.year is not None:
            cv.text(m, y, self.w_["period"].format(year=s.year), 9.5, (250, 222, 214))
        return h + 4 + 20

    def section(self, y: float, title: str) -> float:
        self.section_no += 1
        cv, m = self.cv, self.m
        no = ORDINALS[self.section_no - 1] if self.section_no <= len(ORDINALS) else str(self.section_no)
        cv.rect(m, y, 22, 22, RED, radius=3)
        cv.text(m + 11, y + 4.5, no, 12, WHITE, bold=True, align="center")
        size = self.cv.fit(title, self.inner - 32, 14.5, bold=True)
        cv.text(m + 30, y + (22 - size * 1.05) / 2, title, size, INK, bold=True)
        cv.line(m, y + 29, m + self.inner, y + 29, RULE, 0.8)
        return y + 38

    def tile_height(self) -> float:
        notes = any(f.note for g in self.s.groups.values() for f in g.figures)
        return 58.0 + (12 if notes else 0) + (14 if self.s.last_year is not None else 0)

    def tile(self, x: float, y: float, w: float, f: Figure, strong: bool = False) -> None:
        cv = self.cv
        h = self.tile_height()
        cv.rect(x, y, w, h, RED if strong else PALE, radius=5)
        fg, sub = (WHITE, (255, 228, 222)) if strong else (RED, GRAY)
        unit_size = 10.0
        size = cv.fit(f.number, w - 20 - cv.width(f.unit, unit_size) - 2, 22.0, bold=True, least=11)
        num = cv.text(x + 10, y + 7, f.number, size, fg, bold=True)
        if f.unit:
            cv.text(num.x + num.w + 2, y + 7 + (size - unit_size) * 0.88, f.unit, unit_size, WHITE if strong else INK)
        ly = y + 7 + size * 1.05 + 4
        cv.text(x + 10, ly, cv.clip(f.label, w - 20, 9.5), 9.5, WHITE if strong else INK)
        if f.note:
            cv.text(x + 10, ly + 13, cv.clip(f.note, w - 20, 8.5), 8.5, sub)
        if self.s.last_year is not None:
            last = f"{self.w_['last_year']} {f.last_number or '—'}{f.unit if f.last_number else ''}"
            d = cv.text(x + 10, y + h - 16, cv.clip(last, w - 20, 7.5), 7.5, sub)
            direction, delta, pct = change(f)
            if direction:
                mark = ("▲" if direction > 0 else "▼") + delta
                room = x + w - 10 - (d.x + d.w + 6)
                if cv.width(mark + pct, 7.5) <= room:
                    mark += pct
                if cv.width(mark, 7.5) <= room:
                    up = WHITE if strong else RED if direction > 0 else (74, 125, 181)
                    cv.text(x + w - 10, y + h - 16, mark, 7.5, up, align="right")

    def tiles(self, y: float, figs: tuple[Figure, ...], strong: str = "") -> float:
        cols = min(self.cols, len(figs)) or 1
        w = (self.inner - self.gap * (cols - 1)) / cols
        h = self.tile_height()
        for i, f in enumerate(figs):
            r, c = divmod(i, cols)
            self.tile(self.m + c * (w + self.gap), y + r * (h + self.gap), w, f, strong=f.id == strong)
        rows = (len(figs) + cols - 1) // cols
        return y + rows * (h + self.gap) + 6

    def note(self, y: float, text: str) -> float:
        self.cv.rect(self.m, y, self.inner, 30, PALE, radius=5)
        self.cv.text(self.m + self.inner / 2, y + 9, text, 10.5, GRAY, align="center")
        return y + 40

    def bars(self, y: float, title: str, rows: list[tuple[str, float, str, float | None, str]],
             colors: tuple[Color, ...], label_w: float) -> float:
        """A horizontal bar chart: (label, value, shown value, last year's value, its text) per row."""
        cv = self.cv
        if title:
            cv.text(self.m, y, title, 10.5, INK, bold=True)
            y += 18
        value_w = max(cv.width(r[2], 9) for r in rows) + 6
        x0 = self.m + label_w + 8
        bar_w = self.inner - label_w - 8 - value_w
        top = max([r[1] for r in rows] + [r[3] or 0 for r in rows]) or 1
        with_last = any(r[3] is not None for r in rows)
        row_h = 24.0 if with_last else 18.0
        for i, (label, v, shown, last, last_text) in enumerate(rows):
            ry = y + i * row_h
            ls = cv.fit(label, label_w, 9.5, least=7)
            cv.text(x0 - 8, ry + 1, cv.clip(label, label_w, ls), ls, INK, align="right")
            cv.rect(x0, ry + 2, bar_w, 10, TRACK, radius=2)
            length = bar_w * float(v) / float(top)
            cv.rect(x0, ry + 2, max(length, 1.5 if v else 0), 10, colors[i % len(colors)], radius=2)
            cv.text(x0 + bar_w + 6, ry + 1.5, shown, 9, INK)
            if last is not None:
                cv.rect(x0, ry + 14, max(bar_w * float(last) / float(top), 1 if last else 0), 3.5, (160, 160, 160))
                cv.text(x0 + bar_w + 6, ry + 12.5, last_text, 7, GRAY)
        return y + len(rows) * row_h + 6

    # -- sections --------------------------------------------------------------------------------
    def requests(self, y: float, req: Group, who: Group | None, out: Group | None) -> float:
        y = self.tiles(self.section(y, req.title), req.figures, strong="new_requests")
        handled = out.total if out else 0
        if not req.total and not handled:
            return self.note(y, self.w_["no_requests"])
        if who is not None and who.total:
            y = self.share_bar(y, who, (RED, GOLD))
        if out is not None:
            lw = max(self.cv.width(f.label, 9.5) for f in out.figures)
            rows = [(f.label, float(f.value), f"{f.number}{f.unit}（{_pct(float(f.value), float(handled))}）",
                     None if f.last is None else float(f.last), f"{self.w_['last_year']} {f.last_number}")
                    for f in out.figures]
            y = self.bars(y, out.title, rows, PALETTE, lw)
        return y

    def share_bar(self, y: float, g: Group, colors: tuple[Color, ...]) -> float:
        cv, total = self.cv, float(g.total)
        cv.text(self.m, y, g.title, 10.5, INK, bold=True)
        y += 18
        x = self.m
        for i, f in enumerate(g.figures):
            w = self.inner * float(f.value) / total
            cv.rect(x, y, w, 12, colors[i % len(colors)])
            x += w
        y += 18
        x = self.m
        for i, f in enumerate(g.figures):
            cv.rect(x, y + 2, 8, 8, colors[i % len(colors)])
            d = cv.text(x + 12, y, f"{f.label} {f.number}{f.unit}（{_pct(float(f.value), total)}）", 9, INK)
            x = d.x + d.w + 16
        return y + 22

    def cases(self, y: float, groups: list[Group]) -> float:
        titles = "、".join(g.title for g in groups)
        y = self.section(y, titles + "情况")
        per_row = 2 if self.cols > 2 else 1
        w = (self.inner - self.gap * (per_row - 1)) / per_row
        h = 96.0 + (14 if self.s.last_year is not None else 0)
        for i, g in enumerate(groups):
            r, c = divmod(i, per_row)
            self.case_card(self.m + c * (w + self.gap), y + r * (h + self.gap), w, h, g)
        return y + ((len(groups) + per_row - 1) // per_row) * (h + self.gap) + 6

    def case_card(self, x: float, y: float, w: float, h: float, g: Group) -> None:
        cv = self.cv
        cv.rect(x, y, w, h, PALE, radius=5)
        cv.text(x + 12, y + 10, g.title, 12, INK, bold=True)
        unit = g.figures[0].unit
        total = cv.text(x + w - 12 - cv.width(unit, 10), y + 5, fmt_number(g.total), 20, RED, bold=True, align="right")
        cv.text(total.x + total.w + 2, y + 5 + 10 * 0.88, unit, 10, INK)
        by = y + 36
        if not g.total:
            cv.rect(x + 12, by, w - 24, 12, TRACK, radius=2)
            cv.text(x + w / 2, by + 24, self.w_["no_cases"], 9.5, GRAY, align="center")
        else:
            bx = x + 12
            for i, f in enumerate(g.figures):
                bw = (w - 24) * float(f.value) / float(g.total)
                cv.rect(bx, by, bw, 12, CASES[i % len(CASES)])
                bx += bw
            col_w = (w - 24) / 2
            for i, f in enumerate(g.figures):
                r, c = divmod(i, 2)
                lx, ly = x + 12 + c * col_w, by + 20 + r * 16
                cv.rect(lx, ly + 2, 8, 8, CASES[i % len(CASES)])
                cv.text(lx + 12, ly, cv.clip(f"{f.label} {f.number}", col_w - 16, 9), 9, INK)
        last = g.last_total
        if last is not None:
            cv.text(x + 12, y + h - 16, f"{self.w_['last_year']} {fmt_number(last)}{unit}", 8, GRAY)

    def departments(self, y: float) -> float:
        s, cv = self.s, self.cv
        top = len(s.departments) < s.departments_count
        y = self.section(y, self.w_["departments" if top else "departments_all"].format(n=len(s.departments)))
        lw = min(max(cv.width(n, 9.5) for n, _ in s.departments), self.inner * 0.45)
        rows = [(n, float(v), f"{v}件", None, "") for n, v in s.departments]
        y = self.bars(y, "", rows, (RED,), lw)
        note = self.w_["departments_note"].format(n=s.departments_count, total=s.departments_total)
        cv.text(self.m, y, note, 8.5, GRAY)
        return y + 20

    def footer(self, y: float) -> float:
        cv = self.cv
        cv.line(self.m, y, self.m + self.inner, y, RULE, 0.8)
        source = self.w_["source"].format(title=f"《{self.s.title}》")
        size = cv.fit(source, self.inner, 8.5, least=6)
        cv.text(self.m, y + 8, source, size, GRAY)
        return y + 30

    def draw(self, min_height: float = 0.0) -> None:
        s, g = self.s, self.s.groups
        page = self.cv.new_page(self.w)
        y = self.header()
        shown = [f for k in ("disclosure", "fees") if k in g for f in g[k].figures]
        if shown:
            y = self.tiles(self.section(y, (g.get("disclosure") or g["fees"]).title), tuple(shown))
        if "requests" in g:
            y = self.requests(y, g["requests"], g.get("applicants"), g.get("outcomes"))
        cases = [g[k] for k in ("review", "litigation") if k in g]
        if cases:
            y = self.cases(y, cases)
        if s.departments:
            y = self.departments(y)
        y = max(y, min_height - 30)
        page.height = self.footer(y)


def draw_poster(s: Summary) -> Poster:
    """The poster (PDF, PNG) and the long image (PNG) of one summary."""
    cv = Canvas()
    Layout(cv, s, POSTER_W, 4).draw(min_height=A4_H)
    Layout(cv, s, LONG_W, 2).draw()
    both = cv.render(s.title + s.poster_title, s.org)
    texts = [t for p in cv.pages for t in p.texts]
    return Poster(first_page(both), rasterise(both, 0, POSTER_PX), rasterise(both, 1, LONG_PX), texts)
