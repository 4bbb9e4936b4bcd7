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


def test_duplicate_member_names_are_two_sources(tmp_path):
    p = tmp_path / "z.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("财政局.xlsx", b"first")
        with __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")  # zipfile warns about the duplicate name
            zf.writestr("财政局.xlsx", b"second")
    got = list(intake.find_sources(tmp_path))
    assert [s.name for s in got] == ["z.zip › 财政局.xlsx", "z.zip › 财政局.xlsx（同名第2个）"]
    assert [s.read() for s in got] == [b"first", b"second"]


def test_utf8_names_without_the_flag_and_invalid_dates(tmp_path):
    from hostile import patch_headers

    p = tmp_path / "z.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("教育局.xlsx", b"q")
    raw = p.read_bytes()
    # clear the UTF-8 flag (bit 11) in both headers; the bytes stay UTF-8, as Mac and Linux tools write
    raw = raw.replace(b"PK\x03\x04\x14\x00\x00\x08", b"PK\x03\x04\x14\x00\x00\x00")
    raw = raw.replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x08", b"PK\x01\x02\x14\x03\x14\x00\x00\x00")
    p.write_bytes(patch_headers(raw, "教育局.xlsx", date=0, time=0))
    [s] = list(intake.find_sources(tmp_path))
    assert s.name == "z.zip › 教育局.xlsx" and s.mtime == 0.0 and s.read() == b"q"


def test_a_workbook_dated_2099_does_not_win_for_ever():
    import io
    import time

    def stamped(when: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr("docProps/core.xml", f"<cp><dcterms:modified xsi:type='x'>{when}</dcterms:modified></cp>")
        return out.getvalue()

    assert intake.doc_modified(stamped("2024-12-01T08:00:00Z")) == "2024-12-01T08:00:00Z"
    assert intake.doc_modified(stamped("2099-01-01T00:00:00Z"), now=time.time()) == ""
