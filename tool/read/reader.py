"""Read a filled workbook back into ``ReportData``, tolerantly, and verify its structure.

The hot path of ``check`` and ``collect``: ``sniff`` decides what the file is, python-calamine
parses it (xlsx/xlsm/xls/ods) once, every sheet we need is loaded once, and the labels to verify
and the fields to read come from the Spec's compiled ``structure``. A sheet whose labels are not
where the layout puts them (an inserted or deleted row, a workbook of the other format) is
reported as a structure finding and its values are not read at all: never shifted values.
Problems that make the file unusable raise ``UnreadableError`` (exit 2); problems inside a
readable workbook are findings. openpyxl is never imported here (it costs ~100 ms to import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import UnreadableError
from ..core.files import display_name, read_regular
from ..core.findings import Finding, make
from ..format import Number, Spec, common, load, norm, versions
from ..format.interchange import ReportData
from ..format.layout import a1
from ..format.structure import Structure
from .formulas import formula_findings
from .sniff import MAX_BYTES, open_book
from .values import brief, cell_text, parse_date, parse_number, parse_year


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
    text_rows: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)  # section → (row, text) filled

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (from a worker process) with the format version's id, not its compiled Spec."""
        state = self.__dict__.copy()
        spec = self.spec
        if spec is not None and spec.id in versions() and load(spec.id) is spec:
            state["spec"] = spec.id
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if isinstance(state.get("spec"), str):
            state["spec"] = load(state["spec"])
        self.__dict__.update(state)

    @property
    def unread(self) -> set[str]:
        """Fields without a trustworthy value: unreadable cells and fields on broken sheets."""
        spec = self.spec or self.data.spec
        return self.bad | {k for k, p in spec.layout.values.items() if p.sheet in self.broken_sheets}


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
                raise UnreadableError("FILE_SHEET_BROKEN", file=self.name, sheet=sheet,
                                      cause=type(e).__name__) from None
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
    sub = _read(book, exp, meta, name, findings)
    formula_findings(data, sub)  # formula errors and unsaved results read as blank by calamine
    return sub


def read_file(path: str | Path, *, spec: Spec | None = None) -> Submission:
    """Read one workbook from disk (a regular file of at most 20 MB)."""
    name = display_name(path)
    sub = read_bytes(read_regular(path, MAX_BYTES, name), name, spec=spec)
    sub.path = str(path)
    return sub


def _read_meta(book: _Book) -> dict[str, str]:
    sheet = common().sheets["meta"]
    if sheet not in book.names:
        return {}
    return {cell_text(r[0]): cell_text(r[1]) for r in book.rows(sheet) if len(r) >= 2 and r[0] != ""}


def _mismatches(book: _Book, exp: Structure) -> dict[str, list[tuple[int, int, str, str, Any]]]:
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


def _label_score(book: _Book, exp: Structure) -> float:
    total = sum(len(v) for v in exp.labels.values())
    missed = sum(len(v) for v in _mismatches(book, exp).values())
    return 1 - missed / total if total else 0


def _identify(book: _Book, meta: dict[str, str], name: str, spec: Spec | None,
              findings: list[Finding]) -> Structure:
    """The format version: from the metadata sheet, else by matching labels."""
    shared = common()
    if spec is not None:
        return spec.structure
    version = meta.get("format", "")
    if meta.get("product") == shared["product"] and version in versions():
        exp = load(version).structure
        if not _mismatches(book, exp):
            return exp
        other = next((v for v in versions() if v != version and _label_score(book, load(v).structure) == 1), None)
        if other is None:
            return exp  # the structure check reports what moved
        findings.append(make("STRUCT_OTHER_FORMAT", sheet=shared.sheets["meta"], expected=version, actual=other))
        return load(other).structure
    scores = {v: _label_score(book, load(v).structure) for v in versions()}
    best = max(scores, key=lambda v: scores[v])
    if scores[best] < 0.5:
        raise UnreadableError("FILE_NOT_OURS", file=name, meta_sheet=shared.sheets["meta"])
    findings.append(make("STRUCT_META_MISSING", sheet=shared.sheets["meta"], version=best))
    return load(best).structure


def _read(book: _Book, exp: Structure, meta: dict[str, str], name: str,
          findings: list[Finding]) -> Submission:
    spec = exp.spec
    sub = Submission(name, ReportData(spec.id), meta, findings, spec=spec)
    _structure(book, exp, sub)
    _read_info(book, exp, sub)
    _read_values(book, exp, sub)
    _read_text(book, exp, sub)
    return sub


def _structure(book: _Book, exp: Structure, sub: Submission) -> None:
    for sheet, bad in _mismatches(book, exp).items():
        sub.broken_sheets.add(sheet)
        if sheet not in book.names:
            guess = _renamed(book, exp, sheet)
            sub.findings.append(make("STRUCT_SHEET_MISSING", variant="renamed" if guess else "", sheet=sheet,
                                     renamed=guess, actual="、".join(book.names)))
            continue
        r, c, _, text, got = bad[0]
        sub.findings.append(make("STRUCT_LABEL_MOVED", sheet=sheet, cell=a1(r + 1, c + 1),
                                 expected=text, actual=cell_text(got), count=len(bad)))


def _renamed(book: _Book, exp: Structure, sheet: str) -> str:
    """An unexpected sheet holding the labels of a missing one (the sheet was renamed)."""
    known = set(exp.labels) | set(common().sheets.values())
    labels = exp.labels[sheet]
    for other in book.names:
        if other in known:
            continue
        rows = book.rows(other, exp.nrows.get(sheet))
        named = [x for x in labels if x[2]]
        if sum(_fits(_at(rows, r, c), n, pre) for r, c, n, _, pre in named) >= 0.8 * len(named):
            return other
    return ""


def _read_info(book: _Book, exp: Structure, sub: Submission) -> None:
    common = exp.spec.common
    sheet = common.sheets["info"]
    if sheet in sub.broken_sheets:
        return
    rows = book.rows(sheet, exp.nrows.get(sheet))
    data = sub.data
    kinds = {norm(v): k for k, v in common.kinds.items()} | {k: k for k in common.kinds}
    for f in common.info_fields:
        p = exp.spec.layout.info[f.key]
        raw = _at(rows, p.row - 1, p.col - 1)
        if f.key == "org":
            data.org = cell_text(raw)
        elif f.key == "year":
            data.year = parse_year(raw)
            if data.year is None and cell_text(raw):
                sub.findings.append(make("INFO_YEAR_INVALID", sheet=sheet, cell=p.cell, key=f"info.{f.key}",
                                         label_path=(sheet, f.label), label=f.label, actual=cell_text(raw)))
        elif f.key == "format":
            continue  # locked; the metadata sheet and the labels decide the format
        elif f.key == "kind":
            text = norm(cell_text(raw))
            data.info["kind"] = kinds.get(text, "department")
            if text and text not in kinds:
                sub.findings.append(make("INFO_KIND_INVALID", sheet=sheet, cell=p.cell, key="info.kind",
                                         label_path=(sheet, f.label), label=f.label, actual=cell_text(raw),
                                         kinds=" 或 ".join(common.kinds.values()),
                                         default_kind=common.kinds["department"]))
        elif f.key == "sign_date":
            data.info[f.key] = parse_date(raw) if raw not in (None, "") else ""
        elif f.type == "longtext":
            data.text[f.key] = cell_text(raw)
        else:
            data.info[f.key] = cell_text(raw)


def _read_values(book: _Book, exp: Structure, sub: Submission) -> None:
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
            if kind in ("bad", "huge"):
                sub.raw[key] = brief(raw)
                sub.bad.add(key)
                code = "VALUE_TOO_LARGE" if kind == "huge" else "TOTAL_NOT_NUMBER" if f.computed else "VALUE_NOT_NUMBER"
                sub.findings.append(make(code, sheet=sheet, cell=a1(r + 1, c + 1), key=key, label_path=f.label_path,
                                         actual=brief(cell_text(raw)), where=spec.where(key)))
            elif not f.computed:
                blanks.append(a1(r + 1, c + 1))
                if kind == "token":
                    sub.raw[key] = raw
        if blanks:
            sub.findings.append(make("VALUE_BLANK", sheet=sheet, count=len(blanks), related=tuple(blanks)))


def _read_text(book: _Book, exp: Structure, sub: Submission) -> None:
    for key, p in exp.spec.layout.text.items():
        if p.sheet not in book.names:
            if p.sheet not in sub.broken_sheets:
                sub.broken_sheets.add(p.sheet)
                sub.findings.append(make("STRUCT_SHEET_MISSING", sheet=p.sheet, actual="、".join(book.names)))
            continue
        rows = book.rows(p.sheet, exp.nrows.get(p.sheet))
        col = p.col - 1
        filled = tuple((p.row + i, text) for i, row in enumerate(rows[p.row - 1:p.row - 1 + p.rows])
                       if col < len(row) and row[col] != "" and (text := cell_text(row[col])))
        sub.text_rows[key] = filled
        sub.data.text[key] = "\n".join(t for _, t in filled)
