"""Roster reading: headers found by label, every faulty row named, names matched by 曾用名."""

from pathlib import Path

import pytest

from tool.collect import roster
from tool.core.errors import UsageError

HEAD = "序号,单位名称,单位代码,曾用名,联系人,联系电话,邮箱\n"


def _csv(tmp_path: Path, body: str, enc: str = "utf-8") -> Path:
    p = tmp_path / "名单.csv"
    p.write_bytes((HEAD + body).encode(enc))
    return p


def test_reads_units_with_former_names(tmp_path):
    units = roster.read_roster(_csv(tmp_path, "1,市财政局,,,张三,123,\n2,市自然资源和规划局,ZR01,市国土资源局、市规划局,,,\n"))
    assert [u.name for u in units] == ["市财政局", "市自然资源和规划局"]
    assert units[1].former_names == ("市国土资源局", "市规划局")
    assert (units[0].ident, units[1].ident) == ("1", "ZR01")


def test_gbk_csv_is_read(tmp_path):
    units = roster.read_roster(_csv(tmp_path, "1,市财政局,,,张三,,\n", enc="gbk"))
    assert units[0].contact == "张三"


def test_duplicates_and_ambiguous_names_are_all_listed(tmp_path):
    with pytest.raises(UsageError) as e:
        roster.read_roster(_csv(tmp_path, "1,市财政局,,,,,\n1,市规划局,,,,,\n3,市 财政局,,,,,\n4,市资规局,,市规划局,,,\n"))
    msg = e.value.message
    assert "序号“1”与第2行重复" in msg
    assert "第4行：单位名称“市 财政局”与第2行的单位名称相同" in msg
    assert "第5行：曾用名“市规划局”与第3行的单位名称相同" in msg
    assert "未生成任何文件" in msg


def test_missing_header_is_explained(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(UsageError, match="找不到表头"):
        roster.read_roster(p)


def test_template_round_trips(tmp_path):
    p = tmp_path / "名单.xlsx"
    p.write_bytes(roster.roster_template())
    with pytest.raises(UsageError, match="没有任何单位"):
        roster.read_roster(p)
    assert roster.roster_template() == roster.roster_template()  # deterministic


def test_matcher_prefers_id_then_name_then_former_name():
    units = [roster.Unit("1", "市财政局"), roster.Unit("2", "市自然资源和规划局", "ZR", ("市国土资源局",))]
    m = roster.Matcher(units)
    assert m.match("ZR", "whatever") == (units[1], "单位代码")
    assert m.match("", "市 财政局") == (units[0], "单位名称")
    assert m.match("", "市国土资源局") == (units[1], "曾用名")
    assert m.match("", "市教育局") == (None, "")


def test_roster_csv_round_trips(tmp_path):
    units = [roster.Unit("1", "市财政局", "", (), "张三", "123"),
             roster.Unit("2", "市自然资源和规划局", "ZR", ("市国土资源局", "市规划局"), email="a@b.cn")]
    p = tmp_path / "名单.csv"
    p.write_bytes(roster.roster_csv(units))
    got = roster.read_roster(p)
    assert [(u.seq, u.name, u.unit_id, u.former_names, u.contact, u.phone, u.email) for u in got] == \
        [(u.seq, u.name, u.unit_id, u.former_names, u.contact, u.phone, u.email) for u in units]


def test_control_characters_and_overlong_cells(tmp_path):
    p = _csv(tmp_path, "1,市财\x00政局,,,,,\n2,市" + "规" * 300 + "局,,,,,\n")
    with pytest.raises(UsageError) as e:
        roster.read_roster(p)
    assert "第3行：单位名称过长（302 字" in e.value.message
    p = _csv(tmp_path, "1,市财\x00政局,,,,,\n")
    assert roster.read_roster(p)[0].name == "市财政局"


def test_look_alike_names_are_flagged(tmp_path):
    with pytest.raises(UsageError) as e:
        roster.read_roster(_csv(tmp_path, "1,市财政局,,,,,\n2,市財政局,,,,,\n3,市\u200b财政局,,,,,\n"))
    msg = e.value.message
    assert "第3行：单位名称“市財政局”与第2行的单位名称“市财政局”只有繁简字或看不见的字符之别" in msg
    assert "第4行" in msg


def test_a_traditional_name_matches_its_unit(tmp_path):
    units = roster.read_roster(_csv(tmp_path, "1,市财政局,,,,,\n"))
    unit, how = roster.Matcher(units).match("", "市財政局")
    assert unit is units[0] and how == "单位名称"


def test_roster_workbook_with_a_far_stray_cell(tmp_path):
    from hostile import stray_cell

    p = tmp_path / "名单.xlsx"
    p.write_bytes(roster.roster_template())
    p.write_bytes(stray_cell(p.read_bytes(), sheet="xl/worksheets/sheet1.xml"))
    with pytest.raises(UsageError) as e:
        roster.read_roster(p)
    assert "XFD1048576" in e.value.message
