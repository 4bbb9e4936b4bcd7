"""The fill-in workbook, opened with openpyxl; formulas evaluated by a tiny evaluator here.

The office round trip (LibreOffice computes, saves) lives in test_office_workbook.py.
"""

from __future__ import annotations

import copy
import io
import random
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from builders import format_data, layout
from openpyxl.utils import range_boundaries

from tool.core.findings import Finding
from tool.demo.synth import synthetic
from tool.format import from_data, load, versions
from tool.format.interchange import ReportData
from tool.format.layout import Layout, sheet_row
from tool.workbook import build_workbook
from tool.workbook.sheets import meta_items

META_KEYS = ["product", "format", "year", "org", "unit_id", "kind", "generator", "fingerprint", "written_by"]


def _open(xlsx: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx))


def _sample(version: str, seed: int = 3) -> ReportData:
    spec = load(version)
    return synthetic(spec, "测试局", 2024 if version == "2021" else 2020, random.Random(seed))


@pytest.fixture(scope="module", params=versions())
def book(request: pytest.FixtureRequest) -> tuple[str, openpyxl.Workbook]:
    v = request.param
    return v, _open(build_workbook(ReportData(format=v, year=2024 if v == "2021" else 2020, org="测试局")))


# -- a small evaluator for the formulas the writer emits (SUM, IF, ROUND, + - = <=) ---------

class Sheets:
    """Evaluates cells of an openpyxl workbook; formulas recursively, blanks as 0."""

    def __init__(self, wb: openpyxl.Workbook, inputs: dict[tuple[str, str], Any] | None = None):
        self.wb, self.inputs = wb, inputs or {}

    def value(self, sheet: str, ref: str) -> Any:
        if (sheet, ref) in self.inputs:
            return self.inputs[(sheet, ref)]
        v = self.wb[sheet][ref].value
        if isinstance(v, str) and v.startswith("="):
            return self.eval(sheet, v)
        return v

    def eval(self, sheet: str, formula: str) -> Any:
        expr = formula[1:]
        expr = re.sub(r"(?:'?([^'!(),]+)'?!)?(\$?[A-Z]+\$?\d+)(?::(\$?[A-Z]+\$?\d+))?",
                      lambda m: self._ref(sheet, m), expr)
        expr = re.sub(r"(?<![<>=])=(?!=)", "==", expr)
        env = {"SUM": lambda *a: sum(_flat(a)), "IF": lambda c, a, b: a if c else b, "ROUND": round}
        return eval(expr, env, {"S": self})

    def _ref(self, sheet: str, m: re.Match) -> str:
        target = m.group(1) or sheet
        first = m.group(2).replace("$", "")
        last = (m.group(3) or m.group(2)).replace("$", "")
        return f"S.rng({target!r},{first!r},{last!r})" if m.group(3) else f"S.num({target!r},{first!r})"

    def num(self, sheet: str, ref: str) -> Any:
        v = self.value(sheet, ref)
        return v if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else 0

    def rng(self, sheet: str, first: str, last: str) -> list[Any]:
        c1, r1, c2, r2 = range_boundaries(f"{first}:{last}")
        ws = self.wb[sheet]
        return [self.num(sheet, ws.cell(r, c).coordinate) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _flat(args: Any) -> list[Any]:
    out = []
    for a in args:
        out.extend(_flat(a) if isinstance(a, (list, tuple)) else [a])
    return out


def _check_cells(wb: openpyxl.Workbook, sheet: str) -> dict[str, str]:
    return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=IF(")}


# -- structure --------------------------------------------------------------------------------

def test_every_official_label_verbatim_at_its_cell(book: tuple[str, openpyxl.Workbook],
                                                   official: dict[str, Any]) -> None:
    v, wb = book
    spec = load(v)
    for sec in official["versions"][v]["sections"]:
        if sec["kind"] != "table":
            continue
        ws = wb[spec.tables[sec["table"]["key"]].sheet]
        assert ws.cell(1, 1).value == sec["title"]
        for c in sec["table"]["grid"]["cells"]:
            if c["kind"] != "value":
                assert ws.cell(sheet_row(c["r"]), c["c"]).value == c["text"], c


def test_merges_equal_the_grid(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    for t in load(v).tables.values():
        ws = wb[t.sheet]
        want = {(sheet_row(c.r), c.c, sheet_row(c.r) + c.rowspan - 1, c.c + c.colspan - 1)
                for c in t.cells if c.rowspan > 1 or c.colspan > 1}
        got = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges
               if m.min_row > 2 and m.max_row <= sheet_row(t.n_rows) and m.max_col <= t.n_cols}
        assert got == want, t.sheet
        # nothing invented inside the table's area: every cell is a grid cell or inside a merge
        for r in range(sheet_row(1), sheet_row(t.n_rows) + 1):
            for c in range(1, t.n_cols + 1):
                assert any(g.covers_row(r - 2) and g.covers_col(c) for g in t.cells), (t.sheet, r, c)


def _unlocked(ws: Any) -> set[str]:
    hidden = {ws.cell(r, c).coordinate for m in ws.merged_cells.ranges
              for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)
              if (r, c) != (m.min_row, m.min_col)}
    return {c.coordinate for row in ws.iter_rows() for c in row
            if not c.protection.locked and c.coordinate not in hidden}


def test_unlocked_cells_are_exactly_the_inputs(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay = layout(v)
    got = {(t.sheet, ref) for t in lay.spec.tables.values() for ref in _unlocked(wb[t.sheet])}
    want = {(p.sheet, p.cell) for k, p in lay.values.items() if lay.spec.fields[k].is_input}
    assert got == want
    assert len(got) == len(lay.spec.inputs)
    info = wb[lay.spec.common.sheets["info"]]
    for f in lay.spec.common.info_fields:
        assert info[lay.info[f.key].cell].protection.locked == f.locked, f.key


def test_totals_are_formulas_that_compute_the_spec(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay, spec = layout(v), load(v)
    data = _sample(v)
    inputs = {(lay.values[k].sheet, lay.values[k].cell): n for k, n in data.values.items()}
    ev = Sheets(wb, inputs)
    want = spec.compute(data.values)
    for key, f in spec.fields.items():
        p = lay.values[key]
        if f.computed:
            assert str(wb[p.sheet][p.cell].value).startswith("="), key
            assert ev.value(p.sheet, p.cell) == pytest.approx(float(want[key])), key
    assert sum(f.computed for f in spec.fields.values()) == len(spec.definitions)


def test_check_cells_show_pass_and_fail(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay, spec = layout(v), load(v)
    data = _sample(v)
    inputs = {(lay.values[k].sheet, lay.values[k].cell): n for k, n in data.values.items()}
    checks = {(t.sheet, ref) for t in spec.tables.values() for ref in _check_cells(wb, t.sheet)}
    live = [i for i in spec.instances if not i.cross_year]
    assert len(checks) == len(live)
    ev = Sheets(wb, inputs)
    assert {ev.value(s, r) for s, r in checks} == {"✔"}
    # break one input of each relation (a formula total: overwrite it) and a 校验 cell turns ✘
    for inst in live:
        key = next(iter(sorted(spec.depends_on(inst))))
        if spec.definitions.get(inst.lhs[0].key) == inst:
            key = inst.lhs[0].key
        p = lay.values[key]
        broken = Sheets(wb, {**inputs, (p.sheet, p.cell): float(data.values.get(key, 0)) + 100003})
        if inst.kind == "le" and inst.lhs[0].key != key:
            continue  # raising the bound keeps an inequality true
        assert "✘" in {broken.value(s, r) for s, r in checks if s == p.sheet}, inst


def test_check_cells_sit_beside_their_anchor_outside_the_grid(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay, spec = layout(v), load(v)
    for t in spec.tables.values():
        for ref in _check_cells(wb, t.sheet):
            cell = wb[t.sheet][ref]
            assert cell.row > sheet_row(t.n_rows) or cell.column > t.n_cols, ref
            anchors = [lay.values[i.blame] for i in spec.instances if lay.values[i.blame].sheet == t.sheet]
            assert any(a.col == cell.column or a.row == cell.row for a in anchors), ref


def test_defined_names_for_every_place(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay = layout(v)
    for key, p in lay.places.items():
        dn = wb.defined_names[p.name]
        (sheet, ref), = dn.destinations
        assert sheet == p.sheet, key
        assert ref.replace("$", "") == (p.ref if p.kind == "text" else p.cell), key


def test_validation_on_every_input(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay, spec = layout(v), load(v)
    for key in spec.inputs:
        f, p = spec.fields[key], lay.values[key]
        dvs = [dv for dv in wb[p.sheet].data_validations.dataValidation if p.cell in dv.sqref]
        assert len(dvs) == 1, key
        dv = dvs[0]
        assert dv.type == ("decimal" if f.type == "decimal" else "whole"), key
        if f.signed:
            assert float(dv.formula1) < 0, key
        else:
            assert dv.operator == "greaterThanOrEqual" and float(dv.formula1) == 0, key
        assert dv.showErrorMessage and dv.error and dv.prompt, key
        assert len(dv.promptTitle or "") <= 32 and len(dv.prompt) <= 255 and len(dv.error) <= 224
    kind = lay.info["kind"]
    dv = next(dv for dv in wb[kind.sheet].data_validations.dataValidation if kind.cell in dv.sqref)
    assert dv.type == "list" and all(k in dv.formula1 for k in spec.common.kinds.values())


def test_signed_and_decimal_fields_exist_where_expected() -> None:
    """The validations above are only meaningful if both formats exercise them."""
    assert any(f.signed for f in load("2019").fields.values())
    assert all(any(f.type == "decimal" for f in load(v).fields.values()) for v in versions())


def test_every_sheet_protected_without_password_and_meta_hidden(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    common = load(v).common
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title
    meta = wb[common.sheets["meta"]]
    assert meta.sheet_state == "hidden"
    rows = [(r[0].value, r[1].value) for r in meta.iter_rows(max_col=2)]
    assert [k for k, _ in rows] == META_KEYS
    got = dict(rows)
    assert got["product"] == "nianbao" and got["format"] == v and got["org"] == "测试局"
    assert got["fingerprint"] == layout(v).fingerprint and got["written_by"] == "template"
    assert wb.sheetnames == [common.sheets[k] for k in ("info",)] + [t.sheet for t in load(v).tables.values()] \
        + [common.sheets[k] for k in ("text", "guide", "meta")]


def test_formulas_have_empty_cached_values() -> None:
    xlsx = build_workbook(ReportData(format="2021"))
    cached = openpyxl.load_workbook(io.BytesIO(xlsx), data_only=True)
    lay = layout("2021")
    for key in lay.spec.definitions:
        p = lay.values[key]
        assert cached[p.sheet][p.cell].value in (None, ""), key


def test_info_defaults_and_text_sheet(book: tuple[str, openpyxl.Workbook]) -> None:
    v, wb = book
    lay, common = layout(v), load(v).common
    year = 2024 if v == "2021" else 2020
    info = {k: wb[p.sheet][p.cell].value for k, p in lay.info.items()}
    assert info["org"] == "测试局" and info["year"] == year and info["format"] == v
    assert info["title"] == common.report_title("测试局", year)
    assert info["preface"] == common.preface("测试局", year)
    assert info["kind"] == common.kinds["department"]
    for s in load(v).text_sections:
        p = lay.text[s.key]
        ws = wb[p.sheet]
        assert ws.cell(lay.text_heading_row(s.key), 1).value.startswith(s.title)
        assert p.rows == common["text_rows"]
        for i in range(p.rows):
            cell = ws.cell(p.row + i, p.col)
            assert cell.value is None and not cell.protection.locked and cell.alignment.wrap_text


def test_blank_workbook_has_no_invented_title() -> None:
    wb = _open(build_workbook(ReportData(format="2021")))
    lay = layout("2021")
    for k in ("org", "year", "title", "preface"):
        assert wb[lay.info[k].sheet][lay.info[k].cell].value is None, k


def test_guide_names_units_deadlines_and_every_relation() -> None:
    for v in versions():
        spec = load(v)
        wb = _open(build_workbook(ReportData(format=v)))
        text = "\n".join(str(c.value) for row in wb[spec.common.sheets["guide"]].iter_rows() for c in row if c.value)
        for r in spec.relations:
            assert r.title in text, r.id
        for f in spec.fields.values():
            assert f"“{f.unit}”" in text
        for m, d in spec.common["deadlines"].values():
            assert f"{m}月{d}日" in text
        assert "空白按0计" in text
        for token in spec.common["blank_tokens"]:
            assert f"“{token}”" in text


# -- prefill, determinism, options ------------------------------------------------------------

def test_prefill_from_data(book: tuple[str, openpyxl.Workbook]) -> None:
    v, _ = book
    data = _sample(v)
    data.text["overall"] = "\n".join(f"第{i}段" for i in range(1, 71))  # more paragraphs than rows
    data.info["title"] = "某某局\n年度报告"
    wb = _open(build_workbook(data))
    lay = layout(v)
    for key, n in data.values.items():
        p = lay.values[key]
        assert wb[p.sheet][p.cell].value == pytest.approx(float(n)), key
    p = lay.text["overall"]
    rows = [wb[p.sheet].cell(p.row + i, p.col).value for i in range(p.rows)]
    assert rows[:3] == ["第1段", "第2段", "第3段"]
    assert "\n".join(rows) == data.text["overall"]  # nothing lost: the last row takes the overflow
    t = lay.info["title"]
    assert wb[t.sheet][t.cell].value == "某某局\n年度报告"


def test_same_input_same_bytes() -> None:
    data = _sample("2021")
    assert build_workbook(data) == build_workbook(data)


def test_locked_info_and_written_by() -> None:
    xlsx = build_workbook(ReportData(format="2021", year=2024, org="甲局"), locked_info=["org", "year"],
                          written_by="distribute")
    wb = _open(xlsx)
    lay = layout("2021")
    for k, p in lay.info.items():
        assert wb[p.sheet][p.cell].protection.locked == (k in ("org", "year", "format")), k
    assert dict(meta_items(load("2021"), ReportData(format="2021"), "distribute"))["written_by"] == "distribute"
    meta = wb[lay.spec.common.sheets["meta"]]
    assert {r[0].value: r[1].value for r in meta.iter_rows(max_col=2)}["written_by"] == "distribute"
    with pytest.raises(ValueError):
        build_workbook(ReportData(format="2021"), written_by="other")


def test_annotations_highlight_and_list() -> None:
    lay = layout("2021")
    p = lay.values["carried_forward.natural_person"]
    err = Finding("T3_BALANCE", "error", "表三 不平衡", sheet=p.sheet, cell=p.cell)
    warn = Finding("X", "warning", "标题过长", sheet=lay.info["title"].sheet, cell=lay.info["title"].cell)
    wb = _open(build_workbook(ReportData(format="2021"), written_by="annotate",
                              annotations={(p.sheet, p.cell): [err], (warn.sheet, warn.cell): [warn]}))
    cell = wb[p.sheet][p.cell]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "表三 不平衡" in cell.comment.text
    assert not cell.protection.locked
    t = wb[warn.sheet][warn.cell]
    assert t.fill.fgColor.rgb.endswith("FFEB9C") and "标题过长" in t.comment.text
    checks = wb[lay.spec.common.sheets["checks"]]
    assert wb.sheetnames[0] == checks.title
    rows = [[c.value for c in r] for r in checks.iter_rows(min_row=4, max_col=4)]
    assert rows == [["错误", p.sheet, p.cell, err.message], ["警告", warn.sheet, warn.cell, warn.message]]


def test_reference_sheet_and_cross_year_checks() -> None:
    last = _sample("2021", seed=5)
    last.year = 2023
    this = _sample("2021", seed=6)
    wb = _open(build_workbook(this, reference=last))
    spec, lay = load("2021"), layout("2021")
    ref = wb[spec.common.sheets["last_year"]]
    assert ref.protection.sheet
    rows = {r[3].value: (r[1].value, r[2].value) for r in ref.iter_rows(min_row=4, max_col=4)}
    want = last.all_values()
    for key, f in spec.fields.items():
        assert rows[key] == (" › ".join(f.label_path), pytest.approx(float(want[key])))
    checks = {(t.sheet, c) for t in spec.tables.values() for c in _check_cells(wb, t.sheet)}
    assert len(checks) == len(spec.instances)  # cross-year ones too, against 上年参考
    inputs = {(lay.values[k].sheet, lay.values[k].cell): n for k, n in this.values.items()}
    # make this year's carry-over equal last year's carry-forward: the cross-year cells pass
    for c in ("natural_person", "commercial_enterprise"):
        inputs[(lay.values[f"carried_over.{c}"].sheet, lay.values[f"carried_over.{c}"].cell)] = \
            want[f"carried_forward.{c}"]
    ev = Sheets(wb, inputs)
    carry = [i for i in spec.instances if i.cross_year and i.lhs[0].key.startswith("carried_over.")][:2]
    for inst in carry:
        p = lay.values[inst.blame]
        cells = [ref for s, ref in checks if s == p.sheet and "上年参考" in _check_cells(wb, s)[ref]
                 and re.search(rf"\b{p.cell}\b", _check_cells(wb, s)[ref])]
        assert [ev.value(p.sheet, c) for c in cells] == ["✔"], inst


def test_extra_sheets_come_before_meta() -> None:
    seen = {}

    def extra(wb: Any, formats: dict) -> None:
        seen.update(formats)
        wb.add_worksheet("明细").write(0, 0, "x", formats["cell"])

    wb = _open(build_workbook(ReportData(format="2021"), extra=extra))
    assert wb.sheetnames[-2:] == ["明细", "_meta"] and {"title", "cell", "input"} <= set(seen)


# -- the format data drives the workbook ------------------------------------------------------

def test_added_relations_change_the_workbook() -> None:
    d = copy.deepcopy(format_data("2021"))
    d["relations"].append({"id": "X_GRANTED_LE_NEW", "kind": "le", "level": "warning", "table": "applications",
                           "title": "予以公开不超过本年新收", "lhs": ["granted.natural_person"],
                           "rhs": ["new_requests.natural_person", "carried_over.natural_person"],
                           "blame": "granted.natural_person"})
    d["relations"].append({"id": "X_IN_FORCE", "kind": "total", "level": "error", "table": "active_disclosure",
                           "title": "现行有效等于制发减废止", "total": "art20_1.rules.in_force",
                           "terms": ["art20_1.rules.issued", "-art20_1.rules.repealed"]})
    spec = from_data(d)
    base = _open(build_workbook(ReportData(format="2021")))
    wb = _open(build_workbook(ReportData(format="2021"), spec=spec))
    lay = Layout(spec)
    t3, t2 = spec.tables["applications"].sheet, spec.tables["active_disclosure"].sheet
    new3 = set(_check_cells(wb, t3).items()) - set(_check_cells(base, t3).items())
    assert len(new3) == 1
    (ref, _), = new3
    assert wb[t3][ref].column == lay.values["granted.natural_person"].col
    in_force = lay.values["art20_1.rules.in_force"]
    assert str(wb[t2][in_force.cell].value).startswith("=")
    assert wb[t2][in_force.cell].protection.locked
    assert str(base[t2][in_force.cell].value or "") == ""
    # and they compute: 5 − 2 = 3; 予以公开 above 新收 + 结转 turns the new cell ✘
    g, n = lay.values["granted.natural_person"], lay.values["new_requests.natural_person"]
    iss, rep = lay.values["art20_1.rules.issued"], lay.values["art20_1.rules.repealed"]
    ev = Sheets(wb, {(t2, iss.cell): 5, (t2, rep.cell): 2, (t3, g.cell): 9, (t3, n.cell): 4})
    assert ev.value(t2, in_force.cell) == 3
    assert ev.value(t3, ref) == "✘"
    assert Sheets(wb, {(t3, g.cell): 3, (t3, n.cell): 4}).value(t3, ref) == "✔"
    guide = "\n".join(str(c.value) for r in wb[spec.common.sheets["guide"]].iter_rows() for c in r if c.value)
    assert "予以公开不超过本年新收" in guide and "现行有效等于制发减废止" in guide
