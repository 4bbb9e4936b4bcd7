"""One format version, compiled: the data plus everything derived from it, computed once.

A ``Spec`` holds the parsed data (sections, tables, fields, relations) and, cached on first use,
what every stage needs of it: the layout of our workbook (``layout``), the labels a reader
verifies (``structure``), the relation instances, the totals' expansion into input fields
(``compute``), the checks with the inputs they depend on, how a message names a cell (``where``)
and a term (``term_name``). Stages take these from the Spec; none compiles its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .layout import Layout
from .model import Common, Field, Instance, Number, Relation, Section, Table, Term

if TYPE_CHECKING:
    from .structure import Structure


@dataclass(frozen=True)
class Spec:
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

    # -- derived views ---------------------------------------------------------------------
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

    @cached_property
    def layout(self) -> Layout:
        return Layout(self)

    @cached_property
    def structure(self) -> Structure:
        from .structure import Structure

        return Structure.of(self)

    def section_of_table(self, table: str) -> Section:
        return next(s for s in self.sections if s.table == table)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    # -- arithmetic ------------------------------------------------------------------------
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
    def expansions(self) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
        """Every computed total with its input leaves, expanded once (compute runs per workbook)."""
        return tuple((k, tuple((leaf, c) for leaf, c in self.leaves(k).items() if c))
                     for k in self.fields if k not in self.inputs)

    def compute(self, values: dict[str, Number]) -> dict[str, Number]:
        """Every field in format order: inputs as given (blank → 0), totals recomputed from the inputs."""
        out: dict[str, Number] = {k: values.get(k, 0) or 0 for k in self.inputs}
        for key, leaves in self.expansions:
            out[key] = sum([c * out[k] for k, c in leaves], 0)  # a list sums faster than a generator
        return {k: out[k] for k in self.fields}

    def depends_on(self, inst: Instance) -> frozenset[str]:
        """Input fields (this year's) that an instance's outcome depends on."""
        keys: set[str] = set()
        for t in inst.terms:
            if not t.prev:
                keys.update(k for k, c in self.leaves(t.key).items() if c)
        return frozenset(keys)

    @cached_property
    def checks(self) -> tuple[tuple[Instance, frozenset[str]], ...]:
        """The equality and ≤ instances with the inputs each depends on."""
        return tuple((i, self.depends_on(i)) for i in self.instances if i.kind != "total")

    @cached_property
    def maxima(self) -> dict[str, Number]:
        """The largest plausible value of each field, by its unit (common.json ``plausible_max``): a
        unit with more applications than that has a typo, and no writer is ever fed an absurd number."""
        by_unit = self.common["plausible_max"]
        return {k: by_unit.get(f.unit, max(by_unit.values())) for k, f in self.fields.items()}

    @cached_property
    def slipping(self) -> tuple[str, ...]:
        """Input fields with a plausibility bound for a value entered in the wrong unit."""
        return tuple(k for k in self.inputs if self.fields[k].unit_slip is not None)

    @cached_property
    def plain(self) -> bool:
        """No field has a floor above 0: a non-negative int needs no further check."""
        return not any(f.min for f in self.fields.values())

    # -- names -------------------------------------------------------------------------------
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

    def where(self, key: str) -> str:
        """表三 D30（四、结转下年度继续办理 › 自然人）: how a message names a value cell."""
        p = self.layout.values[key]
        path = " › ".join(self.fields[key].label_path)
        return f"{p.sheet} {p.cell}（{path}）" if path else f"{p.sheet} {p.cell}"
