"""The tolerant reader (issue 3, item 1): values, structure, format identification, real LibreOffice."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from builders import cell_of, edit, layout, sample, workbook

from tool.check import check_bytes
from tool.core.errors import UnreadableError
from tool.read import read_bytes
from tool.read.values import parse_date, parse_number


@pytest.mark.parametrize(("raw", "exp"), [
    # raw cell value          (kind, value)
    (12.0, ("number", 12)),
    (3, ("number", 3)),
    (2.5, ("number", Decimal("2.5"))),
    ("12", ("number", 12)),
    (" 12 ", ("number", 12)),
    ("１２", ("number", 12)),
    ("1,234", ("number", 1234)),
    ("１，２３４", ("number", 1234)),
    ("5件", ("number", 5)),
    ("7 项", ("number", 7)),
    ("12.5万元", ("number", Decimal("12.5"))),
    ("-3", ("number", -3)),
    ("", ("blank", None)),
    (None, ("blank", None)),
    ("—", ("token", None)),
    ("-", ("token", None)),
    ("/", ("token", None)),
    ("无", ("token", None)),
    ("约10", ("bad", None)),
    ("1,23", ("bad", None)),
    ("十", ("bad", None)),
    ("件", ("bad", None)),
    (True, ("bad", None)),
    (date(2024, 1, 2), ("bad", None)),
    (float("nan"), ("bad", None)),
])
def test_parse_number(raw, exp):
    assert parse_number(raw) == exp


@pytest.mark.parametrize(("raw", "exp"), [
    (date(2025, 1, 20), "2025-01-20"), (datetime(2025, 1, 20, 9, 0), "2025-01-20"),
    ("2025年1月20日", "2025-01-20"), ("2025/1/20", "2025-01-20"), ("2025.01.20", "2025-01-20"),
    ("２０２５－０１－２０", "2025-01-20"), ("下周", "下周"), ("2025-02-30", "2025-02-30")])
def test_parse_date(raw, exp):
    assert parse_date(raw) == exp


def _expected_json(d):
    """What a read-back holds: the writer fills in the default title."""
    j = d.to_json()
    j["info"]["title"] = d.title()
    return j


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_round_trip_of_our_workbook(version):
    d = sample(version, seed=7)
    sub = read_bytes(workbook(d), "x.xlsx")
    assert sub.data.to_json() == _expected_json(d)
    assert sub.meta["product"] == "nianbao" and sub.meta["format"] == version
    assert [f for f in sub.findings if f.level != "info"] == []


def test_tolerant_values_and_blank_notice():
    d = sample("2021")
    cells = {k: cell_of(d, k) for k in ("art20_1.rules.issued", "art20_1.rules.repealed",
                                        "art20_1.normative_docs.issued", "art20_1.normative_docs.repealed")}
    blob = edit(workbook(d), {cells["art20_1.rules.issued"]: "1,234", cells["art20_1.rules.repealed"]: "１２ 件",
                              cells["art20_1.normative_docs.issued"]: "—",
                              cells["art20_1.normative_docs.repealed"]: None})
    sub = read_bytes(blob, "x.xlsx")
    v = sub.data.values
    assert v["art20_1.rules.issued"] == 1234 and v["art20_1.rules.repealed"] == 12
    assert "art20_1.normative_docs.issued" not in v  # counts as 0
    [notice] = [f for f in sub.findings if f.rule == "VALUE_BLANK" and f.sheet == "表二"]
    assert notice.level == "info"
    assert {cells["art20_1.normative_docs.issued"][1], cells["art20_1.normative_docs.repealed"][1]} <= set(
        notice.related)


def test_text_in_number_cell_is_an_error_at_that_cell_and_its_relations_are_skipped():
    d = sample("2021")
    sheet, ref = cell_of(d, "granted.natural_person")
    _, res = check_bytes(edit(workbook(d), {(sheet, ref): "约10件"}), "x.xlsx")
    assert [(f.rule, f.sheet, f.cell) for f in res.errors] == [("VALUE_NOT_NUMBER", sheet, ref)]
    assert "“约10件”不是数字" in res.errors[0].message


def test_typed_over_total_and_empty_total():
    d = sample("2021")
    total = "results_total.natural_person"
    sheet, ref = cell_of(d, total)
    right = d.all_values()[total]
    _, res = check_bytes(edit(workbook(d), {(sheet, ref): right + 3}), "x.xlsx")
    [f] = res.errors
    assert (f.rule, f.cell, f.expected, f.actual) == ("T3_RESULTS_TOTAL", ref, right, right + 3)
    # a formula with no cached value at all (as xlsxwriter/openpyxl leave it) is fine
    _, res = check_bytes(edit(workbook(d), {(sheet, ref): None}), "x.xlsx")
    assert res.ok and not res.errors


def _insert_row(sheet, idx):
    return lambda wb: wb[sheet].insert_rows(idx)


def test_inserted_row_is_a_structure_finding_not_shifted_values():
    d = sample("2021")
    row = layout("2021").values["granted.natural_person"].row
    _, res = check_bytes(edit(workbook(d), change=_insert_row("表三", row)), "x.xlsx")
    assert [f.rule for f in res.errors] == ["STRUCT_LABEL_MOVED"]
    assert res.errors[0].sheet == "表三" and "增删行列" in res.errors[0].message


def test_row_inserted_above_a_value_row_without_labels_is_caught():
    """表四 has no row label beside its values: the empty guard row under the table catches it."""
    d = sample("2021")
    d.values["review_upheld"] = 4
    row = layout("2021").values["review_upheld"].row
    _, res = check_bytes(edit(workbook(d), change=_insert_row("表四", row)), "x.xlsx")
    assert [(f.rule, f.sheet) for f in res.errors] == [("STRUCT_LABEL_MOVED", "表四")]


def test_renamed_sheet_is_named():
    def rename(wb):
        wb["表三"].title = "Sheet3"
    _, res = check_bytes(edit(workbook(sample("2021")), change=rename), "x.xlsx")
    [f] = res.errors
    assert f.rule == "STRUCT_SHEET_MISSING" and "Sheet3" in f.message and "改回“表三”" in f.message


def test_metadata_sheet_removed_is_identified_by_labels():
    for version in ("2019", "2021"):
        d = sample(version)
        sub, res = check_bytes(edit(workbook(d), change=lambda wb: wb.remove(wb["_meta"])), "x.xlsx")
        assert sub.data.format == version and res.ok
        assert [f.rule for f in res.warnings] == ["STRUCT_META_MISSING"]
        assert sub.data.values == {k: v for k, v in d.values.items() if k in sub.data.values}


def test_other_format_sheets_under_our_metadata():
    """Sheets of a 2019 workbook with 2021 metadata: read as 2019 and said so."""
    meta21 = read_bytes(workbook(sample("2021")), "a.xlsx").meta

    def swap(wb):
        ws = wb["_meta"]
        for row in ws.iter_rows():
            if row[0].value == "format":
                row[1].value = meta21["format"]
    sub, res = check_bytes(edit(workbook(sample("2019")), change=swap), "x.xlsx")
    assert sub.data.format == "2019"
    assert "STRUCT_OTHER_FORMAT" in [f.rule for f in res.errors]


def test_not_our_workbook_is_unreadable():
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    wb.add_worksheet("Sheet1").write(0, 0, "随便什么表")
    wb.close()
    with pytest.raises(UnreadableError, match="不是本系统生成的填报表"):
        read_bytes(buf.getvalue(), "别的表.xlsx")


# -- real LibreOffice ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def office():
    from office_harness import office_session, require_office

    require_office()
    with office_session() as s:
        yield s


def _by_sheet(d, keys):
    out: dict[str, dict[str, object]] = {}
    for k in keys:
        sheet, ref = cell_of(d, k)
        v = d.values[k]
        out.setdefault(sheet, {})[ref] = float(v) if isinstance(v, Decimal) else v
    return out


@pytest.mark.office
def test_filled_and_saved_by_libreoffice_reads_back_in_xlsx_xls_and_ods(office, tmp_path):
    from tool.format.interchange import ReportData

    d = sample("2021", seed=11)
    text_key, formula_key = "art20_5.licensing.decisions", "art20_6.penalty.decisions"
    d.values[text_key], d.values[formula_key] = 1234, 5
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(workbook(ReportData("2021", d.year, d.org, dict(d.info), {}, dict(d.text))))
    entered = _by_sheet(d, [k for k, v in d.values.items() if v])
    entered[cell_of(d, text_key)[0]][cell_of(d, text_key)[1]] = "1,234 件"  # text, as pasted
    entered[cell_of(d, formula_key)[0]][cell_of(d, formula_key)[1]] = {"formula": "=2+3"}  # typed by a person
    ops = [{"op": "set", "sheet": s, "values": v} for s, v in entered.items()] + [{"op": "recalc"}]
    ops += [{"op": "save", "path": tmp_path / f"filled.{ext}"} for ext in ("xlsx", "xls", "ods")]
    office.job(blank, ops)
    reads = {}
    for ext in ("xlsx", "xls", "ods"):
        sub, res = check_bytes((tmp_path / f"filled.{ext}").read_bytes(), f"filled.{ext}")
        assert res.errors == [] and res.warnings == [], (ext, res.findings)
        reads[ext] = sub.data.to_json()
        assert sub.totals, ext  # LibreOffice cached the totals; they were compared, not trusted
    assert reads["xlsx"]["values"] == d.to_json()["values"]
    assert reads["xlsx"] == reads["xls"] == reads["ods"]


@pytest.mark.office
def test_row_inserted_by_libreoffice_is_a_structure_finding(office, tmp_path):
    d = sample("2021", seed=12)
    src = tmp_path / "src.xlsx"
    src.write_bytes(workbook(d))
    row = layout("2021").values["granted.natural_person"].row
    total = cell_of(d, "results_total.other_org")[1]
    office.job(src, [{"op": "unprotect", "sheet": "表三"}, {"op": "insert_rows", "sheet": "表三", "row": row},
                     {"op": "save", "path": tmp_path / "inserted.xlsx"}])
    office.job(src, [{"op": "unprotect", "sheet": "表三"}, {"op": "set", "sheet": "表三", "values": {total: 777}},
                     {"op": "save", "path": tmp_path / "typed_over.xlsx"}])
    _, res = check_bytes((tmp_path / "inserted.xlsx").read_bytes(), "inserted.xlsx")
    assert [(f.rule, f.sheet) for f in res.errors] == [("STRUCT_LABEL_MOVED", "表三")]
    _, res = check_bytes((tmp_path / "typed_over.xlsx").read_bytes(), "typed_over.xlsx")
    assert [(f.rule, f.cell, f.actual) for f in res.errors] == [("T3_RESULTS_TOTAL", total, 777)]
