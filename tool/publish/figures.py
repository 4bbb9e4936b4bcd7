"""The 图解's numbers: which figures a format version shows (its data file's ``figures`` block),
and their values for one report, beside last year's where given.

Pure. A figure is a sum of fields of one unit; its text is what the report prints for it
(``format_value`` of the report's context: ``161804.8元``), split into number and unit so the
picture can set them in two sizes. Figures of different format versions are matched by id, so a
2021-format report can stand beside a 2019-format one where the figure means the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..format import Number, Spec, common
from ..format.figures import FigureDef, figures_of
from ..format.interchange import ReportData
from ..report.context import format_value


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
