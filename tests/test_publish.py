"""nianbao publish: the web page says what the docx says, the data equals export, the 图解's
numbers are the workbook's, the package is safe with hostile names, the 历年 index links work."""

from __future__ import annotations

import io
import json
import random
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from tool.check import check_files
from tool.check.export import export_data, to_csv_text, to_json_text
from tool.cli import cli
from tool.demo import synth
from tool.demo.run import sample
from tool.format import for_year
from tool.publish.canvas import pdf_text
from tool.publish.figures import figures_of, summarize
from tool.publish.make import publish_file
from tool.publish.poster import draw_poster
from tool.report.render import Renderer
from tool.workbook import build_workbook

# -- reading a page back -------------------------------------------------------------------------


class Blocks(HTMLParser):
    """The page as the docx has it: paragraphs (a <br> in the title splits it) and table grids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.scripts = 0
        self._text: list[str] | None = None
        self._skip = 0
        self._rows: list[list[tuple[str, int, int]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("caption", "nav", "style", "title"):
            self._skip += 1
        elif tag in ("h1", "h2", "p") and not self._skip and self._cell is None:
            self._text = []
        elif tag == "br" and self._text is not None and self._cell is None:
            self.paras.append("".join(self._text))
            self._text = []
        elif tag == "table":
            self._rows = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._span = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("caption", "nav", "style", "title"):
            self._skip -= 1
        elif tag in ("h1", "h2", "p") and self._text is not None and self._cell is None:
            self.paras.append("".join(self._text))
            self._text = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(("".join(self._cell), *self._span))
            self._cell = None
        elif tag == "table":
            self.tables.append(_grid(self._rows))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)


def _grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Expand rowspan/colspan into a full grid (as python-docx repeats a merged cell)."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
    n_rows = max(r for r, _ in grid) + 1
    n_cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "∅") for c in range(n_cols)] for r in range(n_rows)]


def read_html(text: str) -> Blocks:
    b = Blocks()
    b.feed(text)
    return b


def read_docx(blob: bytes) -> tuple[list[str], list[list[list[str]]]]:
    d = docx.Document(io.BytesIO(blob))
    paras = [p.text for p in d.paragraphs if p.text.strip()]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return paras, tables


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The reference report (忻州市信访局 2019) as the demo writes it into a workbook."""
    d = tmp_path_factory.mktemp("ref")
    data = sample()
    path = d / f"{data.org}{data.year}年填报表（示例）.xlsx"
    path.write_bytes(build_workbook(data))
    return path


@pytest.fixture(scope="module")
def package(reference, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("pkg") / "发布"
    pub = publish_file(str(reference), output=str(out), pdf=False)
    assert not pub.refused, pub.result
    return pub


# -- the page ----------------------------------------------------------------------------------


def test_page_and_fragment_say_what_the_docx_says(reference, package):
    ((sub, _),) = check_files([reference])
    paras, tables = read_docx(Renderer(None, sub.data.format).render(sub.data))
    for kind in ("html", "fragment"):
        page = read_html(package.files[kind].read_text("utf-8"))
        assert page.paras == paras, kind
        assert page.tables == tables, kind
        assert page.scripts == 0
    assert "161804.8元" in package.files["html"].read_text("utf-8")  # the amount as the report prints it


def test_tables_have_the_official_merges_and_header_scopes(package):
    html = package.files["html"].read_text("utf-8")
    assert html.count("<table") == 3 and html.count("<caption") == 3
    assert 'rowspan="20" class="nb-rowhead"' not in html  # scope comes first, then the style
    assert '<th scope="row" class="nb-rowhead" rowspan="20">三、本年度办理结果</th>' in html
    assert '<th scope="col" class="nb-th" colspan="5">法人或其他组织</th>' in html
    assert "@page" in html and "size: A4" in html
    for needle in ("http://", "https://", "<script", "<img", "<link", "@import", "url("):
        assert needle not in html.replace(package.data.info.get("url", ""), ""), needle


def test_fragment_is_inline_styled_body_only(package):
    frag = package.files["fragment"].read_text("utf-8")
    assert frag.startswith("<article") and "<html" not in frag and "<style" not in frag
    assert "class=" not in frag and 'style="' in frag


def test_page_links_the_other_files_of_the_package(package):
    html = package.files["html"].read_text("utf-8")
    for kind in ("docx", "csv", "json", "poster_png", "poster_pdf", "long_png", "fragment"):
        assert package.files[kind].name in json.loads(package.files["manifest"].read_text("utf-8"))["files"].values()
    from urllib.parse import quote

    assert f'href="{quote(package.files["poster_png"].name)}"' in html


# -- the data -----------------------------------------------------------------------------------


def test_csv_and_json_equal_export(reference, package):
    data = export_data(reference)
    assert package.files["csv"].read_bytes() == b"\xef\xbb\xbf" + to_csv_text(data).encode("utf-8")
    assert package.files["json"].read_text("utf-8") == to_json_text(data)
    res = CliRunner().invoke(cli, ["export", str(reference)])
    assert res.exit_code == 0 and json.loads(res.output) == json.loads(package.files["json"].read_text("utf-8"))


# -- the 图解 -------------------------------------------------------------------------------------


def _expected(data, spec):  # type: ignore[no-untyped-def]
    """Every figure's number computed here from the workbook's values and the figures block."""
    values = data.all_values()
    out = {}
    for gkey, (_t, defs) in figures_of(spec).groups.items():
        for d in defs:
            total = sum((Decimal(str(values[k])) for k in d.keys), Decimal(0))
            out[(gkey, d.id)] = format(total.normalize(), "f") if total else "0"
    return out


def test_poster_numbers_are_the_workbooks(reference, package):
    ((sub, _),) = check_files([reference])
    expected = _expected(sub.data, sub.data.spec)
    s = summarize(sub.data)
    shown = {(g.key, f.id): f.number for g in s.groups.values() for f in g.figures}
    assert shown == expected
    assert shown[("fees", "procurement_amount")] == "161804.8" and shown[("fees", "procurement_items")] == "11"
    text = pdf_text(package.files["poster_pdf"].read_bytes()).replace("\r", "")
    for number in set(expected.values()):
        assert number in text
    assert sub.data.org in text and "2019年政府信息公开工作年度报告" in text
    assert "本年度未收到政府信息公开申请" in text  # the reference year had no applications


def test_poster_png_sizes(package):
    from PIL import Image

    with Image.open(package.files["poster_png"]) as poster, Image.open(package.files["long_png"]) as long:
        assert max(poster.size) >= 1600 and poster.size[0] == 1654 and poster.size[1] >= 2339
        assert long.size[0] == 1080 and long.size[1] > long.size[0] * 2


def _busy_data(seed: int, year: int = 2024, org: str = "示例市财政局"):  # type: ignore[no-untyped-def]
    spec = for_year(year)
    return synth.synthetic(spec, org, year, random.Random(seed))


def test_poster_with_last_year_and_departments_never_overlaps():
    data, last = _busy_data(3), _busy_data(4, 2023)
    deps = [(f"示例市第{i}个很长名称的委员会办公室", 100 - i) for i in range(14)]
    s = summarize(data, last=last, departments=deps)
    p = draw_poster(s)
    texts = p.texts
    assert not [(a.text, b.text) for i, a in enumerate(texts) for b in texts[i + 1:] if a.overlaps(b)]
    pdf = pdf_text(p.pdf)
    new = s.groups["requests"].get("new_requests")
    assert new is not None and new.last is not None
    assert f"上年 {new.last_number}件" in pdf and f"{new.number}件" in "".join(t.text for t in texts)
    assert "各部门收到申请数（前10位）" in pdf and "共14个部门" in pdf


def test_hostile_org_is_escaped_and_kept_inside_the_folder(tmp_path):
    data = _busy_data(5, org='<script>alert(1)</script>../=HYPERLINK("x")')
    wb = tmp_path / "in.xlsx"
    wb.write_bytes(build_workbook(data))
    out = tmp_path / "out"
    pub = publish_file(str(wb), output=str(out), pdf=False)
    assert not pub.refused
    assert all(p.parent == out for p in pub.files.values())
    html = pub.files["html"].read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_failing_workbook_is_refused_unless_forced(tmp_path):
    spec = for_year(2024)
    data = _busy_data(6)
    synth.unbalance(spec, data)
    wb = tmp_path / "bad.xlsx"
    wb.write_bytes(build_workbook(data))
    res = CliRunner().invoke(cli, ["publish", str(wb), "-o", str(tmp_path / "no"), "--no-pdf"])
    assert res.exit_code == 1 and not (tmp_path / "no").exists()
    res = CliRunner().invoke(cli, ["publish", str(wb), "-o", str(tmp_path / "draft"), "--no-pdf", "--force"])
    assert res.exit_code == 0, res.output
    page = next((tmp_path / "draft").glob("*年度报告.html")).read_text("utf-8")
    assert "草稿（未通过校验）" in page
    poster = next((tmp_path / "draft").glob("*_图解.pdf")).read_bytes()
    assert "草稿（未通过校验）" in pdf_text(poster)
    assert json.loads((tmp_path / "draft" / "发布清单.json").read_text("utf-8"))["draft"] is True


def test_unreadable_file_is_exit_2(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    res = CliRunner().invoke(cli, ["publish", str(bad), "-o", str(tmp_path / "o"), "--no-pdf"])
    assert res.exit_code == 2 and "Traceback" not in res.output


# -- the 历年 index --------------------------------------------------------------------------------


def test_index_lists_years_with_working_links(tmp_path, package):
    for year, seed in ((2022, 1), (2023, 2)):
        wb = tmp_path / f"{year}.xlsx"
        wb.write_bytes(build_workbook(_busy_data(seed, year, org="示例市交通运输局")))
        assert not publish_file(str(wb), output=str(tmp_path / "专栏" / str(year)), pdf=False).refused
    (tmp_path / "专栏" / "2021").mkdir()
    (tmp_path / "专栏" / "2021" / "发布清单.json").write_text("{broken", "utf-8")
    res = CliRunner().invoke(cli, ["publish", "--index", str(tmp_path / "专栏"), str(package.folder),
                                   "-o", str(tmp_path / "专栏")])
    assert res.exit_code == 0, res.output
    assert "无法读取或不是发布清单" in res.output
    page = (tmp_path / "专栏" / "index.html").read_text("utf-8")
    assert page.index("2023年度") < page.index("2022年度")
    assert "忻州市信访局" in page and "示例市交通运输局" in page
    import re
    from urllib.parse import unquote

    for href in re.findall(r'href="([^"]+)"', page):
        assert (tmp_path / "专栏" / unquote(href)).resolve().is_file(), href


def test_index_of_nothing_is_a_clear_message(tmp_path):
    res = CliRunner().invoke(cli, ["publish", "--index", str(tmp_path)])
    assert res.exit_code == 2 and "没有找到发布包" in res.output


def _office_writes_the_consolidated_report(outdir: Path) -> None:
    """What the office does before publishing: opens the consolidated workbook (in Excel; here openpyxl) and
    writes the 本级政府 narrative and the 落款日期 into it; its 明细 sheet stays."""
    import openpyxl

    from tool.read import read_file

    [cons] = outdir.glob("*（汇总）.xlsx")
    data = read_file(cons).data
    lay = data.spec.layout
    wb = openpyxl.load_workbook(cons)
    wb[lay.info["sign_date"].sheet][lay.info["sign_date"].cell] = f"{data.year + 1}-03-20"
    for key, body in synth.narrative(data.spec, data).items():
        if key in lay.text:
            p = lay.text[key]
            for i, para in enumerate(body.split("\n")):
                wb[p.sheet].cell(row=p.row + i, column=p.col, value=para)
    wb.save(cons)


def test_publish_all_after_collect_shows_departments(tmp_path):
    from tool.demo.run import run_demo
    from tool.publish.make import publish_all

    run_demo(tmp_path, lambda _s: None, pdf=False)
    outdir = tmp_path / "多部门" / "汇总结果"
    done = publish_all(outdir, pdf=False)  # the consolidated workbook is not written yet: refused, named
    assert len(done.made) == 3 and [f.name for f in done.failed] == ["示例市人民政府（汇总）"]
    assert "落款日期" in done.failed[0].error
    _office_writes_the_consolidated_report(outdir)
    done = publish_all(outdir, pdf=False)
    assert len(done.made) == 4 and not done.failed  # three passing departments and the consolidated report
    cons = next(p for p in done.made if p.data is not None and p.data.kind == "government")
    text = pdf_text(cons.files["poster_pdf"].read_bytes())
    inbox = sorted((tmp_path / "多部门" / "收件箱").glob("*.xlsx"))
    counts = {}
    for sub, res in check_files(inbox):
        if res.ok:
            counts[sub.data.org] = sub.data.all_values()["new_requests.total"]
    assert len(counts) == 3
    for org, n in counts.items():
        assert org in text and f"{n}件" in text
    assert f"合计{sum(counts.values())}件" in text
    assert cons.data.all_values()["new_requests.total"] == sum(counts.values())
    for p in done.made:
        assert (p.folder / "发布清单.json").is_file()
