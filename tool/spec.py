"""The official format as data: loads ``formats/<version>.json`` into frozen dataclasses.

Everything else (workbook writer, reader, rules, docx tables, aggregation) derives labels,
keys, value types and relations from here. This module does no I/O beyond reading its own
data files and knows nothing of Excel or Word.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from importlib import resources
from itertools import product
from typing import Any

Number = int | Decimal

_DATA = resources.files("tool") / "formats"


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
    required: bool = False


@dataclass(frozen=True)
class Common:
    """Product data shared by every format version (sheets, 基本信息 fields, deadlines)."""

    raw: dict[str, Any]

    @property
    def sheets(self) -> dict[str, str]:
        return self.raw["sheets"]

    @cached_property
    def info_fields(self) -> tuple[InfoField, ...]:
        return tuple(InfoField(**f) for f in self.raw["info_fields"])

    @property
    def kinds(self) -> dict[str, str]:
        return self.raw["kinds"]

    def report_title(self, org: str, year: int | str) -> str:
        return self.raw["report_title"].format(org=org, year=year)

    def form_title(self, org: str, year: int | str) -> str:
        """The fill-in workbook's name: <单位名称><年度>年政府信息公开工作年度报告填报表."""
        return self.raw["form_title"].format(org=org, year=year)

    def preface(self, org: str, year: int | str) -> str:
        return self.raw["preface"].format(org=org, year=year)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]


@dataclass(frozen=True)
class Spec:
    """One official format version."""

    id: str
    title: str
    doc_number: str
    first_year: int
    last_year: int | None
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    fields: dict[str, Field]
    relations: tuple[Relation, ...]
    common: Common = field(repr=False, compare=False)

    # -- derived views -------------------------------------------------------------
    @cached_property
    def instances(self) -> tuple[Instance, ...]:
        return tuple(i for r in self.relations for i in r.instances())

    @cached_property
    def definitions(self) -> dict[str, Instance]:
        """Computed total → the relation instance whose formula defines it (first wins)."""
        out: dict[str, Instance] = {}
        for inst in self.instances:
            if inst.kind == "total":
                out.setdefault(inst.lhs[0].key, inst)
        return out

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        return tuple(k for k, f in self.fields.items() if f.is_input)

    @cached_property
    def text_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "text")

    def section_of_table(self, table: str) -> Section:
        return next(s for s in self.sections if s.table == table)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    # -- arithmetic ------------------------------------------------------------------
    def leaves(self, key: str) -> dict[str, int]:
        """Expand a field into input fields with coefficients (totals are recomputed)."""
        inst = self.definitions.get(key)
        if inst is None:
            return {key: 1}
        out: dict[str, int] = {}
        for t in inst.rhs:
            for k, coef in self.leaves(t.key).items():
                out[k] = out.get(k, 0) + coef * t.sign
        return out

    @cached_property
    def _expansions(self) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
        """Every computed total with its input leaves, expanded once (compute runs per workbook)."""
        return tuple((k, tuple((leaf, c) for leaf, c in self.leaves(k).items() if c))
                     for k in self.fields if k not in self.inputs)

    def compute(self, values: dict[str, Number]) -> dict[str, Number]:
        """Return every field: inputs as given (blank → 0), totals recomputed from inputs."""
        out: dict[str, Number] = {k: values.get(k, 0) or 0 for k in self.inputs}
        for key, leaves in self._expansions:
            out[key] = sum([c * out[k] for k, c in leaves], 0)
        return {k: out[k] for k in self.fields}

    def depends_on(self, inst: Instance) -> set[str]:
        """Input fields (this year's) that an instance's outcome depends on."""
        keys: set[str] = set()
        for t in inst.terms:
            if not t.prev:
                keys.update(k for k, c in self.leaves(t.key).items() if c)
        return keys

    # -- names -------------------------------------------------------------------------
    def term_name(self, inst: Instance, term: Term) -> str:
        """How a message names a term: the part of its label path the other terms lack."""
        f = self.fields.get(term.key)
        if f is None:
            return term.key
        others = [self.fields[t.key].short_path for t in inst.terms
                  if t.key != term.key and t.key in self.fields]
        own = [p for p in f.short_path if not others or not all(p in o for o in others)]
        name = (own or list(f.short_path))[-1]
        return f"上年{name}" if term.prev else name


def norm(text: Any) -> str:
    """Text for comparing labels and names: NFKC (full-width → half-width), no whitespace at all.

    Web copies, typing and text extraction differ in both (（一） vs (一), “商业 企业”).
    """
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


# -- loading ---------------------------------------------------------------------------

def _cell(d: dict[str, Any]) -> Cell:
    return Cell(d["r"], d["c"], d["kind"], d.get("rowspan", 1), d.get("colspan", 1),
                d.get("text", ""), d.get("field", ""), d.get("short", ""), d.get("in_path", True))


def _paths(table: Table, v: Cell) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Label path of a value cell: caption › row headers › column headers."""
    labels = table.labels
    caps = [c for c in labels if c.kind == "caption" and c.r <= v.r and c.covers_col(v.c)]
    cap = max(caps, key=lambda c: c.r) if caps else None
    top = cap.r if cap else 0
    rows = sorted((c for c in labels if c.kind == "row_header" and c.covers_row(v.r) and c.c < v.c),
                  key=lambda c: c.c)
    cols = sorted((c for c in labels if c.kind == "col_header" and c.covers_col(v.c)
                   and top < c.r < v.r and c.in_path), key=lambda c: c.r)
    chain = ([cap] if cap else []) + rows + cols
    return tuple(c.text for c in chain), tuple(c.short or c.text for c in chain)


def _field(key: str, d: dict[str, Any], table: Table, cell: Cell, computed: bool) -> Field:
    path, short = _paths(table, cell)
    mn = d.get("min")
    return Field(key, table.key, d["type"], d.get("unit", ""), cell, path, short,
                 None if mn is None else mn, d.get("signed", False), d.get("decimals", 0), computed)


@cache
def load_common() -> Common:
    return Common(json.loads((_DATA / "common.json").read_text("utf-8")))


def from_data(data: dict[str, Any]) -> Spec:
    """Build a Spec from format data (a parsed ``formats/<v>.json``, or a test's copy)."""
    sections = tuple(Section(s["no"], s["key"], s["title"], s["kind"], s.get("table", ""),
                             s.get("required", False)) for s in data["sections"])
    titles = {s.table: s.title for s in sections if s.table}
    tables = {k: Table(k, t["sheet"], titles[k], t["n_rows"], t["n_cols"], t.get("header_rows", 0),
                       tuple(_cell(c) for c in t["cells"])) for k, t in data["tables"].items()}
    relations = tuple(Relation.from_data(r) for r in data["relations"])
    totals = {i.lhs[0].key for r in relations if r.kind == "total" for i in r.instances()}
    cells = {c.field: (t, c) for t in tables.values() for c in t.values}
    order = {k: i for i, k in enumerate(tables)}
    fields = {}
    for key, d in sorted(data["fields"].items(),  # format order: table, then row, then column
                         key=lambda kv: (order[cells[kv[0]][0].key], cells[kv[0]][1].r, cells[kv[0]][1].c)):
        table, cell = cells[key]
        fields[key] = _field(key, d, table, cell, key in totals)
    years = data["years"]
    return Spec(data["id"], data["title"], data["doc_number"], years["first"], years["last"],
                sections, tables, fields, relations, load_common())


@cache
def load(version: str) -> Spec:
    """The format data of one version ('2019' or '2021')."""
    if version not in versions():
        raise KeyError(version)
    return from_data(json.loads((_DATA / f"{version}.json").read_text("utf-8")))


@cache
def versions() -> tuple[str, ...]:
    return tuple(sorted(p.name.removesuffix(".json") for p in _DATA.iterdir()
                        if re.fullmatch(r"\d{4}\.json", p.name)))


def for_year(year: int) -> Spec:
    """The format version in force for a report year (2019 试行 for 2019–2020, else 2021)."""
    specs = [load(v) for v in versions()]
    fitting = [s for s in specs if s.covers(year)]
    return fitting[-1] if fitting else (specs[0] if year < specs[0].first_year else specs[-1])
