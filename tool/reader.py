"""Read a filled workbook back into ``ReportData``, tolerantly, and verify its structure.

The hot path of ``check`` and ``collect``: python-calamine parses the file (xlsx/xlsm/xls/ods)
once; every sheet we need is loaded once; label and field positions come from ``layout`` and
are precomputed per format version. A sheet whose labels are not where the layout puts them
(an inserted or deleted row, a workbook of the other format) is reported as a structure
finding and its values are not read at all: never shifted values.

Before calamine sees the bytes, ``sniff`` decides what the file is (zip, OLE2, other) and
rejects what must not be parsed: too large, zip bombs (sizes from the zip directory, before
anything is inflated), encrypted workbooks, Word files, WPS .et files. Problems that make the
file unusable raise ``UnreadableError`` (exit 2); problems inside a readable workbook are
findings. openpyxl is never imported here (it costs ~100 ms to import).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from .data import ReportData
from .errors import UnreadableError
from .files import os_reason
from .findings import CATALOG, Finding, make
from .layout import Layout, Place, a1, layout, sheet_row
from .spec import Number, Spec, load_common, norm, versions

MAX_BYTES = 20 * 1024 * 1024  # a filled workbook is ~30 KB; 20 MB leaves room for pictures
MAX_UNZIPPED = 100 * 1024 * 1024  # declared total of all zip members
MAX_RATIO = 100  # declared compression ratio of one member (sheet XML compresses ~10×)
MAX_MEMBERS = 5000
SAVE_AS = "请用 WPS、Excel 或 LibreOffice 打开它，选择“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，然后重新提交"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")


# -- normalisation ------------------------------------------------------------------------

def shown(raw: Any) -> str:
    """A raw cell value as the user typed it, for messages."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


@cache
def _tokens() -> tuple[frozenset[str], tuple[str, ...]]:
    common = load_common()
    blanks = frozenset(norm(t) for t in common["blank_tokens"])
    suffixes = tuple(sorted((norm(s) for s in common["number_suffixes"]), key=len, reverse=True))
    return blanks, suffixes


_INF = float("inf")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_number(raw: Any) -> tuple[str, Number | None]:
    """Classify a value cell: ("number", n), ("blank", None), ("token", None) or ("bad", None).

    Accepts numbers, numbers stored as text, full-width digits, thousands separators, a
    trailing unit (件/项/元 …) and spaces; blank tokens (—, -, /, 无 …) count as 0.
    """
    if type(raw) is float and raw == raw and raw not in (_INF, -_INF):  # the hot path: calamine's numbers
        return "number", int(raw) if raw.is_integer() else Decimal(repr(raw))
    if raw is None or raw == "":
        return "blank", None
    if isinstance(raw, bool) or isinstance(raw, (date, datetime)):
        return "bad", None
    if isinstance(raw, int):
        return "number", raw
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return "bad", None
        return "number", int(raw) if raw.is_integer() else Decimal(repr(raw))
    text = norm(raw).replace("−", "-")
    blanks, suffixes = _tokens()
    if not text:
        return "blank", None
    if text in blanks:
        return "token", None
    for s in suffixes:
        if text.endswith(s) and len(text) > len(s):
            text = text[: -len(s)]
            break
    if "," in text:
        if not _THOUSANDS.fullmatch(text):
            return "bad", None
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return "bad", None
    try:
        d = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
        return "bad", None
    return "number", int(d) if d == d.to_integral_value() else d


def parse_year(raw: Any) -> int | None:
    kind, n = parse_number(raw.removesuffix("年") if isinstance(raw, str) else raw)
    if kind == "number" and isinstance(n, int) and 1990 <= n <= 2200:
        return n
    return None


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(raw: Any) -> str:
    """ISO date for a date cell or text such as 2025年1月20日, 2025/1/20; else the text as is."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = unicodedata.normalize("NFKC", shown(raw)).strip()
    m = _DATE.fullmatch(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return text
    return text


def cell_text(raw: Any) -> str:
    if isinstance(raw, (datetime, date)):
        return parse_date(raw)
    return shown(raw).strip() if raw not in (None, "") else ""


# -- what the file is ------------------------------------------------------------------------

def sniff(data: bytes, name: str) -> str:
    """The container kind ('zip' or 'ole2'), or UnreadableError saying why and what to do."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise UnreadableError(f"{name}：文件是空的（0 字节），可能没有保存成功或传输中断；请重新保存后再提交")
    if len(data) > MAX_BYTES:
        raise too_large(name, len(data))
    if data.startswith(b"PK"):
        _check_zip(data, name)
        return "zip"
    if data.startswith(OLE2):
        if ENCRYPTED_STREAM in data:
            raise UnreadableError(f"{name}：文件设置了打开密码（已加密），无法读取；请打开文件后取消密码"
                                  "（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；WPS：文件 → 文档加密），"
                                  "保存后重新提交")
        if suffix == ".et":
            raise UnreadableError(f"{name}：这是 WPS 表格专有格式（.et），无法读取；{SAVE_AS}")
        return "ole2"
    if suffix == ".et":
        raise UnreadableError(f"{name}：这是 WPS 表格专有格式（.et），无法读取；{SAVE_AS}")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<html", b"<!doctype", b"<table")):
        raise UnreadableError(f"{name}：这是网页或 XML 文件（可能是另存为“网页”或“XML 表格”的结果），不是 Excel 工作簿；{SAVE_AS}")
    if suffix == ".csv":
        raise UnreadableError(f"{name}：CSV 文件不含填报表的结构；请用 nianbao template 生成的填报表填写，并保存为 .xlsx")
    raise UnreadableError(f"{name}：不是电子表格文件（既不是 .xlsx/.ods，也不是 .xls）；"
                          f"如果它是用其他软件做的表格，{SAVE_AS}")


def too_large(name: str, size: int) -> UnreadableError:
    return UnreadableError(f"{name}：文件太大（{size / 1048576:.1f} MB，上限 {MAX_BYTES // 1048576} MB），"
                           "不像是填报表；请删除表中插入的图片或多余内容后另存为 .xlsx 再提交")


def _check_zip(data: bytes, name: str) -> None:
    """Reject a zip that is broken, not a spreadsheet, or a bomb, reading only its directory."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableError(f"{name}：文件已损坏（压缩结构不完整），可能是下载或传输中断；"
                              "请用 Excel/WPS 打开原文件重新保存后再提交") from None
    names = {i.filename for i in infos}
    if len(infos) > MAX_MEMBERS:
        raise UnreadableError(f"{name}：文件内部包含 {len(infos)} 个部件，不是正常的填报表，已拒绝读取")
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1_000_000), default=0)
    if total > MAX_UNZIPPED or worst > MAX_RATIO:
        raise UnreadableError(f"{name}：文件解压后异常巨大（约 {total / 1048576:.0f} MB，压缩比 {worst:.0f}∶1），"
                              "可能是恶意构造的压缩包，已拒绝读取")
    if "word/document.xml" in names:
        raise UnreadableError(f"{name}：这是 Word 文档（.docx），不是填报表；请提交用 nianbao template 生成并填好的 Excel 填报表")
    if "ppt/presentation.xml" in names:
        raise UnreadableError(f"{name}：这是 PowerPoint 演示文稿，不是填报表")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return
    if "mimetype" in names and b"spreadsheet" in zf.read("mimetype")[:100]:
        return
    if "mimetype" in names or "content.xml" in names:
        raise UnreadableError(f"{name}：这是 OpenDocument 文档但不是电子表格；{SAVE_AS}")
    raise UnreadableError(f"{name}：是一个压缩包（.zip），不是 Excel 工作簿；请解压后提交其中的填报表")


def open_book(data: bytes, name: str) -> Any:
    """A calamine workbook over the bytes, or UnreadableError."""
    import python_calamine as pc

    kind = sniff(data, name)
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise UnreadableError(f"{name}：文件设置了密码，无法读取；请取消密码后保存，再重新提交") from None
    except Exception as e:  # calamine raises several unrelated types for broken files
        what = "旧版 Excel（.xls）文件无法解析" if kind == "ole2" else "文件内容已损坏，无法解析"
        raise UnreadableError(f"{name}：{what}（{type(e).__name__}）；{SAVE_AS}") from None


# -- the expected structure, per format version ---------------------------------------------------

Label = tuple[int, int, str, str, bool]  # row0, col0, normalised text, text, prefix match allowed
GUARD = "（空白）"  # the row under a table must be empty: a row inserted above shifts content into it


@dataclass(frozen=True)
class Expected:
    """Where a layout's labels and fields are: precomputed once per Spec."""

    lay: Layout
    labels: dict[str, tuple[Label, ...]]  # sheet → labels (and guard cells) to verify
    fields: dict[str, tuple[tuple[str, int, int], ...]]  # sheet → (key, row0, col0)
    nrows: dict[str, int]  # rows to load per sheet

    @property
    def spec(self) -> Spec:
        return self.lay.spec


def _expected_for(lay: Layout) -> Expected:
    spec = lay.spec
    labels: dict[str, list[Label]] = {}
    for t in spec.tables.values():
        items = labels.setdefault(t.sheet, [])
        items.extend((r - 1, c - 1, norm(cell.text), cell.text, False)
                     for r, c, cell in lay.labels(t) if norm(cell.text))
        below = sheet_row(t.n_rows)  # 0-based index of the row under the table
        items.extend((below, c, "", GUARD, False) for c in range(t.n_cols))
    info = spec.common.sheets["info"]  # labels may carry a suffix such as （必填）
    labels[info] = [(p.row - 1, p.col - 2, norm(f.label), f.label, True)
                    for f, p in ((f, lay.info[f.key]) for f in spec.common.info_fields)]
    for s in spec.text_sections:
        p = lay.text[s.key]
        labels.setdefault(p.sheet, []).append((lay.text_heading_row(s.key) - 1, 0, norm(s.title), s.title, True))
    fields: dict[str, list[tuple[str, int, int]]] = {}
    for k, p in lay.values.items():
        fields.setdefault(p.sheet, []).append((k, p.row - 1, p.col - 1))
    nrows: dict[str, int] = {}
    for sheet, items in labels.items():
        nrows[sheet] = max(r for r, *_ in items) + 1
    for sheet, fitems in fields.items():
        nrows[sheet] = max(nrows.get(sheet, 0), max(r for _, r, _ in fitems) + 1)
    for p in lay.text.values():
        nrows[p.sheet] = max(nrows.get(p.sheet, 0), p.row + p.rows - 1)
    return Expected(lay, {k: tuple(v) for k, v in labels.items()},
                    {k: tuple(v) for k, v in fields.items()}, nrows)


@cache
def expected(version: str) -> Expected:
    return _expected_for(layout(version))


def expected_of(spec: Spec) -> Expected:
    """Expected structure for a Spec (a test's modified copy included)."""
    if spec.id in versions() and spec is layout(spec.id).spec:
        return expected(spec.id)
    return _expected_for(Layout(spec))


# -- the submission -----------------------------------------------------------------------------

@dataclass
class Submission:
    """What was read from one file: the data, its metadata, and the reading findings."""

    file: str
    data: ReportData
    meta: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # field key → the cell's raw value
    totals: dict[str, Number] = field(default_factory=dict)  # total cells that held a number
    bad: set[str] = field(default_factory=set)  # fields whose value could not be read
    broken_sheets: set[str] = field(default_factory=set)  # sheets whose structure is wrong
    spec: Spec | None = None
    path: str = ""  # the file on disk, when read from one (``file`` is the name shown)

    @property
    def unread(self) -> set[str]:
        """Fields without a trustworthy value: unreadable cells and fields on broken sheets."""
        spec = self.spec or self.data.spec
        lay = expected_of(spec).lay
        return self.bad | {k for k, p in lay.values.items() if p.sheet in self.broken_sheets}


class _Book:
    """Each sheet loaded at most once, as a list of rows (calamine with skip_empty_area=False)."""

    def __init__(self, wb: Any, name: str):
        self.wb, self.name = wb, name
        self.names = list(wb.sheet_names)
        self._rows: dict[str, tuple[int, list[list[Any]]]] = {}  # sheet → (rows asked for, rows)
        self.mismatches: dict[int, dict[str, list[tuple[int, int, str, str, Any]]]] = {}

    def rows(self, sheet: str, nrows: int | None = None) -> list[list[Any]]:
        want = nrows or 1 << 30
        got = self._rows.get(sheet)
        if got is None or got[0] < want:  # another format version may need more rows
            try:
                ws = self.wb.get_sheet_by_name(sheet)
                got = self._rows[sheet] = (want, ws.to_python(skip_empty_area=False, nrows=nrows))
            except Exception as e:  # calamine parses a sheet only when asked: broken XML shows here
                raise UnreadableError(f"{self.name}：工作表“{sheet}”的内容已损坏，无法解析（{type(e).__name__}）；"
                                      f"{SAVE_AS}") from None
        return got[1]


def _at(rows: list[list[Any]], r: int, c: int) -> Any:
    if r < len(rows) and c < len(rows[r]):
        return rows[r][c]
    return ""


def read_bytes(data: bytes, name: str, *, spec: Spec | None = None) -> Submission:
    """Read one workbook's bytes. ``spec`` forces a format (a test's copy of the format data)."""
    book = _Book(open_book(data, name), name)
    meta = _read_meta(book)
    findings: list[Finding] = []
    exp = _identify(book, meta, name, spec, findings)
    return _read(book, exp, meta, name, findings)


def display_name(path: str | Path) -> str:
    """A file name that can be printed: names from Windows zips/shares are often GBK bytes."""
    raw = os.fsencode(path)
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")  # pragma: no cover - gb18030 decodes nearly anything


def read_file(path: str | Path, *, spec: Spec | None = None) -> Submission:
    p = Path(path)
    name = display_name(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_BYTES:  # refuse before reading it into memory
            raise too_large(name, p.stat().st_size)
        data = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableError(f"找不到文件 {name}") from None
    except IsADirectoryError:
        raise UnreadableError(f"{name} 是文件夹，不是文件") from None
    except OSError as e:
        raise UnreadableError(f"{name}：无法打开（{os_reason(e)}）") from None
    sub = read_bytes(data, name, spec=spec)
    sub.path = str(path)
    return sub


def _read_meta(book: _Book) -> dict[str, str]:
    sheet = load_common().sheets["meta"]
    if sheet not in book.names:
        return {}
    return {cell_text(r[0]): cell_text(r[1]) for r in book.rows(sheet) if len(r) >= 2 and r[0] != ""}


def _mismatches(book: _Book, exp: Expected) -> dict[str, list[tuple[int, int, str, str, Any]]]:
    """Per expected sheet: labels not where the layout puts them (a missing sheet: every label)."""
    if id(exp) in book.mismatches:
        return book.mismatches[id(exp)]
    out: dict[str, list[tuple[int, int, str, str, Any]]] = book.mismatches.setdefault(id(exp), {})
    for sheet, labels in exp.labels.items():
        if sheet not in book.names:
            out[sheet] = [(r, c, n, t, None) for r, c, n, t, _ in labels]
            continue
        rows = book.rows(sheet, exp.nrows.get(sheet))
        bad = [(r, c, n, t, got) for r, c, n, t, pre in labels
               if (got := _at(rows, r, c)) != t and not _fits(got, n, pre)]  # exact match: the common case
        if bad:
            out[sheet] = bad
    return out


def _fits(got: Any, want: str, prefix: bool) -> bool:
    text = norm(got) if got not in (None, "") else ""
    return text == want or (prefix and bool(want) and text.startswith(want))


def _label_score(book: _Book, exp: Expected) -> float:
    total = sum(len(v) for v in exp.labels.values())
    missed = sum(len(v) for v in _mismatches(book, exp).values())
    return 1 - missed / total if total else 0


def _identify(book: _Book, meta: dict[str, str], name: str, spec: Spec | None,
              findings: list[Finding]) -> Expected:
    """The format version: from the metadata sheet, else by matching labels."""
    common = load_common()
    if spec is not None:
        return expected_of(spec)
    version = meta.get("format", "")
    if meta.get("product") == common["product"] and version in versions():
        exp = expected(version)
        if not _mismatches(book, exp):
            return exp
        other = next((v for v in versions() if v != version and _label_score(book, expected(v)) == 1), None)
        if other is None:
            return exp  # the structure check reports what moved
        findings.append(make("STRUCT_OTHER_FORMAT", "error", sheet=common.sheets["meta"],
                             expected=version, actual=other))
        return expected(other)
    scores = {v: _label_score(book, expected(v)) for v in versions()}
    best = max(scores, key=lambda v: scores[v])
    if scores[best] < 0.5:
        raise UnreadableError(
            f"{name}：不是本系统生成的填报表（没有“{common.sheets['meta']}”元数据工作表，表格标签也对不上），"
            "可能是旧版或自制的表格；请用 nianbao template 生成的填报表重新填写")
    findings.append(make("STRUCT_META_MISSING", "warning", sheet=common.sheets["meta"], version=best))
    return expected(best)


def _read(book: _Book, exp: Expected, meta: dict[str, str], name: str,
          findings: list[Finding]) -> Submission:
    spec = exp.spec
    sub = Submission(name, ReportData(spec.id), meta, findings, spec=spec)
    _structure(book, exp, sub)
    _read_info(book, exp, sub)
    _read_values(book, exp, sub)
    _read_text(book, exp, sub)
    return sub


def _structure(book: _Book, exp: Expected, sub: Submission) -> None:
    for sheet, bad in _mismatches(book, exp).items():
        sub.broken_sheets.add(sheet)
        if sheet not in book.names:
            guess = _renamed(book, exp, sheet)
            hint = f"工作表“{guess}”看起来就是它，请把工作表名改回“{sheet}”" if guess else "请使用原填报表，不要删除或改名工作表"
            sub.findings.append(make("STRUCT_SHEET_MISSING", "error", sheet=sheet, hint=hint,
                                     actual="、".join(book.names)))
            continue
        r, c, _, text, got = bad[0]
        sub.findings.append(make("STRUCT_LABEL_MOVED", "error", sheet=sheet, cell=a1(r + 1, c + 1),
                                 expected=text, actual=cell_text(got), count=len(bad)))


def _renamed(book: _Book, exp: Expected, sheet: str) -> str:
    """An unexpected sheet holding the labels of a missing one (the sheet was renamed)."""
    known = set(exp.labels) | set(load_common().sheets.values())
    labels = exp.labels[sheet]
    for other in book.names:
        if other in known:
            continue
        rows = book.rows(other, exp.nrows.get(sheet))
        named = [x for x in labels if x[2]]
        if sum(_fits(_at(rows, r, c), n, pre) for r, c, n, _, pre in named) >= 0.8 * len(named):
            return other
    return ""


def _read_info(book: _Book, exp: Expected, sub: Submission) -> None:
    common = exp.spec.common
    sheet = common.sheets["info"]
    if sheet in sub.broken_sheets:
        return
    rows = book.rows(sheet, exp.nrows.get(sheet))
    data = sub.data
    kinds = {norm(v): k for k, v in common.kinds.items()} | {k: k for k in common.kinds}
    for f in common.info_fields:
        p = exp.lay.info[f.key]
        raw = _at(rows, p.row - 1, p.col - 1)
        if f.key == "org":
            data.org = cell_text(raw)
        elif f.key == "year":
            data.year = parse_year(raw)
            if data.year is None and cell_text(raw):
                sub.findings.append(make("INFO_INVALID", "error", sheet=sheet, cell=p.cell, key=f"info.{f.key}",
                                         label_path=(sheet, f.label), actual=cell_text(raw),
                                         detail="应为四位年份，如 2024"))
        elif f.key == "format":
            continue  # locked; the metadata sheet and the labels decide the format
        elif f.key == "kind":
            text = norm(cell_text(raw))
            data.info["kind"] = kinds.get(text, "department")
            if text and text not in kinds:
                sub.findings.append(make("INFO_INVALID", "warning", sheet=sheet, cell=p.cell, key="info.kind",
                                         label_path=(sheet, f.label), actual=cell_text(raw),
                                         detail=f"应为 {' 或 '.join(common.kinds.values())}，已按“部门”处理"))
        elif f.key == "sign_date":
            data.info[f.key] = parse_date(raw) if raw not in (None, "") else ""
        elif f.type == "longtext":
            data.text[f.key] = cell_text(raw)
        else:
            data.info[f.key] = cell_text(raw)


def _read_values(book: _Book, exp: Expected, sub: Submission) -> None:
    spec = exp.spec
    for sheet, items in exp.fields.items():
        if sheet in sub.broken_sheets:
            continue
        rows = book.rows(sheet, exp.nrows.get(sheet))
        blanks: list[str] = []
        for key, r, c in items:
            try:
                raw = rows[r][c]
            except IndexError:
                raw = ""
            kind, n = parse_number(raw)
            f = spec.fields[key]
            if kind == "number":
                assert n is not None
                if f.computed:
                    sub.totals[key] = n
                else:
                    sub.data.values[key] = n
                continue
            if kind == "bad":
                sub.raw[key] = raw
                sub.bad.add(key)
                rule = spec.definitions[key].rule if f.computed else "VALUE_NOT_NUMBER"
                sub.findings.append(make(rule, "error", template=CATALOG["VALUE_NOT_NUMBER"], sheet=sheet,
                                         cell=a1(r + 1, c + 1), key=key, label_path=f.label_path,
                                         actual=cell_text(raw), where=where(spec, exp.lay.values[key])))
            elif not f.computed:
                blanks.append(a1(r + 1, c + 1))
                if kind == "token":
                    sub.raw[key] = raw
        if blanks:
            sub.findings.append(make("VALUE_BLANK", "info", sheet=sheet, count=len(blanks), related=tuple(blanks)))


def _read_text(book: _Book, exp: Expected, sub: Submission) -> None:
    for key, p in exp.lay.text.items():
        if p.sheet not in book.names:
            if p.sheet not in sub.broken_sheets:
                sub.broken_sheets.add(p.sheet)
                sub.findings.append(make("STRUCT_SHEET_MISSING", "error", sheet=p.sheet,
                                         hint="请使用原填报表，不要删除或改名工作表", actual="、".join(book.names)))
            continue
        rows = book.rows(p.sheet, exp.nrows.get(p.sheet))
        col = p.col - 1
        paras = [cell_text(row[col]) for row in rows[p.row - 1:p.row - 1 + p.rows] if col < len(row) and row[col] != ""]
        sub.data.text[key] = "\n".join(t for t in paras if t)


def where(spec: Spec, p: Place) -> str:
    """表三 D30（四、结转下年度继续办理 › 自然人）: how a message names a value cell."""
    f = spec.fields.get(p.key)
    path = " › ".join(f.label_path) if f else ""
    return f"{p.sheet} {p.cell}（{path}）" if path else f"{p.sheet} {p.cell}"

