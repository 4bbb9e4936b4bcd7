"""Finding submissions: recursion, zip attachments in memory, bombs and odd archives named."""

import zipfile

from tool.collect import intake


def test_finds_files_and_zip_members(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "财政局.xlsx").write_bytes(b"x")
    (tmp_path / "~$财政局.xlsx").write_bytes(b"lock")
    (tmp_path / "说明.docx").write_bytes(b"x")
    with zipfile.ZipFile(tmp_path / "附件.zip", "w") as zf:
        zf.writestr("教育局.xlsx", b"y" * 10)
        zf.writestr("readme.txt", b"z")
    (tmp_path / "b.rar").write_bytes(b"Rar!")
    got = {s.name: s for s in intake.find_sources(tmp_path)}
    assert set(got) == {"a/财政局.xlsx", "附件.zip › 教育局.xlsx", "b.rar"}
    assert got["附件.zip › 教育局.xlsx"].read() == b"y" * 10
    assert "解压" in got["b.rar"].problem


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xlsx", b"\0" * (30 * 1024 * 1024))
    [s] = list(intake.find_sources(tmp_path))
    assert "压缩炸弹" in s.problem


def test_corrupt_zip_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04garbage")
    [s] = list(intake.find_sources(tmp_path))
    assert "损坏" in s.problem


def test_gbk_member_names_are_decoded(tmp_path):
    p = tmp_path / "z.zip"
    gbk = "教育局.xlsx".encode("gbk")
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("a" * (len(gbk) - 5) + ".xlsx", b"q")  # same byte length, no UTF-8 flag
    p.write_bytes(p.read_bytes().replace(b"a" * (len(gbk) - 5) + b".xlsx", gbk))
    [s] = list(intake.find_sources(tmp_path))
    assert s.name == "z.zip › 教育局.xlsx"


def test_skip_folder(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.xlsx").write_bytes(b"x")
    assert list(intake.find_sources(tmp_path, skip=[tmp_path / "out"])) == []
