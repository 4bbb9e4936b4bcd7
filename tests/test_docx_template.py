"""The default docx templates: committed = generated, GB/T 9704 numbers, tables as the format data."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from tool import format as spec_mod
from tool.report.styles import MARGIN_MM, STYLE, TEXT_W_MM
from tool.report.template import build_template, template_path, value_tag

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
MM = 1440 / 25.4  # twips per mm


def _parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _norm(name: str, data: bytes) -> bytes:
    if name.endswith((".xml", ".rels")):
        return etree.tostring(etree.fromstring(data), method="c14n")
    return data


def _xml(blob: bytes, part: str) -> etree._Element:
    return etree.fromstring(_parts(blob)[part])


@pytest.fixture(scope="module", params=spec_mod.versions())
def version(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def committed(version) -> bytes:
    return template_path(version).read_bytes()


def test_committed_template_is_what_the_code_generates(version, committed):
    fresh, old = _parts(build_template(spec_mod.load(version))), _parts(committed)
    assert sorted(fresh) == sorted(old)
    changed = [n for n in fresh if _norm(n, fresh[n]) != _norm(n, old[n])]
    assert changed == [], ("run python -c \"from tool.report.template import write_default_templates; "
                          "write_default_templates()\" and commit tool/report/templates/")


def test_page_setup(committed):
    sect = _xml(committed, "word/document.xml").find(".//w:body/w:sectPr", NS)
    size, mar = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert round(int(size.get(W + "w")) / MM) == 210 and round(int(size.get(W + "h")) / MM) == 297
    for side, mm in MARGIN_MM.items():
        assert abs(int(mar.get(W + side)) / MM - mm) < 0.1, side
    settings = _xml(committed, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    refs = {(r.tag.split("}")[1], r.get(W + "type")) for r in sect if r.tag.endswith("Reference")}
    assert refs == {("headerReference", "default"), ("headerReference", "even"),
                    ("footerReference", "default"), ("footerReference", "even")}


def _style(styles: etree._Element, sid: str) -> etree._Element:
    return styles.find(f"w:style[@w:styleId='{sid}']", NS)


def _get(st: etree._Element, path: str, attr: str) -> str | None:
    el = st.find(path, NS)
    return None if el is None else el.get(W + attr)


@pytest.mark.parametrize("sid, east, half_points", [
    ("Normal", "仿宋_GB2312", 32), (STYLE.title, "方正小标宋简体", 44), (STYLE.h1, "黑体", 32),
    (STYLE.runin, "楷体_GB2312", None), (STYLE.table, "仿宋_GB2312", 21), (STYLE.table_small, "仿宋_GB2312", 18),
    (STYLE.page_no, "宋体", 28)])
def test_style_fonts_and_sizes(committed, sid, east, half_points):
    st = _style(_xml(committed, "word/styles.xml"), sid)
    assert _get(st, "w:rPr/w:rFonts", "eastAsia") == east
    if half_points:
        assert _get(st, "w:rPr/w:sz", "val") == str(half_points)


def test_body_line_spacing_indent_and_title(committed):
    styles = _xml(committed, "word/styles.xml")
    normal = _style(styles, "Normal")
    assert _get(normal, "w:pPr/w:spacing", "lineRule") == "exact"
    assert abs(int(_get(normal, "w:pPr/w:spacing", "line")) / 20 - 28.9) < 0.1
    assert _get(normal, "w:pPr/w:ind", "firstLineChars") == "200"
    assert _get(normal, "w:pPr/w:ind", "firstLine") == "640"  # 2 × 16 pt
    title = _style(styles, STYLE.title)
    assert _get(title, "w:pPr/w:jc", "val") == "center" and _get(title, "w:pPr/w:ind", "firstLine") == "0"
    assert _get(_style(styles, STYLE.sign), "w:pPr/w:jc", "val") == "right"
    # 22 lines of 28.9 pt fit the 225 mm 版心 height, 23 do not
    height_pt = (297 - MARGIN_MM["top"] - MARGIN_MM["bottom"]) / 25.4 * 72
    assert 22 * 28.9 <= height_pt < 23 * 28.9


def test_page_numbers_odd_right_even_left(committed):
    parts = _parts(committed)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    target = {r.get("Id"): r.get("Target") for r in rels}
    sect = _xml(committed, "word/document.xml").find(".//w:body/w:sectPr", NS)
    for ref in sect.findall("w:footerReference", NS):
        footer = etree.fromstring(parts["word/" + target[ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]])
        p = footer.find("w:p", NS)
        text = "".join(p.itertext())
        instr = "".join(t.text for t in p.iter(W + "instrText"))
        assert text.startswith("— ") and text.endswith(" —") and instr.strip() == "PAGE"
        assert _get(p, "w:pPr/w:pStyle", "val") == STYLE.page_no
        expected = "right" if ref.get(W + "type") == "default" else "left"
        assert _get(p, "w:pPr/w:jc", "val") == expected
        assert _get(p, "w:pPr/w:ind", f"{expected}Chars") == "100"


def _grid(tbl: etree._Element) -> dict[tuple[int, int], etree._Element]:
    """(row, col) 1-based → the w:tc starting there."""
    out = {}
    for r, tr in enumerate(tbl.findall("w:tr", NS), 1):
        c = 1
        for tc in tr.findall("w:tc", NS):
            out[(r, c)] = tc
            c += int(_get(tc, "w:tcPr/w:gridSpan", "val") or 1)
    return out


def test_tables_follow_the_format_data(version, committed):
    spec = spec_mod.load(version)
    tables = _xml(committed, "word/document.xml").findall(".//w:body/w:tbl", NS)
    order = [s.table for s in spec.sections if s.kind == "table"]
    assert len(tables) == len(order)
    for key, tbl in zip(order, tables, strict=True):
        table = spec.tables[key]
        cols = [int(g.get(W + "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
        assert len(cols) == table.n_cols and len(tbl.findall("w:tr", NS)) == table.n_rows
        assert abs(sum(cols) / MM - TEXT_W_MM) < 0.1 and min(cols) > 300
        assert _get(tbl, "w:tblPr/w:tblLayout", "type") == "fixed"
        grid = _grid(tbl)
        for cell in table.cells:
            tc = grid[(cell.r, cell.c)]
            text = "".join(tc.itertext())
            assert text == (value_tag(cell.field) if cell.kind == "value" else cell.text)
            assert int(_get(tc, "w:tcPr/w:gridSpan", "val") or 1) == cell.colspan
            vm = tc.find("w:tcPr/w:vMerge", NS)
            if cell.rowspan > 1:
                assert vm.get(W + "val") == "restart"
                for r in range(cell.r + 1, cell.r + cell.rowspan):
                    cont = grid[(r, cell.c)].find("w:tcPr/w:vMerge", NS)
                    assert cont is not None and cont.get(W + "val") in (None, "continue")
                    assert "".join(grid[(r, cell.c)].itertext()) == ""
            else:
                assert vm is None
        header = [tr.find("w:trPr/w:tblHeader", NS) is not None for tr in tbl.findall("w:tr", NS)]
        assert header == [i < table.header_rows for i in range(table.n_rows)]
        assert all(tr.find("w:trPr/w:cantSplit", NS) is not None for tr in tbl.findall("w:tr", NS))


def test_each_value_tag_once(version, committed):
    doc = _parts(committed)["word/document.xml"].decode()
    for key in spec_mod.load(version).fields:
        assert doc.count(value_tag(key)) == 1, key


def test_template_follows_a_changed_spec():
    data = spec_mod.load("2021")
    from builders import format_data

    raw = format_data("2021")
    raw["sections"][0]["title"] = "一、总体情况（测试）"
    blob = build_template(spec_mod.from_data(raw))
    assert "一、总体情况（测试）" in _parts(blob)["word/document.xml"].decode()
    assert data.sections[0].title not in _parts(blob)["word/document.xml"].decode().replace("一、总体情况（测试）", "")
