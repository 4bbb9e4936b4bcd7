"""The 图解's numbers: which figures a format version shows (its data file's ``figures`` block),
and their values for one report, beside last year's where given.

Pure. A figure is a sum of fields of one unit; its text is what the report prints for it
(``format_value`` of the report's context: ``161804.8元``), split into number and unit so the
picture can set them in two sizes. Figures of different format versions are matched by id, so a
2021-format report can stand beside a 2019-format one where the figure means the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..core.errors import FormatDataError
from ..format import Number, Spec, common, data_dir
from ..format.interchange import ReportData
from ..report.context import format_value

GROUPS = ("disclosure", "fees", "requests", "applicants", "outcomes", "review", "litigation")


@dataclass(frozen=True)
class FigureDef:
    id: str
    label: str
    note: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    """A version's ``figures`` block, checked against its fields."""

    title: str
    groups: dict[str, tuple[str, tuple[FigureDef, ...]]]  # group → (title, figures)
    rank_by: str
    rank_top: int


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    note: str
    value: Number
    number: str  # as the report prints it, without the unit
    unit: str
    last: Number | None = None
    last_number: str = ""

    @property
    def text(self) -> str:
        return self.number + self.unit


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    figures: tuple[Figure, ...]

    @property
    def total(self) -> Number:
        return sum((f.value for f in self.figures), 0)

    @property
    def last_total(self) -> Number | None:
        if any(f.last is None for f in self.figures):
            return None
        return sum((f.last or 0 for f in self.figures), 0)

    def get(self, fid: str) -> Figure | None:
        return next((f for f in self.figures if f.id == fid), None)


@dataclass
class Summary:
    """Everything the 图解 shows, as plain data (tests compare it with the workbook)."""

    org: str
    year: int | None
    title: str  # the report's title, one line
    kind: str
    poster_title: str
    groups: dict[str, Group]
    last_year: int | None = None
    draft: bool = False
    departments: list[tuple[str, int]] = field(default_factory=list)
    departments_count: int = 0
    departments_total: int = 0

    def texts(self) -> list[str]:
        """Every number shown, as printed (for the read-back tests)."""
        return [f.number for g in self.groups.values() for f in g.figures]


def _source(spec: Spec) -> tuple[str, Any]:
    name = f"{spec.id}.json"
    try:
        raw = json.loads((data_dir() / name).read_text("utf-8"))
    except (OSError, ValueError):
        raise FormatDataError(name, "", "无法读取") from None
    return name, raw.get("figures")


_CACHE: dict[int, tuple[Spec, Figures | None]] = {}


def figures_of(spec: Spec) -> Figures | None:
    """The version's 图解 definition, or None when its data file has no ``figures`` block."""
    hit = _CACHE.get(id(spec))
    if hit is None or hit[0] is not spec:
        hit = _CACHE[id(spec)] = (spec, _parse(spec))
    return hit[1]


def _parse(spec: Spec) -> Figures | None:
    name, raw = _source(spec)
    if raw is None:
        return None

    def fail(path: str, problem: str) -> FormatDataError:
        return FormatDataError(name, f"figures{path}", problem)

    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), dict):
        raise fail("", "应为对象，并有“groups”")
    groups: dict[str, tuple[str, tuple[FigureDef, ...]]] = {}
    for gkey, g in raw["groups"].items():
        if gkey not in GROUPS:
            raise fail(f".groups.{gkey}", f"未知的组（可用：{'、'.join(GROUPS)}）")
        items = g.get("items") if isinstance(g, dict) else None
        if not isinstance(items, list) or not items:
            raise fail(f".groups.{gkey}", "应有非空的“items”")
        defs = []
        for i, it in enumerate(items):
            at = f".groups.{gkey}.items[{i}]"
            keys = it.get("sum") if isinstance(it, dict) else None
            if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
                raise fail(at, "“sum”应为非空的字段键列表")
            unknown = [k for k in keys if k not in spec.fields]
            if unknown:
                raise fail(at, f"“{unknown[0]}”不是本格式的字段")
            if len({spec.fields[k].unit for k in keys}) > 1:
                raise fail(at, "相加的字段单位不同")
            defs.append(FigureDef(str(it.get("id", "")), str(it.get("label", "")), str(it.get("note", "")), tuple(keys)))
        if len({d.id for d in defs}) != len(defs) or not all(d.id and d.label for d in defs):
            raise fail(f".groups.{gkey}", "每项需要不重复的“id”和“label”")
        groups[gkey] = (str(g.get("title", "")), tuple(defs))
    rank_by = raw.get("rank_by", "")
    if rank_by and rank_by not in spec.fields:
        raise fail(".rank_by", f"“{rank_by}”不是本格式的字段")
    return Figures(str(raw.get("title", "")), groups, rank_by, int(raw.get("rank_top", 10)))


def _value(spec: Spec, values: dict[str, Number], d: FigureDef) -> tuple[Number, str, str]:
    total: Number = sum((values[k] for k in d.keys), 0)
    f = spec.fields[d.keys[0]]
    shown = format_value(f, total)
    number = shown[: len(shown) - len(f.unit)] if f.unit and shown.endswith(f.unit) else shown
    return total, number, f.unit


def summarize(data: ReportData, *, last: ReportData | None = None, draft: bool = False,
              departments: list[tuple[str, int]] | None = None) -> Summary | None:
    """The 图解's content for one report; None when its format version defines no figures."""
    spec = data.spec
    figs = figures_of(spec)
    if figs is None:
        return None
    values = data.all_values()
    prev: dict[tuple[str, str], tuple[Number, str]] = {}
    lfigs = figures_of(last.spec) if last is not None else None
    if last is not None and lfigs is not None:
        lvalues = last.all_values()
        for lkey, (_gtitle, ldefs) in lfigs.groups.items():
            for d in ldefs:
                v, n, _ = _value(last.spec, lvalues, d)
                prev[(lkey, d.id)] = (v, n)
    groups = {}
    for gkey, (gtitle, defs) in figs.groups.items():
        out = []
        for d in defs:
            v, n, unit = _value(spec, values, d)
            lv, ln = prev.get((gkey, d.id), (None, ""))
            out.append(Figure(d.id, d.label, d.note, v, n, unit, lv, ln))
        groups[gkey] = Group(gkey, gtitle, tuple(out))
    title = spec.common.report_title(data.org, "" if data.year is None else data.year)
    s = Summary(data.org, data.year, title, data.kind, figs.title, groups,
                last.year if last is not None else None, draft)
    if departments:
        ranked = sorted(departments, key=lambda x: (-x[1], x[0]))
        s.departments = ranked[: figs.rank_top]
        s.departments_count = len(departments)
        s.departments_total = sum(v for _, v in departments)
    return s


def rank_field(spec: Spec) -> str:
    """The field by which the consolidated 图解 ranks departments (``figures.rank_by``)."""
    figs = figures_of(spec)
    return figs.rank_by if figs else ""


def words() -> dict[str, str]:
    return common()["publish"]["words"]


def change(f: Figure) -> tuple[int, str, str]:
    """(direction −1/0/1, amount, share) of this year against last: (1, "3", "（+25%）")."""
    if f.last is None:
        return 0, "", ""
    diff = Decimal(str(f.value)) - Decimal(str(f.last))
    if diff == 0:
        return 0, "", ""
    amount = format(abs(diff).normalize(), "f")
    sign = "+" if diff > 0 else "−"
    pct = f"（{sign}{abs(diff) / Decimal(str(f.last)) * 100:.0f}%）" if f.last else ""
    return (1 if diff > 0 else -1), amount, pct
