"""Issue 11 (4): the document as GB/T 9704 practice wants it, checked on the PDF LibreOffice makes of the
reference report and of the demo's 本级政府 report: the 落款 stays with body text, the title breaks
between organ and year (never inside a word), table sub-blocks and merged labels are not split
across pages, and a table that breaks repeats its header rows."""

from __future__ import annotations

import json
import re
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

from tool.format.interchange import from_json
from tool.report.render import Renderer
from tool.report.title import LINE_CHARS, title_lines, width

SAMPLE = Path(__file__).resolve().parents[1] / "tool" / "demo" / "samples" / "xinzhou_2019.json"
PAGE_NO = re.compile(r"—\s*\d+\s*—")


def test_default_title_breaks_between_organ_and_year():
    assert title_lines("示例市人民政府2024年政府信息公开工作年度报告", "示例市人民政府", "2024") == [
        "示例市人民政府", "2024年政府信息公开工作年度报告"]
    assert title_lines("某局2024年政府信息公开工作年度报告", "某局", "2024") == ["某局2024年政府信息公开工作年度报告"]
    assert title_lines("2019年度忻州市信访局\n政府信息公开工作年度报告", "忻州市信访局", "2019") == [
        "2019年度忻州市信访局", "政府信息公开工作年度报告"]  # typed line breaks are kept


@pytest.mark.parametrize("org", ["中国（上海）自由贸易试验区临港新片区管理委员会", "某某省某某市市场监督管理局某某分局某某所办公室",
                                 "某某自治区某某市某某区人民政府某某街道办事处某某社区"])
def test_long_organ_breaks_at_a_part_boundary_and_every_line_fits(org):
    lines = title_lines(f"{org}2024年政府信息公开工作年度报告", org, "2024")
    assert "".join(lines) == f"{org}2024年政府信息公开工作年度报告"
    assert lines[-1] == "2024年政府信息公开工作年度报告"
    assert all(width(x) <= LINE_CHARS for x in lines), lines
    assert not any(a.endswith("市") and b.startswith("场") for a, b in pairwise(lines))


def _pages(pdf: Path) -> list[list[str]]:
    """Per page, its text lines in reading order (pdftotext bounding boxes), page numbers left out."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", out, re.S):
        lines = ["".join(re.findall(r">([^<]+)</word>", m)) for m in re.findall(r"<line[^>]*>(.*?)</line>", page, re.S)]
        pages.append([ln for ln in lines if ln and not PAGE_NO.fullmatch(ln)])
    return pages


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, list[list[str]]]:
    from office_harness import require_office

    from tool.demo.run import run_demo
    from tool.report.office import convert

    require_office()
    d = tmp_path_factory.mktemp("layout")
    seed = d / "seed.docx"
    seed.write_bytes(Renderer(None, "2019").render(from_json(json.loads(SAMPLE.read_text("utf-8")))))
    run_demo(d / "demo", lambda _: None, pdf=False)
    [city] = (d / "demo" / "多部门" / "汇总结果").glob("示例市人民政府*年度报告.docx")
    return {"seed": _pages(convert([seed], "pdf", d)[0]), "city": _pages(convert([city], "pdf", d)[0])}


@pytest.mark.office
@pytest.mark.parametrize("doc, org, date", [("seed", "忻州市信访局", "2020年2月14日"), ("city", "示例市人民政府", "2025年3月20日")])
def test_signature_never_stands_alone(pdfs, doc, org, date):
    pages = pdfs[doc]
    last = pages[-1]
    squeezed = [ln.replace(" ", "") for ln in last]
    assert squeezed[-2:] == [org, date], last  # organ and date together, at the end
    body = [ln for ln in squeezed[:-2] if not re.match(r"^[一二三四五六]、", ln)]
    assert body, f"the 落款 stands alone on page {len(pages)}: {last}"


@pytest.mark.office
def test_city_title_breaks_between_organ_and_year(pdfs):
    first = [ln.replace(" ", "") for ln in pdfs["city"][0][:2]]
    assert first == ["示例市人民政府", "2024年政府信息公开工作年度报告"]
    assert [ln.replace(" ", "") for ln in pdfs["seed"][0][:2]] == ["2019年度忻州市信访局", "政府信息公开工作年度报告"]


def _page_of(pages: list[list[str]], text: str) -> int:
    hits = [i for i, p in enumerate(pages) if any(text in ln.replace(" ", "") for ln in p)]
    assert hits, text
    return hits[0]


@pytest.mark.office
@pytest.mark.parametrize("doc", ["seed", "city"])
def test_tables_keep_sub_blocks_and_merged_labels_on_one_page(pdfs, doc):
    pages = pdfs[doc]
    groups = [("1.信访举报投诉", "5.要求行政机关确认"),  # （五）不予处理 (labels wrap in their cells)
              ("1.属于国家秘密", "8.属于行政查询"),  # （三）不予公开
              ("1.本机关不掌握", "3.补正后申请")]  # （四）无法提供
    for first, last in groups:
        assert _page_of(pages, first) == _page_of(pages, last), (first, last)
    for caption, row in (("第二十条第（六）项", "行政处罚"), ("第二十条第（五）项", "行政许可")):
        assert _page_of(pages, caption) == _page_of(pages, row), caption


@pytest.mark.office
@pytest.mark.parametrize("doc", ["seed", "city"])
def test_a_broken_table_repeats_its_header(pdfs, doc):
    pages = pdfs[doc]
    start, end = _page_of(pages, "一、本年新收政府信息公开申请数量"), _page_of(pages, "四、结转下年度继续办理")
    for i in range(start, end + 1):
        assert any("申请人情况" in ln for ln in pages[i]), i
