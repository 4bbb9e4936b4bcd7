"""Our workbook in a real office suite: LibreOffice fills it as a person would, recalculates, saves.

Every address comes from tool/layout.py, every expectation from the format data (tool/spec.py):
totals from ``Spec.compute``, ✔/✘ from the relation instances, validation from the field types.
UNO writes bypass protection and validation (as any program's do), so the test asserts the
properties the office UI enforces: labels locked on a protected sheet, inputs unlocked with
their validation rule. Excel and WPS are not available here; this is LibreOffice's behaviour.
"""

from __future__ import annotations

import random
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import layout, year_for
from office_harness import app_name, office_session, require_office
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from tool.demo.synth import synthetic
from tool.format import Instance, Spec, load, versions
from tool.format.interchange import ReportData
from tool.format.layout import Layout, a1
from tool.workbook import build_workbook

pytestmark = pytest.mark.office

ORG = "测试局"
CONTACT, PHONE = "王小明", "0351-1234567"
PARAGRAPHS = ["（一）主动公开方面。第一段文字。", "（二）依申请公开方面。第二段 & <文字>。"]
REF = re.compile(r"(?:(?:'((?:[^']|'')+)'|([^\s'!(),=+\-*/<>\"&;:]+))!)?"
                 r"\$?([A-Z]{1,3})\$?([0-9]+)(?::\$?([A-Z]{1,3})\$?([0-9]+))?(?![0-9(])")


@pytest.fixture(scope="module")
def office():
    require_office()
    with office_session() as s:
        yield s


def _number(v: Any) -> float:
    return float(v) if isinstance(v, Decimal) else v


def balanced(spec: Spec) -> dict[str, Any]:
    """Input values satisfying every relation (synthetic data, fixed seed), as JSON numbers."""
    data = synthetic(spec, ORG, year_for(spec), random.Random(7))
    return {k: _number(v) for k, v in data.values.items()}


def broken(spec: Spec, values: dict[str, Any]) -> tuple[dict[str, Any], Instance]:
    """The same values with one input of an equality relation raised by 1 (so that relation breaks)."""
    inst = next(i for i in spec.instances if i.kind == "equal" and not i.cross_year)
    key = sorted(spec.depends_on(inst))[0]
    return {**values, key: values[key] + 1}, inst


def fill_ops(lay: Layout, values: dict[str, Any], out: Path, pdf: Path | None = None) -> list[dict[str, Any]]:
    """What a person does: type every input, the contact, two paragraphs; recalc; save as xlsx."""
    per_sheet: dict[str, dict[str, Any]] = {}
    for key, v in values.items():
        p = lay.values[key]
        per_sheet.setdefault(p.sheet, {})[p.cell] = v
    info = lay.info
    per_sheet.setdefault(info["contact"].sheet, {}).update({info["contact"].cell: CONTACT, info["phone"].cell: PHONE})
    text = lay.text["overall"]
    per_sheet.setdefault(text.sheet, {}).update(
        {f"{_col(text)}{text.row + i}": para for i, para in enumerate(PARAGRAPHS)})
    ops = [{"op": "set", "sheet": s, "values": v} for s, v in per_sheet.items()]
    ops += [{"op": "recalc"}, {"op": "save", "path": out}]
    if pdf:
        ops.append({"op": "pdf", "path": pdf})
    return ops


def _col(p) -> str:  # type: ignore[no-untyped-def]
    return p.cell.rstrip("0123456789")


def expected_checks(spec: Spec, values: dict[str, Any]) -> dict[Instance, str]:
    full = spec.compute({k: Decimal(str(v)) for k, v in values.items()})

    def side(terms) -> Decimal:  # type: ignore[no-untyped-def]
        return sum((t.sign * Decimal(full[t.key]) for t in terms), Decimal(0))

    out = {}
    for inst in spec.instances:
        if inst.cross_year:
            continue
        lhs, rhs = side(inst.lhs), side(inst.rhs)
        out[inst] = "✔" if (lhs <= rhs if inst.kind == "le" else lhs == rhs) else "✘"
    return out


def check_cells(path: Path, spec: Spec, lay: Layout) -> dict[Instance, tuple[str, str]]:
    """Every 校验 cell of the saved file → (its relation instance, sheet!cell).

    A 校验 cell is a formula yielding ✔/✘; its instance is the one whose terms' cells are exactly
    the cells the formula refers to.
    """
    by_refs: dict[frozenset[tuple[str, str]], list[Instance]] = {}
    for inst in spec.instances:
        if not inst.cross_year:
            refs = frozenset((lay.values[t.key].sheet, lay.values[t.key].cell) for t in inst.terms)
            by_refs.setdefault(refs, []).append(inst)
    wb = load_workbook(path)
    found: dict[Instance, tuple[str, str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=") and "✘" in c.value:
                    refs = cell_refs(c.value.split(',"✔"')[0], ws.title)
                    insts = by_refs.get(refs)
                    assert insts, f"{ws.title}!{c.coordinate}: {c.value} matches no relation instance"
                    for inst in insts:
                        found[inst] = (ws.title, c.coordinate)
    return found


def cell_refs(formula: str, sheet: str) -> frozenset[tuple[str, str]]:
    """The (sheet, A1) cells a formula refers to, ranges expanded."""
    out = set()
    for m in REF.finditer(formula):
        name = (m[1] or "").replace("''", "'") or m[2] or sheet
        c1, r1 = column_index_from_string(m[3]), int(m[4])
        c2, r2 = (column_index_from_string(m[5]), int(m[6])) if m[5] else (c1, r1)
        out.update((name, a1(r, c)) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    return frozenset(out)


@pytest.fixture(scope="module")
def filled(office, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Per format: the generated workbook filled in LibreOffice twice (balanced, one relation broken)."""
    out: dict[str, dict[str, Any]] = {}
    jobs = []
    for v in versions():
        spec, lay = load(v), layout(v)
        d = tmp_path_factory.mktemp(f"office_{v}")
        src = d / "template.xlsx"
        src.write_bytes(build_workbook(ReportData(v, year_for(load(v)), ORG, {"kind": "department"})))
        good = balanced(spec)
        bad, broke = broken(spec, good)
        out[v] = {"spec": spec, "lay": lay, "src": src, "good": good, "bad": bad, "broke": broke,
                  "good_out": d / "good.xlsx", "bad_out": d / "bad.xlsx", "pdf": d / "good.pdf"}
        jobs.append({"path": src, "ops": fill_ops(lay, good, d / "good.xlsx", d / "good.pdf")})
        jobs.append({"path": src, "ops": fill_ops(lay, bad, d / "bad.xlsx")})
        jobs.append({"path": d / "good.xlsx", "ops": props_ops(spec, lay)})
        prefilled = d / "prefilled.xlsx"  # --data: values written by us, totals left to the office
        prefilled.write_bytes(build_workbook(ReportData(v, year_for(load(v)), ORG, {"kind": "department"}, synthetic(
            spec, ORG, year_for(load(v)), random.Random(7)).values)))
        out[v]["prefilled_out"] = d / "prefilled_saved.xlsx"
        jobs.append({"path": prefilled, "ops": [{"op": "save", "path": d / "prefilled_saved.xlsx"}]})
    results = office.run(jobs)
    for i, v in enumerate(versions()):
        ops, res = jobs[4 * i + 2]["ops"], results[4 * i + 2]
        out[v]["sheets"] = res[0]
        out[v]["props"] = {op["sheet"]: r for op, r in zip(ops[1:], res[1:], strict=True)}
    return out


def props_ops(spec: Spec, lay: Layout) -> list[dict[str, Any]]:
    """Read the protection and validation of every label, input and total, sheet by sheet."""
    cells: dict[str, list[str]] = {}
    for t in spec.tables.values():
        cells.setdefault(t.sheet, []).extend(a1(r, c) for r, c, _ in lay.labels(t))
    for p in lay.values.values():
        cells.setdefault(p.sheet, []).append(p.cell)
    for p in lay.info.values():
        cells.setdefault(p.sheet, []).append(p.cell)
    return [{"op": "sheets"}] + [{"op": "props", "sheet": s, "cells": list(dict.fromkeys(c))} for s, c in cells.items()]


def _props(f: dict[str, Any], sheet: str, cell: str) -> dict[str, Any]:
    return f["props"][sheet][cell]


# -- the tests ------------------------------------------------------------------------------

@pytest.mark.parametrize("version", versions())
def test_saved_by_libreoffice_with_values_and_totals(filled, version):
    f = filled[version]
    spec, lay = f["spec"], f["lay"]
    for name in ("good_out", "bad_out"):
        assert app_name(f[name]).startswith("LibreOffice"), name
    wb = load_workbook(f["good_out"], data_only=True)
    full = spec.compute({k: Decimal(str(v)) for k, v in f["good"].items()})
    for key, p in lay.values.items():
        got = wb[p.sheet][p.cell].value
        want = f["good"][key] if key in f["good"] else full[key]
        assert got is not None and Decimal(str(got)) == Decimal(str(want)), f"{p.sheet}!{p.cell} {key}: {got} ≠ {want}"
    assert [k for k in lay.values if spec.fields[k].computed], "the format has totals"
    info = lay.info
    assert wb[info["contact"].sheet][info["contact"].cell].value == CONTACT
    assert wb[info["phone"].sheet][info["phone"].cell].value == PHONE
    assert wb[info["org"].sheet][info["org"].cell].value == ORG
    text = lay.text["overall"]
    assert [wb[text.sheet][f"{_col(text)}{text.row + i}"].value for i in range(3)] == [*PARAGRAPHS, None]


@pytest.mark.parametrize("version", versions())
def test_prefilled_totals_computed_on_open(filled, version):
    """A workbook prefilled by ``template --data``, opened and saved untouched: LibreOffice computed
    every total and 校验 cell on load (the formulas carry no stale cached value)."""
    f = filled[version]
    spec, lay = f["spec"], f["lay"]
    wb = load_workbook(f["prefilled_out"], data_only=True)
    full = spec.compute({k: Decimal(str(v)) for k, v in f["good"].items()})
    for key, p in lay.values.items():
        if spec.fields[key].computed:
            got = wb[p.sheet][p.cell].value
            assert got is not None and Decimal(str(got)) == full[key], f"{p.sheet}!{p.cell} {key}: {got} ≠ {full[key]}"
    cells = check_cells(f["prefilled_out"], spec, lay)
    assert {wb[s][c].value for s, c in cells.values()} == {"✔"}


@pytest.mark.parametrize("version", versions())
def test_check_cells_computed_by_libreoffice(filled, version):
    f = filled[version]
    spec, lay = f["spec"], f["lay"]
    for values, path in ((f["good"], f["good_out"]), (f["bad"], f["bad_out"])):
        cells = check_cells(path, spec, lay)
        want = expected_checks(spec, values)
        assert set(cells) == set(want), "every relation instance has its 校验 cell"
        wb = load_workbook(path, data_only=True)
        got = {inst: wb[s][c].value for inst, (s, c) in cells.items()}
        assert got == want
    assert set(expected_checks(spec, f["good"]).values()) == {"✔"}
    broken_marks = expected_checks(spec, f["bad"])
    assert broken_marks[f["broke"]] == "✘"
    assert "✔" in broken_marks.values()


@pytest.mark.parametrize("version", versions())
def test_protection_and_validation_properties(filled, version):
    f = filled[version]
    spec, lay = f["spec"], f["lay"]
    sheets = {s["name"]: s for s in f["sheets"]}
    for t in spec.tables.values():
        assert sheets[t.sheet]["protected"], t.sheet
        for r, c, cell in lay.labels(t):
            p = _props(f, t.sheet, a1(r, c))
            assert p["locked"] and p["sheet_protected"], f"label {cell.text!r} at {t.sheet}!{a1(r, c)}"
    for key, place in lay.values.items():
        p = _props(f, place.sheet, place.cell)
        field = spec.fields[key]
        if field.computed:
            assert p["locked"], key
            continue
        assert not p["locked"] and p["sheet_protected"], key
        v = p["validation"]
        assert v["show_error"] and v["error_message"] and v["show_input"] and v["input_message"], key
        assert v["error_style"] == "STOP", key
        assert v["type"] == ("DECIMAL" if field.type == "decimal" else "WHOLE"), key
        accepted = [x for x in (-3, 0, 7, 2.5) if accepts(v, x)]
        if field.signed:
            assert accepted == [-3, 0, 7], key
        elif field.type == "decimal":
            assert accepted == [0, 7, 2.5], key
        else:
            assert accepted == [0, 7], key
    assert sheets[spec.common.sheets["info"]]["protected"]
    for info_field in spec.common.info_fields:
        place = lay.info[info_field.key]
        assert _props(f, place.sheet, place.cell)["locked"] == info_field.locked, info_field.key


def accepts(v: dict[str, Any], x: float) -> bool:
    """Whether LibreOffice's validation rule ``v`` lets a typed number ``x`` through."""
    if v["type"] == "WHOLE" and x != int(x):
        return False
    lo = float(v["formula1"]) if v["formula1"] else None
    hi = float(v["formula2"]) if v["formula2"] else None
    op = v["operator"]
    return {"NONE": True, "GREATER_EQUAL": lo is not None and x >= lo, "GREATER": lo is not None and x > lo,
            "BETWEEN": lo is not None and hi is not None and lo <= x <= hi,
            "LESS_EQUAL": lo is not None and x <= lo, "EQUAL": x == lo}[op]


@pytest.mark.parametrize("version", versions())
def test_pdf_is_a4_with_the_chinese_labels(filled, version):
    f = filled[version]
    spec = f["spec"]
    pdf = f["pdf"]
    # -raw: content-stream order, so a wrapped label's lines stay together (not interleaved by columns)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    labels = {c.text for t in spec.tables.values() for c in t.labels}
    missing = [label for label in labels if re.sub(r"\s+", "", label) not in flat]
    assert not missing, f"labels not in the PDF text: {missing[:5]}"
    for t in spec.tables.values():
        assert t.title in flat
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes
    for w, h in sizes:
        assert sorted((round(float(w)), round(float(h)))) == [595, 842], (w, h)  # A4, either orientation
