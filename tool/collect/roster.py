"""The office's roster of reporting units (单位名单): read it, check it, match submissions to it.

A roster is a workbook or CSV with the columns named in common.json ``roster.columns``
(序号, 单位名称, 单位代码, 曾用名, 联系人, 联系电话, 邮箱). Problems are raised as one UsageError
listing every row at fault, before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import UnreadableError, UsageError
from ..core.text import lookalike
from ..format import common, norm
from ..workbook.book import TEXT_ONLY

NAME_SEPARATORS = ("、", ",", "，", ";", "；")
_FIXED_TIME = datetime(2000, 1, 1)  # deterministic output


@dataclass(frozen=True)
class Unit:
    seq: str
    name: str
    unit_id: str = ""
    former_names: tuple[str, ...] = ()
    contact: str = ""
    phone: str = ""
    email: str = ""
    row: int = 0  # the roster row, for messages

    @property
    def ident(self) -> str:
        """The id written into a distributed workbook: the roster's 单位代码, else its 序号."""
        return self.unit_id or self.seq


def columns() -> list[dict[str, str]]:
    return common()["roster"]["columns"]


def label(key: str) -> str:
    """A roster column's header (序号, 单位名称 …), from common.json."""
    return next(c["label"] for c in columns() if c["key"] == key)


MAX_ROSTER_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 200  # a unit's name, code or contact; more is not a roster
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _CONTROL.sub("", str(v)).strip() if v is not None else ""


def _sheet_rows(job: tuple[bytes, str]) -> list[list[str]] | UnreadableError:
    """The first sheet of a roster workbook as text (runs in a worker process)."""
    from ..read.sniff import open_book

    data, name = job
    try:
        book = open_book(data, name)
        sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=100_000)
    except UnreadableError as e:
        return e
    return [[_cell_text(c) for c in r[:50]] for r in sheet]


def _rows(path: Path) -> list[list[str]]:
    """All rows of the roster file as text (first sheet of a workbook, or a CSV)."""
    from ..core.files import read_regular
    from ..core.findings import failed_code
    from ..core.isolate import Failed, run_isolated

    try:
        raw = read_regular(path, MAX_ROSTER_BYTES)
    except UnreadableError as e:
        raise UsageError(f"无法读取单位名单：{e.message}") from None
    if path.suffix.lower() in (".csv", ".txt"):
        for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UsageError(f"单位名单 {path} 的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
        try:
            return [[_cell_text(c) for c in r] for r in csv.reader(io.StringIO(text.replace("\0", "")))]
        except csv.Error:
            raise UsageError(f"单位名单 {path} 不是有效的 CSV 文件，请用 Excel/WPS 另存为 .xlsx 或 .csv 后重试") from None
    got = run_isolated(_sheet_rows, (raw, str(path)))
    if isinstance(got, Failed):
        got = UnreadableError(failed_code(got)[0], file=str(path), **failed_code(got)[1])
    if isinstance(got, UnreadableError):
        raise UsageError(f"无法读取单位名单：{got.message}") from None
    return got


def read_roster(path: str | Path) -> list[Unit]:
    """Read and check a roster; raise UsageError naming every faulty row."""
    path = Path(path)
    rows = _rows(path)
    cols = columns()
    labels = {c["label"]: c["key"] for c in cols}
    head_at = next((i for i, r in enumerate(rows) if any(norm(c) == norm(label("name")) for c in r)), None)
    if head_at is None:
        need = "、".join(c["label"] for c in cols if c.get("required"))
        raise UsageError(f"单位名单 {path} 中找不到表头（至少需要：{need}）。可用 nianbao roster-template 生成模板")
    index = {labels[norm(c)]: j for j, c in enumerate(rows[head_at]) if norm(c) in labels}
    missing = [c["label"] for c in cols if c.get("required") and c["key"] not in index]
    if missing:
        raise UsageError(f"单位名单 {path} 缺少列：{'、'.join(missing)}")
    units = []
    for i, r in enumerate(rows[head_at + 1:], start=head_at + 2):
        get = lambda k, r=r: r[index[k]].strip() if k in index and index[k] < len(r) else ""  # noqa: E731
        if not any(get(c["key"]) for c in cols):
            continue
        former = get("former_names")
        for sep in NAME_SEPARATORS[1:]:
            former = former.replace(sep, NAME_SEPARATORS[0])
        units.append(Unit(get("seq"), get("name"), get("unit_id"),
                          tuple(n.strip() for n in former.split(NAME_SEPARATORS[0]) if n.strip()),
                          get("contact"), get("phone"), get("email"), row=i))
    problems = roster_problems(units)
    if problems:
        raise UsageError(f"单位名单 {path} 有 {len(problems)} 处问题，未生成任何文件：\n"
                         + "\n".join(f"  - {p}" for p in problems))
    if not units:
        raise UsageError(f"单位名单 {path} 中没有任何单位")
    return units


def roster_problems(units: list[Unit]) -> list[str]:
    """Missing, duplicated or ambiguous names, 序号 and 单位代码 (a unit must be identifiable)."""
    out: list[str] = []
    seen: dict[str, Unit] = {}
    for u in units:
        if not u.seq:
            out.append(f"第{u.row}行：缺少{label('seq')}")
        if not u.name:
            out.append(f"第{u.row}行：缺少{label('name')}")
    for attr, what in (("seq", label("seq")), ("unit_id", label("unit_id"))):
        seen = {}
        for u in units:
            v = getattr(u, attr)
            if v and v in seen:
                out.append(f"第{u.row}行：{what}“{v}”与第{seen[v].row}行重复")
            seen.setdefault(v, u)
    for u in units:
        for c in columns():
            v = getattr(u, c["key"])
            longest = max((len(x) for x in v), default=0) if isinstance(v, tuple) else len(v)
            if longest > MAX_CELL_CHARS:
                out.append(f"第{u.row}行：{c['label']}过长（{longest} 字，最多 {MAX_CELL_CHARS} 字）")
    names: dict[str, tuple[Unit, str, str]] = {}
    for u in units:
        for n, how in [(u.name, label("name")), *((f, label("former_names")) for f in u.former_names)]:
            k = lookalike(n)
            if not k:
                continue
            if k in names and names[k][0] is not u:
                other, other_how, other_name = names[k]
                why = "相同" if norm(other_name) == norm(n) else f"“{other_name}”只有繁简字或看不见的字符之别"
                out.append(f"第{u.row}行：{how}“{n}”与第{other.row}行的{other_how}{why}，无法区分两个单位")
            names.setdefault(k, (u, how, n))
    return out


class Matcher:
    """Finds the roster unit of a submission: by the id written at distribution, else by name."""

    def __init__(self, units: list[Unit]):
        self.units = units
        self.by_id = {u.ident: u for u in units}
        self.by_name = {lookalike(u.name): u for u in units}
        for u in units:
            for f in u.former_names:
                self.by_name.setdefault(lookalike(f), u)

    def match(self, unit_id: str, org: str, meta_id: str = "") -> tuple[Unit | None, str]:
        """(unit, how): how ∈ 下发记录 | 单位代码 | 单位名称 | 曾用名 | ''.

        ``meta_id``: the roster identity distribute wrote into the metadata, tried first: a
        department typing its real 单位代码 into the 单位代码 cell does not break the match.
        """
        if meta_id and meta_id in self.by_id:
            return self.by_id[meta_id], common().words["matched_meta"]
        if unit_id and unit_id in self.by_id:
            return self.by_id[unit_id], label("unit_id")
        u = self.by_name.get(lookalike(org))
        if u is None:
            return None, ""
        return u, label("name") if lookalike(u.name) == lookalike(org) else label("former_names")


def roster_csv(units: list[Unit]) -> bytes:
    """A roster as UTF-8 CSV with the standard headers (what read_roster reads back)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c["label"] for c in columns()])
    for u in units:
        w.writerow([NAME_SEPARATORS[0].join(v) if isinstance(v := getattr(u, c["key"]), tuple) else v
                    for c in columns()])
    return buf.getvalue().encode("utf-8")


def roster_template() -> bytes:
    """An empty roster workbook with headers and hints."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, **TEXT_ONLY})
    wb.set_properties({"created": _FIXED_TIME})
    ws = wb.add_worksheet(common()["roster"]["sheet"])
    head = wb.add_format({"bold": True, "font_name": "黑体", "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@", "font_name": "仿宋"})
    for j, c in enumerate(columns()):
        ws.write(0, j, c["label"], head)
        ws.write_comment(0, j, c["hint"])
        ws.set_column(j, j, 30 if c["key"] in ("name", "former_names") else 14, text)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def write_roster_template(output: str | Path, *, overwrite: bool = False) -> Path:
    """``nianbao roster-template``: the empty roster workbook at ``output`` (never over a filled roster)."""
    from ..core.ledger import write_output

    return write_output(output, roster_template(), overwrite=overwrite)
