"""Bad input never crashes (issue 3, item 6): a corpus of broken files made from real templates.

Each file goes through ``nianbao check`` in-process: its exit code, Chinese key words in the
message, no traceback, bounded time, and the input's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import cell_of, edit, sample, workbook
from click.testing import CliRunner
from hostile import rewrite

from tool.cli import cli

D21 = sample("2021")
GOOD = workbook(D21)


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (OLE2, as Office writes encrypted xlsx): header, FAT, directory, streams.

    Streams are padded to ≥ 4096 bytes so they live in regular sectors (no mini stream).
    """
    sec = 512
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    datas = [d.ljust(max(4096, -(-len(d) // sec) * sec), b"\0") for d in streams.values()]
    fat = [fatsect, end]  # sector 0: FAT, sector 1: directory
    starts = []
    for d in datas:
        n = len(d) // sec
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(n - 1)] + [end]
    fat += [free] * (sec // 4 - len(fat))

    def entry(name: str, typ: int, start: int, size: int, child=nostream, right=nostream) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), typ, 1, nostream, right, child)
                + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<IQ", start, size))

    names = list(streams)
    dirs = [entry("Root Entry", 5, end, 0, child=1)]
    for i, n in enumerate(names):
        dirs.append(entry(n, 2, starts[i], len(streams[n]), right=i + 2 if i + 1 < len(names) else nostream))
    directory = b"".join(dirs).ljust(sec, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(datas)


def encrypted_xlsx() -> bytes:
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
        b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    package = struct.pack("<Q", len(GOOD)) + hashlib.sha512(GOOD).digest() * 64
    return ole2({"EncryptionInfo": info, "EncryptedPackage": package})


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros inflate from ~300 KB
                f.write(chunk)
    return out.getvalue()


def xxe() -> bytes:
    def inject(xml: bytes) -> bytes:
        head, _, rest = xml.partition(b"?>")
        body = rest.replace(D21.org.encode(), b"&xxe;", 1)
        return head + b'?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body
    return rewrite(GOOD, "xl/sharedStrings.xml", inject)


def docx() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def other_software() -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    wb.add_worksheet("Sheet1").write_row(0, 0, ["单位", "申请数"])
    wb.close()
    return buf.getvalue()


def at(key: str, value):
    return {cell_of(D21, key): value}


def _delete_row(wb):
    wb["表三"].delete_rows(12)


def _insert_row(wb):
    wb["表三"].insert_rows(12)


def _rename(wb):
    wb["表二"].title = "主动公开"


def _drop_meta(wb):
    wb.remove(wb["_meta"])


def _drop_text(wb):
    wb.remove(wb["文字部分"])


def blank_text():
    d = sample("2021")
    d.text["overall"] = ""
    return d


# name, how to make it, exit code, key words in the output
CORPUS: list[tuple[str, Callable[[], bytes], int, tuple[str, ...]]] = [
    ("文字填在数字格.xlsx", lambda: edit(GOOD, at("granted.natural_person", "约十件")), 1, ("不是数字", "约十件")),
    ("负数.xlsx", lambda: edit(GOOD, at("art20_1.rules.issued", -2)), 1, ("不能为负数",)),
    ("件数有小数.xlsx", lambda: edit(GOOD, at("review_upheld", 2.5)), 1, ("应为整数", "2.5")),
    ("合计被改写.xlsx", lambda: edit(GOOD, at("results_total.other_org", 999)), 1, ("手工改写", "999")),
    ("合计格填了字.xlsx", lambda: edit(GOOD, at("new_requests.total", "见附件")), 1, ("不是数字",)),
    ("删了一行.xlsx", lambda: edit(GOOD, change=_delete_row), 1, ("增删行列", "表三")),
    ("插了一行.xlsx", lambda: edit(GOOD, change=_insert_row), 1, ("增删行列", "表三")),
    ("改了表名.xlsx", lambda: edit(GOOD, change=_rename), 1, ("缺少工作表", "主动公开", "改回")),
    ("删了文字部分.xlsx", lambda: edit(GOOD, change=_drop_text), 1, ("缺少工作表", "文字部分")),
    ("删了元数据.xlsx", lambda: edit(GOOD, change=_drop_meta), 0, ("元数据", "2021 格式")),
    ("用了旧格式.xlsx", lambda: workbook(sample("2019", year=2024)), 1, ("应使用 2021 格式", "nianbao template")),
    ("单位名称空.xlsx", lambda: edit(GOOD, at("info.org", None)), 1, ("单位名称", "必须填写")),
    ("年度乱填.xlsx", lambda: edit(GOOD, at("info.year", "去年")), 1, ("报告年度", "去年")),
    ("总体情况空.xlsx", lambda: workbook(blank_text()), 1, ("一、总体情况", "不能为空")),
    ("不平衡.xlsx", lambda: edit(GOOD, at("new_requests.natural_person", 999)), 1, ("相差", "第一项 999")),
    ("全角千分位.xlsx", lambda: edit(GOOD, at("art20_1.rules.issued", "１,０００件")), 0, ("校验通过",)),
    ("空文件.xlsx", lambda: b"", 2, ("空的",)),
    ("其实是Word.xlsx", docx, 2, ("Word",)),
    ("下载中断.xlsx", lambda: GOOD[: len(GOOD) // 2], 2, ("损坏",)),
    ("有密码.xlsx", encrypted_xlsx, 2, ("密码",)),
    ("压缩炸弹.xlsx", zip_bomb, 2, ("拒绝读取",)),
    ("外部实体.xlsx", xxe, 2, ("无法解析",)),
    ("WPS格式.et", lambda: ole2({"Workbook": b"\x09\x08" * 100}), 2, ("WPS", "另存为")),
    ("随机字节.xlsx", lambda: os.urandom(3000).replace(b"PK", b"pk"), 2, ("不是电子表格",)),
    ("网页另存.xls", lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>", 2, ("网页",)),
    ("普通压缩包.xlsx", lambda: zip_of({"a.txt": b"hello"}), 2, ("压缩包",)),
    ("别人的表.xlsx", other_software, 2, ("不是本系统生成的填报表",)),
    ("工作表截断.xlsx", lambda: rewrite(GOOD, "xl/worksheets/sheet3.xml", lambda x: x[:2000]), 2,
     ("表三", "损坏")),
    ("共享字符串越界.xlsx", lambda: rewrite(GOOD, "xl/worksheets/sheet3.xml", lambda x: x.replace(
        b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row>', 1)), 2, ("损坏",)),
]


def check(path: Path) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["check", str(path)])
    return r.exit_code, r.output


@pytest.mark.parametrize(("name", "make", "code", "words"), CORPUS, ids=[c[0] for c in CORPUS])
def test_broken_file(tmp_path, name, make, code, words):
    path = tmp_path / name
    path.write_bytes(make())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    got, out = check(path)
    assert got == code, out
    for w in words:
        assert w in out, (w, out)
    assert "Traceback" not in out and "内部错误" not in out
    assert "root:" not in out  # no external entity was resolved
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_fifty_megabytes_refused_without_reading(tmp_path):
    path = tmp_path / "50MB.xlsx"
    with path.open("wb") as f:
        f.write(GOOD)
        f.truncate(50 * 1024 * 1024)
    got, out = check(path)
    assert got == 2 and "太大" in out


def test_non_utf8_file_name(tmp_path):
    raw = os.fsencode(tmp_path) + b"/" + "财政局".encode("gbk") + b".xlsx"  # a name from a Windows zip
    with open(raw, "wb") as f:
        f.write(GOOD)
    got, out = check(Path(os.fsdecode(raw)))
    assert got == 0 and "财政局.xlsx" in out


def test_folder_and_missing_file(tmp_path):
    got, out = check(tmp_path)
    assert got == 2 and "文件夹" in out
    got, out = check(tmp_path / "没有这个.xlsx")
    assert got == 2 and "找不到文件" in out
