"""The official format's parts as plain frozen dataclasses (built by ``source`` from the data files).

Knows nothing of Excel or Word, and does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from itertools import product
from typing import Any

Number = int | Decimal


@dataclass(frozen=True)
class Cell:
    """One cell of an official table's grid (1-based row/column within the table)."""

    r: int
    c: int
    kind: str  # caption | col_header | row_header | corner_note | value
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    field: str = ""
    short: str = ""  # how relation messages name this label (第一项 …)
    in_path: bool = True  # whether the label is part of a field's label path

    def covers_row(self, r: int) -> bool:
        return self.r <= r < self.r + self.rowspan

    def covers_col(self, c: int) -> bool:
        return self.c <= c < self.c + self.colspan


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str
    title: str  # the section heading, e.g. 三、收到和处理政府信息公开申请情况
    n_rows: int
    n_cols: int
    header_rows: int
    cells: tuple[Cell, ...]

    @property
    def labels(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.kind != "value")

    @property
    def values(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.kind == "value")


@dataclass(frozen=True)
class UnitSlip:
    """A value above ``above`` (with at most two decimals) looks entered in ``unit`` instead of the
    field's unit (a fee in 元 where 万元 is asked: ``factor`` 10000)."""

    above: Decimal
    unit: str
    factor: Decimal


@dataclass(frozen=True)
class Field:
    """A numeric value cell of an official table."""

    key: str
    table: str
    type: str  # integer | decimal
    unit: str
    cell: Cell
    label_path: tuple[str, ...]
    short_path: tuple[str, ...]
    min: Number | None = 0
    signed: bool = False
    decimals: int = 0
    computed: bool = False  # a total the workbook computes with a formula
    row_path: tuple[str, ...] = ()  # the caption and row headers of the label path
    col_path: tuple[str, ...] = ()  # the column headers of the label path
    unit_slip: UnitSlip | None = None  # plausibility: a value that looks entered in another unit

    @property
    def is_input(self) -> bool:
        return not self.computed


@dataclass(frozen=True)
class Term:
    key: str
    sign: int = 1
    prev: bool = False  # a value from last year's report

    @classmethod
    def parse(cls, text: str) -> Term:
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("-+")
        prev = text.startswith("prev:")
        return cls(text.removeprefix("prev:"), sign, prev)


@dataclass(frozen=True)
class Instance:
    """One relation bound to concrete fields, e.g. T3_BALANCE for column 自然人."""

    rule: str
    kind: str  # total | equal | le
    level: str
    title: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    blame: str  # the field a finding points at
    binding: tuple[tuple[str, str], ...] = ()
    cross_year: bool = False

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Relation:
    id: str
    kind: str
    level: str
    table: str
    title: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    blame: str
    for_each: tuple[tuple[str, tuple[str, ...]], ...] = ()
    cross_year: bool = False
    note: str = ""

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> Relation:
        if d["kind"] == "total":
            lhs, rhs, blame = (d["total"],), tuple(d["terms"]), d["total"]
        else:
            lhs, rhs, blame = tuple(d["lhs"]), tuple(d["rhs"]), d["blame"]
        for_each = tuple((k, tuple(v)) for k, v in d.get("for_each", {}).items())
        return cls(d["id"], d["kind"], d["level"], d["table"], d["title"], lhs, rhs, blame,
                   for_each, d.get("cross_year", False), d.get("note", ""))

    def instances(self) -> list[Instance]:
        names = [k for k, _ in self.for_each]
        out = []
        for combo in product(*(v for _, v in self.for_each)) if names else [()]:
            bind = dict(zip(names, combo, strict=True))
            out.append(Instance(
                self.id, self.kind, self.level, self.title,
                tuple(Term.parse(t.format(**bind)) for t in self.lhs),
                tuple(Term.parse(t.format(**bind)) for t in self.rhs),
                self.blame.format(**bind), tuple(bind.items()), self.cross_year))
        return out


@dataclass(frozen=True)
class InfoField:
    key: str
    label: str
    type: str
    hint: str = ""
    required: bool = False
    locked: bool = False


@dataclass(frozen=True)
class Section:
    no: str
    key: str
    title: str
    kind: str  # text | table
    table: str = ""
    required: bool = False  # in every report
    required_for: tuple[str, ...] = ()  # report kinds (common.json kinds) that must also fill it
    required_note: str = ""  # why those kinds must (shown in the finding)

    def required_by(self, kind: str) -> bool:
        return self.required or kind in self.required_for


@dataclass(frozen=True)
class Common:
    """Product vocabulary shared by every format version (common.json): sheet names, 基本信息 fields,
    deadlines, statuses, output names, the roster's columns."""

    raw: dict[str, Any]

    @property
    def sheets(self) -> dict[str, str]:
        return self.raw["sheets"]

    @cached_property
    def info_fields(self) -> tuple[InfoField, ...]:
        return tuple(InfoField(**f) for f in self.raw["info_fields"])

    def info_label(self, key: str) -> str:
        return next(f.label for f in self.info_fields if f.key == key)

    @property
    def kinds(self) -> dict[str, str]:
        return self.raw["kinds"]

    @property
    def statuses(self) -> dict[str, str]:
        return self.raw["statuses"]

    @property
    def outputs(self) -> dict[str, str]:
        return self.raw["outputs"]

    @property
    def words(self) -> dict[str, str]:
        return self.raw["words"]

    def columns(self, table: str) -> list[dict[str, Any]]:
        """Columns of an output sheet (key, label, width), as common.json ``columns.<table>`` lists them."""
        return self.raw["columns"][table]

    def headers(self, table: str) -> list[str]:
        return [c["label"] for c in self.columns(table)]

    def report_title(self, org: str, year: int | str) -> str:
        return self.raw["report_title"].format(org=org, year=year)

    def form_title(self, org: str, year: int | str) -> str:
        """The fill-in workbook's name: <单位名称><年度>年政府信息公开工作年度报告填报表."""
        return self.raw["form_title"].format(org=org, year=year)

    def preface(self, org: str, year: int | str, url: str = "") -> str:
        """The default preface, with where the report is published (the URL of 基本信息 公开网址, if known)."""
        return self.raw["preface"].format(org=org, year=year) + self.raw["preface_url"].format(url=url, org=org)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]
