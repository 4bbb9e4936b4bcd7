"""``nianbao check`` and ``nianbao export`` (issue 3, items 4 and 5)."""

from __future__ import annotations

import hashlib
import json

import python_calamine as pc
from builders import cell_of, edit, sample, workbook
from click.testing import CliRunner

from tool.cli import cli
from tool.read import read_file


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def write(path, blob):
    path.write_bytes(blob)
    return path


def unbalanced():
    d = sample("2021")
    d.values["new_requests.natural_person"] += 1
    return d


def test_exit_codes_and_worst_wins(tmp_path):
    ok = write(tmp_path / "ok.xlsx", workbook(sample("2021")))
    bad = write(tmp_path / "bad.xlsx", workbook(unbalanced()))
    junk = write(tmp_path / "junk.xlsx", b"not a workbook at all")
    assert run("check", ok).exit_code == 0
    assert run("check", ok, bad).exit_code == 1
    r = run("check", bad, junk, ok)
    assert r.exit_code == 2
    assert "不是电子表格文件" in r.output and "表三 D30" in r.output


def test_warnings_only_exit_zero(tmp_path):
    d = sample("2021")
    d.info["sign_date"] = "2025-03-01"
    r = run("check", write(tmp_path / "late.xlsx", workbook(d)))
    assert r.exit_code == 0 and "警告" in r.output and "落款日期" in r.output


def test_human_output_grouped_by_file_and_sheet(tmp_path):
    d = unbalanced()
    d.org = ""
    r = run("check", write(tmp_path / "财政局.xlsx", workbook(d)))
    out = r.output
    assert "财政局.xlsx" in out and "【基本信息】" in out and "【表三】" in out
    assert out.index("【基本信息】") < out.index("【表三】")
    assert "第一项 43 + 第二项 7 = 50" in out or "相差 1" in out


def test_json_is_always_a_list(tmp_path):
    bad = write(tmp_path / "bad.xlsx", workbook(unbalanced()))
    junk = write(tmp_path / "junk.xlsx", b"")
    r = run("check", bad, "--json")
    doc = json.loads(r.stdout)
    assert isinstance(doc, list) and len(doc) == 1
    [item] = doc
    assert {"file", "ok", "format", "year", "org", "findings"} <= set(item)
    assert item["ok"] is False and item["format"] == "2021" and item["year"] == 2024
    [f, said] = item["findings"]  # the imbalance, and the text's 收到 count that no longer agrees
    assert {"rule", "level", "sheet", "cell", "key", "label_path", "expected", "actual", "quote", "message"} <= set(f)
    assert (said["rule"], said["sheet"], said["actual"], said["quote"]) == (
        "TEXT_NUMBER_MISMATCH", "文字部分", 254, "本年度共收到政府信息公开申请254件")
    assert (f["rule"], f["level"], f["cell"], f["expected"], f["actual"]) == ("T3_BALANCE", "error", "D30", 1, 0)
    r = run("check", junk, bad, "--json")
    doc = json.loads(r.stdout)
    assert [d["ok"] for d in doc] == [False, False] and r.exit_code == 2
    assert doc[0]["findings"][0]["rule"] == "FILE_EMPTY" and "空" in doc[0]["findings"][0]["message"]


def test_annotate_writes_marked_copy_and_leaves_original(tmp_path):
    d = unbalanced()
    src = write(tmp_path / "财政局.xlsx", workbook(d))
    ok = write(tmp_path / "ok.xlsx", workbook(sample("2021")))
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "退回"
    r = run("check", src, ok, "--annotate", out)
    assert r.exit_code == 1
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    files = sorted(p.name for p in out.glob("*.xlsx"))
    assert files == ["财政局_退回.xlsx"]  # only files with findings
    back = read_file(out / files[0])
    assert back.meta["written_by"] == "annotate" and back.data.values == read_file(src).data.values
    wb = pc.CalamineWorkbook.from_path(str(out / files[0]))
    assert "校验结果" in wb.sheet_names
    rows = wb.get_sheet_by_name("校验结果").to_python()
    assert any("D30" in map(str, row) for row in rows)
    import openpyxl

    ws = openpyxl.load_workbook(out / files[0])["表三"]
    assert "相差 1" in ws["D30"].comment.text


def test_annotate_broken_structure_copies_the_original(tmp_path):
    blob = edit(workbook(sample("2021")), change=lambda wb: wb["表三"].insert_rows(10))
    src = write(tmp_path / "插了行.xlsx", blob)
    r = run("check", src, "--annotate", tmp_path / "out")
    assert r.exit_code == 1
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "out" / "插了行_退回.xlsx")
    assert wb.sheetnames[0] == "校验结果"
    assert wb["表三"].max_row > 30  # the department's own (broken) sheet, kept as it was
    assert src.read_bytes() == blob


def test_export_round_trips_through_template(tmp_path):
    d = sample("2021", seed=4)
    src = write(tmp_path / "in.xlsx", workbook(d))
    r = run("export", src, "--json")
    assert r.exit_code == 0
    exported = json.loads(r.stdout)
    assert exported["values"]["new_requests.total"] == d.all_values()["new_requests.total"]
    data = write(tmp_path / "data.json", r.stdout.encode())
    again = tmp_path / "again.xlsx"
    assert run("template", "--data", data, "-o", again).exit_code == 0
    assert again.read_bytes() == src.read_bytes()


def test_export_refuses_unreadable_values(tmp_path):
    d = sample("2021")
    src = write(tmp_path / "x.xlsx", edit(workbook(d), {cell_of(d, "granted.other_org"): "好多"}))
    r = run("export", src)
    assert r.exit_code == 1 and "好多" in r.output and "Traceback" not in r.output


def test_last_year_option(tmp_path):
    this = sample("2021", year=2021, seed=5)
    prev = sample("2019", year=2020, seed=6)
    a = write(tmp_path / "2021.xlsx", workbook(this))
    b = write(tmp_path / "2020.xlsx", workbook(prev))
    r = run("check", a, "--last-year", b, "--json")
    rules = {f["rule"] for f in json.loads(r.stdout)[0]["findings"]}
    assert "T3_CROSS_YEAR_CARRY" in rules and r.exit_code == 1
    r = run("check", a, "--last-year", a, "--json")  # wrong year: said, not silently compared
    assert "CROSS_YEAR_YEAR" in {f["rule"] for f in json.loads(r.stdout)[0]["findings"]}
    r = run("check", a, "--last-year", tmp_path / "missing.xlsx", "--json")
    assert "CROSS_YEAR_UNREAD" in {f["rule"] for f in json.loads(r.stdout)[0]["findings"]}


def test_export_csv_lists_every_field_with_its_labels(tmp_path):
    import csv
    import io

    from tool.format import load

    good = write(tmp_path / "good.xlsx", workbook(sample()))
    out = tmp_path / "values.csv"
    r = run("export", good, "--csv", "-o", out)
    assert r.exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 CSV only with a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    spec = load("2021")
    assert rows[0] == ["表", "行标签", "列标签", "字段键", "数值", "单位"]
    assert [r[3] for r in rows[1:]] == list(spec.fields)
    got = {r[3]: r for r in rows[1:]}
    values = sample().all_values()
    assert got["granted.commercial_enterprise"][:3] == ["表三", "三、本年度办理结果 › （一）予以公开", "法人或其他组织 › 商业企业"]
    assert got["granted.total"][4] == str(values["granted.total"])
