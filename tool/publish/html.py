"""The report as a web page and as a fragment for a CMS, from the docx's own context.

One source: the text and the formatted values are ``report.context.build_context``'s (what the
docx prints), the tables are the format data's grids (the official merged headers become
``rowspan``/``colspan``). Everything the user wrote is escaped. Nothing is loaded from
elsewhere: no scripts, no web fonts, no images.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from ..format import Cell, Spec, Table
from ..report.context import Para
from ..report.styles import WIDE_TABLE_COLS
from ..report.template import DRAFT_MARK, column_widths
from .styles import Styler, stylesheet


def value_of(v: Any, key: str) -> str:
    """``v.art20_1.rules.issued`` of the context, by its dotted key."""
    node = v
    for part in key.split("."):
        node = node[part]
    return str(node)


def _para(p: Para, s: Styler) -> str:
    head = f'<span {s.at("runin")}>{escape(p.head)}</span>' if p.head else ""
    return f'<p {s.at("p")}>{head}{escape(p.body)}</p>'


def _cell(c: Cell, v: Any, s: Styler) -> str:
    span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
    if c.kind == "value":
        return f'<td {s.at("num")}{span}>{escape(value_of(v, c.field))}</td>'
    text = escape(c.text)
    if c.kind == "caption":
        return f'<th scope="rowgroup" {s.at("group")}{span}>{text}</th>'
    if c.kind == "col_header":
        return f'<th scope="col" {s.at("th")}{span}>{text}</th>'
    if c.kind == "row_header":
        return f'<th scope="row" {s.at("rowhead")}{span}>{text}</th>'
    return f'<td {s.at("note")}{span}>{text}</td>'  # corner_note


def table_html(table: Table, title: str, v: Any, s: Styler) -> str:
    """A real ``<table>``: header rows in ``<thead>``, a ``<tbody>`` per in-table caption row."""
    rows: dict[int, list[Cell]] = {}
    for c in table.cells:
        rows.setdefault(c.r, []).append(c)
    wide = table.n_cols >= WIDE_TABLE_COLS
    out = [f'<table {s.at("table", "wide" if wide else "")}>', f'<caption {s.at("caption")}>{escape(title)}</caption>']
    widths = column_widths(table, 10000)
    out.append("<colgroup>" + "".join(f'<col style="width:{w / 100:.1f}%">' for w in widths) + "</colgroup>")
    body_open = False
    if table.header_rows:
        out.append("<thead>")
    for r in range(1, table.n_rows + 1):
        cells = sorted(rows.get(r, []), key=lambda c: c.c)
        if r == table.header_rows + 1:
            if table.header_rows:
                out.append("</thead>")
        if r > table.header_rows and (not body_open or any(c.kind == "caption" for c in cells)):
            if body_open:
                out.append("</tbody>")
            out.append("<tbody>")
            body_open = True
        out.append("<tr>" + "".join(_cell(c, v, s) for c in cells) + "</tr>")
    if body_open:
        out.append("</tbody>")
    out.append("</table>")
    return f'<div {s.at("scroll")}>' + "\n".join(out) + "</div>"


def body(ctx: dict[str, Any], spec: Spec, s: Styler) -> str:
    """The report itself (title to signature), the same paragraphs and tables as the docx."""
    out = [f'<article {s.at("report")} lang="zh-CN">']
    if ctx["draft"]:
        out.append(f'<p {s.at("draft")} role="note">{escape(DRAFT_MARK)}</p>')
    out.append(f'<h1 {s.at("title")}>' + "<br>".join(escape(t) for t in ctx["title_lines"]) + "</h1>")
    out += [_para(p, s) for p in ctx["preface"]]
    for sec in spec.sections:
        sid = f"nb-{sec.key}"
        out.append(f'<section aria-labelledby="{sid}">')
        out.append(f'<h2 id="{sid}" {s.at("h2")}>{escape(sec.title)}</h2>')
        if sec.kind == "table":
            out.append(table_html(spec.tables[sec.table], sec.title, ctx["v"], s))
        else:
            out += [_para(p, s) for p in ctx["text"][sec.key]]
        out.append("</section>")
    out.append(f'<p {s.at("sign")}>{escape(ctx["org"])}</p>')
    out.append(f'<p {s.at("sign")}>{escape(ctx["sign_date"])}</p>')
    out.append("</article>")
    return "\n".join(out)


def fragment(ctx: dict[str, Any], spec: Spec) -> str:
    """The body only, every style inline, no scripts: for pasting into a CMS's source view."""
    return body(ctx, spec, Styler(inline=True)) + "\n"


def page(ctx: dict[str, Any], spec: Spec, *, files: list[tuple[str, str]] = (), generator: str = "nianbao",
         files_title: str = "") -> str:
    """A standalone page: the report, print CSS for A4, and links to the package's other files."""
    title = "".join(ctx["title_lines"])
    links = ""
    if files:
        items = "".join(f'<li><a href="{escape(quote(name))}">{escape(label)}</a></li>' for label, name in files)
        links = (f'<nav {Styler(False).at("files")} aria-label="{escape(files_title)}">'
                 f"<strong>{escape(files_title)}</strong><ul>{items}</ul></nav>")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"{escape(generator)}\">\n"
        f"<title>{escape(title)}</title>\n<style>\n{stylesheet()}\n</style>\n</head>\n<body>\n"
        f"{body(ctx, spec, Styler(inline=False))}\n{links}\n</body>\n</html>\n")
