"""``nianbao template`` and ``nianbao fields`` through the CLI, and the committed blank workbooks."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import layout
from click.testing import CliRunner
from conftest import REPO

from tool.cli import cli
from tool.demo.synth import synthetic
from tool.format import load, versions
from tool.format.interchange import ReportData
from tool.workbook import blank_workbook, template_path


def committed(version: str) -> Path:
    """The committed blank workbook in the checkout (not in site-packages: CI installs non-editable)."""
    return REPO / "xlsx_templates" / template_path(version).name


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output


def _meta(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {r[0].value: r[1].value for r in wb["_meta"].iter_rows(max_col=2)}


@pytest.mark.parametrize(("year", "fmt"), [(2024, "2021"), (2020, "2019"), (2021, "2021")])
def test_template_format_follows_year(tmp_path: Path, year: int, fmt: str) -> None:
    out = tmp_path / "x.xlsx"
    code, text = _run("template", "--year", str(year), "--org", "测试局", "-o", str(out))
    assert code == 0, text
    assert f"{fmt} 格式" in text
    meta = _meta(out)
    assert (meta["format"], meta["year"], meta["org"]) == (fmt, str(year), "测试局")


def test_fields_json_lists_every_place() -> None:
    for v in versions():
        code, text = _run("fields", "--format", v, "--json")
        assert code == 0
        rows = json.loads(text)
        lay = layout(v)
        assert [r["key"] for r in rows] == list(lay.places)
        assert sum(r["input"] and not r["key"].startswith(("info.", "text.")) for r in rows) == len(lay.spec.inputs)


@pytest.mark.parametrize("version", versions())
def test_data_round_trip_through_fields(tmp_path: Path, version: str) -> None:
    """A workbook prefilled from DATA.json shows those values in the cells ``fields --json`` names."""
    spec = load(version)
    data = synthetic(spec, "某某市测试局", 2024 if version == "2021" else 2020, random.Random(11))
    data.info.update(kind="government", unit_id="11330000MB0000000X", contact="张三", phone="0571-88888888",
                     sign_date="2025-01-20", url="https://example.gov.cn/nb")
    data.text["preface"] = "前言第一句。"
    doc = data.to_json()
    src = tmp_path / "DATA.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out = tmp_path / "prefilled.xlsx"
    code, text = _run("template", "--data", str(src), "-o", str(out))
    assert code == 0, text
    code, text = _run("fields", "--format", version, "--json")
    wb = openpyxl.load_workbook(out)
    kinds = spec.common.kinds
    for row in json.loads(text):
        ws, key = wb[row["sheet"]], row["key"]
        shown = ws[row["cell"]].value
        if key.startswith("text."):
            paras = [ws[row["cell"]].offset(i, 0).value for i in range(row["rows"])]
            assert "\n".join(p for p in paras if p) == doc["text"][key[5:]], key
        elif key.startswith("info."):
            k = key[5:]
            want = {"org": doc["org"], "year": doc["year"], "format": version, "kind": kinds[doc["info"]["kind"]],
                    "preface": doc["text"]["preface"],
                    "title": doc["info"]["title"] or spec.common.report_title(doc["org"], doc["year"])
                    }.get(k, doc["info"].get(k))
            assert shown == want, key
        elif row["input"]:
            assert shown == pytest.approx(doc["values"][key]), key
        else:
            assert str(shown).startswith("="), key


def test_bad_data_is_a_chinese_error_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "2021", "values": {"granted.natural_person": -1, "nope": 1}}), "utf-8")
    code, text = _run("template", "--data", str(bad), "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "nope" in text and "不能为负数" in text and "Traceback" not in text
    assert not (tmp_path / "x.xlsx").exists()
    code, text = _run("template", "--data", str(tmp_path / "missing.json"))
    assert code == 2 and "找不到数据文件" in text


@pytest.mark.parametrize("version", versions())
def test_committed_blank_workbooks_are_current(version: str) -> None:
    """xlsx_templates/ must be what the code writes now (regenerate: tool.workbook.write_templates())."""
    path = committed(version)
    assert path.is_file(), f"{path} missing: run python -c 'from tool.workbook import write_templates; write_templates()'"
    fresh = blank_workbook(version)
    if path.read_bytes() != fresh:
        old, new = zipfile.ZipFile(path), zipfile.ZipFile(io.BytesIO(fresh))
        changed = [n for n in new.namelist() if n not in old.namelist() or old.read(n) != new.read(n)]
        pytest.fail(f"{path.name} is stale ({', '.join(changed)}): regenerate with write_templates()")


def test_blank_template_cli_equals_committed(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    assert _run("template", "--format", "2019", "-o", str(out))[0] == 0
    assert out.read_bytes() == committed("2019").read_bytes()
    assert ReportData(format="2019").year is None
