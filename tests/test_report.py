"""Rendering: values, escaping, strictness, draft mark, the lint, the sandbox, the CLI."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from tool.cli import cli
from tool.core.errors import TemplateError
from tool.format.interchange import ReportData, from_json
from tool.report.context import format_date, paragraphs
from tool.report.render import Renderer, render_report
from tool.report.template import DRAFT_MARK, STYLE, default_template
from tool.workbook import build_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "tool" / "demo" / "samples" / "xinzhou_2019.json"


@pytest.fixture(scope="module")
def sample() -> ReportData:
    return from_json(json.loads(SAMPLE.read_text("utf-8")))


@pytest.fixture(scope="module")
def r2019() -> Renderer:
    return Renderer(None, "2019")


def _doc(blob: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(blob))


def _texts(blob: bytes) -> list[str]:
    d = _doc(blob)
    return [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]


def _part(blob: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return z.read(name).decode("utf-8")


def _template_with(extra: str, drop_table: int | None = None) -> bytes:
    """The default 2019 template with one paragraph of text added (and a table removed)."""
    d = docx.Document(io.BytesIO(default_template("2019")))
    d.add_paragraph(extra)
    if drop_table is not None:
        tbl = d.tables[drop_table]._tbl
        tbl.getparent().remove(tbl)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _replace_in_document(blob: bytes, old: str, new: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)
    return out.getvalue()


def test_values_counts_and_amounts(sample, r2019):
    texts = _texts(r2019.render(sample))
    assert "161804.8元" in texts and "11" in texts and "0" in texts
    assert not any("None" in t or "{{" in t or "{%" in t for t in texts)


def test_2021_fee_in_wan_yuan_without_trailing_zeros():
    data = ReportData("2021", 2024, "某某市财政局", values={"art20_8.admin_fees.fee_amount": Decimal("12.5000"),
                                                       "new_requests.natural_person": 3})
    texts = _texts(render_report(data))
    assert "12.5万元" in texts and "3" in texts
    assert texts[:2] == ["某某市财政局", "2024年政府信息公开工作年度报告"]  # 21 characters: broken after the organ


def test_text_is_escaped(sample, r2019):
    data = copy.deepcopy(sample)
    data.org = "A & B <C>"
    data.text["other_matters"] = "x < y && {{ 7*7 }} </w:t>"
    blob = r2019.render(data)
    texts = _texts(blob)
    assert "A & B <C>" in texts and "x < y && {{ 7*7 }} </w:t>" in texts


def test_title_line_break_and_runin_heading(sample, r2019):
    d = _doc(r2019.render(sample))
    titles = [p.text for p in d.paragraphs if p.style.style_id == STYLE.title]
    assert titles == ["2019年度忻州市信访局", "政府信息公开工作年度报告"]
    p = next(p for p in d.paragraphs if p.text.startswith("（一）主动公开方面。"))
    first = p.runs[0]
    assert first.text == "（一）主动公开方面。" and first._r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == STYLE.runin
    assert d.paragraphs[-1].text == "2020年2月14日" and d.paragraphs[-2].text == "忻州市信访局"


def test_paragraph_splitting():
    ps = paragraphs("\u3000\u3000第一段。 \n\n（二）平台建设方面。正文\r\n（三）小标题\n（四）" + "长" * 50)
    assert [(p.head, p.body) for p in ps] == [("", "第一段。"), ("（二）平台建设方面。", "正文"),
                                              ("（三）小标题", ""), ("", "（四）" + "长" * 50)]
    assert format_date("2020-02-14") == "2020年2月14日" and format_date("2025-01-05") == "2025年1月5日"


def test_draft_mark_in_headers_and_above_title(sample, r2019):
    blob = r2019.render(sample, draft=True)
    d = _doc(blob)
    assert d.paragraphs[0].text == DRAFT_MARK and d.paragraphs[1].text == "2019年度忻州市信访局"
    sect = d.sections[0]
    assert DRAFT_MARK in sect.header.paragraphs[0].text and DRAFT_MARK in sect.even_page_header.paragraphs[0].text
    assert DRAFT_MARK not in "".join(_texts(r2019.render(sample)))


def test_same_document_as_a_plain_docxtpl_render(sample, r2019, tmp_path):
    """The batch renderer is an optimisation: the XML equals docxtpl's own render."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from tool.report.context import build_context
    from tool.report.render import make_env

    path = tmp_path / "t.docx"
    path.write_bytes(default_template("2019"))
    tpl = DocxTemplate(path)
    tpl.render(build_context(sample, r2019.spec), make_env(), autoescape=True)
    out = tmp_path / "plain.docx"
    tpl.save(out)

    def canon(xml: str) -> bytes:
        return etree.tostring(etree.fromstring(xml.encode()), method="c14n")

    mine = r2019.render(sample)
    assert canon(_part(mine, "word/document.xml")) == canon(_part(out.read_bytes(), "word/document.xml"))


# -- strictness, lint, sandbox ------------------------------------------------------------------

def test_undefined_name_is_an_error_not_a_blank(sample):
    with pytest.raises(TemplateError, match="未知的变量“orgg”，是否应为“org”"):
        Renderer(_template_with("{{ orgg }}"), "2019")
    r = Renderer(_template_with("{{ orgg }}"), "2019", lint=False)
    with pytest.raises(TemplateError, match="无法生成报告"):
        r.render(sample)


def test_lint_names_misspelled_field_with_place():
    blob = _replace_in_document(default_template("2019"), "{{ v.art20_1.rules.new_made }}",
                                "{{ v.art20_1.rules.new_mad }}")
    with pytest.raises(TemplateError) as e:
        Renderer(blob, "2019")
    msg = e.value.message
    assert "未知的变量“v.art20_1.rules.new_mad”，是否应为“v.art20_1.rules.new_made”" in msg
    assert "正文第1个表格第3行第2列" in msg
    assert "表二“二、主动公开政府信息情况”缺少数值：第二十条第（一）项 › 规章 › 本年新制作数量" in msg


def test_lint_missing_table_and_syntax_error():
    with pytest.raises(TemplateError, match="缺少表三“三、收到和处理政府信息公开申请情况”"):
        Renderer(_template_with("", drop_table=1), "2019")
    with pytest.raises(TemplateError, match=r"正文第\d+段（“\{\{ org \}”）：标签语法错误"):
        Renderer(_template_with("{{ org }"), "2019")


def test_default_templates_pass_the_lint():
    for v in ("2019", "2021"):
        Renderer(default_template(v), v)


@pytest.mark.parametrize("payload", ["{{ ''.__class__ }}", "{{ org.__class__.__mro__ }}",
                                     "{{ cycler.__init__.__globals__ }}", "{{ v._d }}"])
def test_sandbox_refuses_python_internals(sample, payload):
    with pytest.raises(TemplateError, match="内部属性"):
        Renderer(_template_with(payload), "2019")
    r = Renderer(_template_with(payload), "2019", lint=False)
    with pytest.raises(TemplateError):
        r.render(sample)


def test_broken_template_file():
    with pytest.raises(TemplateError, match="不是有效的 Word"):
        Renderer(b"not a zip", "2019")


# -- CLI ----------------------------------------------------------------------------------------

@pytest.fixture()
def workdir(tmp_path, monkeypatch, sample):
    monkeypatch.chdir(tmp_path)
    Path("ok.xlsx").write_bytes(build_workbook(sample))
    bad = copy.deepcopy(sample)
    bad.values["new_requests.natural_person"] = 5  # breaks 第一项+第二项 = 第三项+第四项
    Path("bad.xlsx").write_bytes(build_workbook(bad))
    return tmp_path


def test_cli_report_default_name(workdir):
    res = CliRunner().invoke(cli, ["report", "ok.xlsx"])
    assert res.exit_code == 0, res.output
    out = Path("output/忻州市信访局2019年政府信息公开工作年度报告.docx")
    assert out.is_file() and "2019年度忻州市信访局" in _texts(out.read_bytes())


def test_cli_refuses_errors_unless_forced(workdir):
    res = CliRunner().invoke(cli, ["report", "bad.xlsx", "-o", "bad.docx"])
    assert res.exit_code == 1 and "未通过校验" in res.output and not Path("bad.docx").exists()
    assert "错误" in res.output
    res = CliRunner().invoke(cli, ["report", "bad.xlsx", "-o", "bad.docx", "--force"])
    assert res.exit_code == 0, res.output
    d = _doc(Path("bad.docx").read_bytes())
    assert d.paragraphs[0].text == DRAFT_MARK and DRAFT_MARK in d.sections[0].header.paragraphs[0].text


def test_cli_cannot_proceed_exit_2(workdir):
    Path("junk.xlsx").write_text("not a workbook")
    assert CliRunner().invoke(cli, ["report", "junk.xlsx"]).exit_code == 2
    Path("broken.docx").write_bytes(b"PK nonsense")
    res = CliRunner().invoke(cli, ["report", "ok.xlsx", "--template", "broken.docx", "-o", "x.docx"])
    assert res.exit_code == 2 and "不是有效的 Word" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["report", "ok.xlsx", "-o", "ok.xlsx"])
    assert res.exit_code == 2 and "不会被覆盖" in res.output


def test_cli_docx_template_export_and_use(workdir):
    res = CliRunner().invoke(cli, ["docx-template", "--format", "2019", "-o", "my.docx"])
    assert res.exit_code == 0 and Path("my.docx").read_bytes() == default_template("2019")
    res = CliRunner().invoke(cli, ["report", "ok.xlsx", "--template", "my.docx", "-o", "r.docx"])
    assert res.exit_code == 0, res.output
    assert re.search("161804.8元", "".join(_texts(Path("r.docx").read_bytes())))


# -- hostile templates (issue 10) ---------------------------------------------------------------

@pytest.mark.parametrize(("payload", "word"), [
    ("{% include 'x.xml' %}", "不能引用其他文件"),
    ("{% import 'x.xml' as x %}", "不能引用其他文件"),
    ("{{ range(10**9)|list }}", "循环次数过多"),
    ("{{ 9**(9**9) }}", "不允许的操作"),
    ("{{ 'x' * 1000000000 }}", "不允许的操作"),
])
def test_hostile_tags_are_refused_in_chinese(sample, payload, word):
    from tool.report.render import render_isolated

    with pytest.raises(TemplateError, match=word):
        render_isolated(_template_with(payload), sample, time_limit=20)


def test_a_template_that_loops_for_ever_is_stopped(sample):
    from tool.report.render import render_isolated

    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateError, match=r"超过 2 秒仍未完成|内存或计算过多|嵌套或数据过大"):
        render_isolated(_template_with(loop), sample, time_limit=2)


def test_template_parts_missing_or_in_utf16(sample):
    import io
    import zipfile

    blob = default_template("2019")
    src = zipfile.ZipFile(io.BytesIO(blob))
    heads = [n for n in src.namelist() if n.startswith("word/header")]

    def without(names, recode=()):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for i in src.infolist():
                data = src.read(i.filename)
                if i.filename in names:
                    continue
                if i.filename in recode:
                    data = data.decode("utf-8").encode("utf-16")
                z.writestr(i.filename, data)
        return out.getvalue()

    assert Renderer(without(heads), "2019").render(sample)  # a header the rels name but the zip lacks
    with pytest.raises(TemplateError, match="不是 UTF-8"):
        Renderer(without((), recode=("word/document.xml",)), "2019")


def test_a_template_inflating_to_gigabytes_is_refused():
    from hostile import lying_member

    bomb = lying_member(default_template("2019"), 300 << 20, None, member="word/media/big.bin")
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(TemplateError, match="异常巨大"):
        Renderer(bomb, "2019")
