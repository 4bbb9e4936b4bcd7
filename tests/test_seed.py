"""The reference report (../shared/seed): built from the sample data through a workbook, the docx
must read like the published report, paragraph by paragraph and table cell by table cell, except
for the slips in the seed's README, where the official label is used."""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path

import docx
import pytest
from builders import format_data, label_cells
from docx.oxml.ns import qn

from tool import format as spec_mod
from tool.check import check_bytes
from tool.format.interchange import from_json
from tool.report.render import Renderer
from tool.workbook import build_workbook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_ed30aedeb07ca90b.txt"
SAMPLE = ROOT / "tool" / "demo" / "samples" / "xinzhou_2019.json"

# ../shared/seed/README.md: slips in the seed text → the official label (whole cells)
SLIPS = {
    "三、本年度办结结果": "三、本年度办理结果",
    "1.本机关不掌控相关政府信息": "1.本机关不掌握相关政府信息",
    "3.要求提供公开出物": "3.要求提供公开出版物",
    "5.要求行政机关确认或重新出具以获取信息": "5.要求行政机关确认或重新出具已获取信息",
    "未经复议直接诉讼": "未经复议直接起诉",
    "总结": "总计",
    "4. 保护第三方合法权益": "4.保护第三方合法权益",
}
BOOKMARK = "[bookmark: _GoBack]"

Item = tuple[str, object]  # ("p", text) or ("t", [cell texts])


def seed_items(text: str) -> list[Item]:
    """Paragraphs and tables of the seed text; a table cell broken over lines is joined."""
    lines = text.replace(BOOKMARK, "").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and lines[-1].strip().isdigit():  # the page number of the text conversion
        lines.pop()
    items: list[Item] = []
    cells: list[str] | None = None
    prev_cell = False
    for line in lines:
        if line.startswith("\t"):
            if cells is None:
                cells = []
                items.append(("t", cells))
            cells.append(line.strip())
            prev_cell = True
        elif line.strip() and cells is not None and prev_cell:
            cells[-1] += line.strip()  # 尚未 / 审结
        elif line.strip():
            cells = None
            prev_cell = False
            items.append(("p", line.strip()))
        else:
            prev_cell = False
    return [(k, [SLIPS.get(c, c) for c in v if c]) if k == "t" else (k, v) for k, v in items]


def docx_items(blob: bytes) -> list[Item]:
    """Body paragraphs (non-empty) and tables (cells in reading order, a merged cell once)."""
    body = docx.Document(io.BytesIO(blob)).element.body
    items: list[Item] = []
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()
            if text:
                items.append(("p", text))
        elif el.tag == qn("w:tbl"):
            cells = []
            for tc in el.iter(qn("w:tc")):
                vm = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if vm is not None and vm.get(qn("w:val")) != "restart":
                    continue
                text = "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()
                if text:
                    cells.append(text)
            items.append(("t", cells))
    return items


def differences(expected: list[Item], actual: list[Item]) -> list[str]:
    out = []
    if len(expected) != len(actual):
        out.append(f"{len(expected)} items expected, {len(actual)} found")
    for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
        if e[0] != a[0]:
            out.append(f"item {i}: {e[0]} expected, {a[0]} found")
        elif e[0] == "p" and e[1] != a[1]:
            out.append(f"paragraph {i}: {e[1]!r} != {a[1]!r}")
        elif e[0] == "t":
            ec, ac = list(e[1]), list(a[1])  # type: ignore[call-overload]
            if len(ec) != len(ac):
                out.append(f"table {i}: {len(ec)} cells expected, {len(ac)} found")
            out += [f"table {i} cell {j}: {x!r} != {y!r}" for j, (x, y) in enumerate(zip(ec, ac, strict=False)) if x != y]
    return out


@pytest.fixture(scope="module")
def seed() -> list[Item]:
    if not SEED.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference report missing: {SEED}")
        pytest.skip(f"reference report not here: {SEED}")
    return seed_items(SEED.read_text("utf-8"))


@pytest.fixture(scope="module")
def sample():
    return from_json(json.loads(SAMPLE.read_text("utf-8")))


@pytest.fixture(scope="module")
def via_workbook(sample):
    """The sample → a filled 2019 workbook → read and checked like `nianbao report` does."""
    sub, result = check_bytes(build_workbook(sample), "xinzhou_2019.xlsx")
    assert sub is not None and result.ok, [f.message for f in result.errors]
    return sub.data


def test_seed_report_matches(seed, via_workbook):
    blob = Renderer(None, "2019").render(via_workbook)
    assert differences(seed, docx_items(blob)) == []


def test_seed_parse_sees_whole_document(seed):
    kinds = [k for k, _ in seed]
    assert kinds.count("t") == 3 and kinds[:2] == ["p", "p"]
    assert seed[-2:] == [("p", "忻州市信访局"), ("p", "2020年2月14日")]
    table4 = [v for k, v in seed if k == "t"][2]
    assert table4[:2] == ["行政复议", "行政诉讼"] and table4.count("尚未审结") == 3 and "尚未" not in table4
    assert table4[-15:] == ["0"] * 15


def _fmt_data() -> dict:
    return format_data("2019")


@pytest.mark.parametrize("table", ["active_disclosure", "applications", "review_litigation"])
def test_one_changed_label_fails(seed, sample, table):
    data = copy.deepcopy(_fmt_data())
    cell = label_cells(data, table)[0]
    kind = next(k for k in ("caption", "col_header", "row_header", "corner_note") if k in cell)
    cell[kind] = cell[kind][:-1] + "X"
    blob = Renderer(spec=spec_mod.from_data(data)).render(sample)
    assert differences(seed, docx_items(blob))


def test_one_changed_heading_fails(seed, sample):
    data = copy.deepcopy(_fmt_data())
    data["sections"][4]["title"] = data["sections"][4]["title"].replace("问题", "问提")
    blob = Renderer(spec=spec_mod.from_data(data)).render(sample)
    assert any("问提" in d for d in differences(seed, docx_items(blob)))


@pytest.mark.parametrize("key, value", [("art20_9.central_procurement.procurement_items", 12),
                                        ("art20_9.central_procurement.procurement_amount", "161804.9"),
                                        ("new_requests.natural_person", 1)])
def test_one_changed_value_fails(seed, sample, key, value):
    from decimal import Decimal

    changed = copy.deepcopy(sample)
    changed.values[key] = Decimal(value) if isinstance(value, str) else value
    blob = Renderer(None, "2019").render(changed)
    assert differences(seed, docx_items(blob))


def test_one_changed_text_character_fails(seed, sample):
    changed = copy.deepcopy(sample)
    changed.text["problems"] = changed.text["problems"].replace("官网", "官方", 1)
    blob = Renderer(None, "2019").render(changed)
    assert len(differences(seed, docx_items(blob))) == 1
