"""The format data (tool/format/data/*.json) held against the shared official-format JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from builders import layout

from tool.format import load, versions


def _shared_sections(official: dict[str, Any], version: str) -> list[dict[str, Any]]:
    return official["versions"][version]["sections"]


def _cells(cells: Any) -> set[tuple]:
    return {(c["r"], c["c"], c.get("rowspan", 1), c.get("colspan", 1), c["kind"], c.get("text", ""),
             c.get("field", "")) for c in cells}


@pytest.mark.parametrize("version", versions())
def test_sections_match_shared(official: dict[str, Any], version: str) -> None:
    spec = load(version)
    theirs = [(s["no"], s["key"], s["title"], s["kind"]) for s in _shared_sections(official, version)]
    assert [(s.no, s.key, s.title, s.kind) for s in spec.sections] == theirs
    assert official["versions"][version]["document"]["doc_number"] == spec.doc_number


@pytest.mark.parametrize("version", versions())
def test_every_label_and_key_matches_shared_grid(official: dict[str, Any], version: str) -> None:
    spec = load(version)
    for sec in _shared_sections(official, version):
        if sec["kind"] != "table":
            continue
        grid, table = sec["table"]["grid"], spec.tables[sec["table"]["key"]]
        ours = {(c.r, c.c, c.rowspan, c.colspan, c.kind, c.text, c.field) for c in table.cells}
        assert ours == _cells(grid["cells"]), table.key
        assert (table.n_rows, table.n_cols, table.header_rows) == (grid["n_rows"], grid["n_cols"],
                                                                    grid.get("header_rows", 0))


@pytest.mark.parametrize("version", versions())
def test_field_keys_are_exactly_the_grid_fields(official: dict[str, Any], version: str) -> None:
    shared = {c["field"] for sec in _shared_sections(official, version) if sec["kind"] == "table"
              for c in sec["table"]["grid"]["cells"] if c["kind"] == "value"}
    assert set(load(version).fields) == shared


@pytest.mark.parametrize("version", versions())
def test_relation_ids_and_levels_come_from_shared(official: dict[str, Any], version: str) -> None:
    shared = {r["id"]: r for sec in _shared_sections(official, version) for r in sec.get("relations", [])}
    for rel in load(version).relations:
        assert rel.id in shared, rel.id
        if shared[rel.id].get("strict"):  # a strict rule of the format is never a mere warning
            assert rel.level == "error", rel.id


def test_labels_use_official_typography() -> None:
    """Full-width brackets and Chinese quotes, never their ASCII look-alikes, in every label."""
    for v in versions():
        for t in load(v).tables.values():
            for c in t.labels:
                assert not re.search(r'[()"]', c.text), (v, c.text)


@pytest.mark.parametrize("version", versions())
def test_places_unique_and_names_valid(version: str) -> None:
    lay = layout(version)
    cells = [(p.sheet, p.row + i, p.col + j) for p in lay.places.values()
             for i in range(p.rows) for j in range(p.cols)]
    assert len(cells) == len(set(cells))
    names = [p.name for p in lay.places.values()]
    assert len(names) == len(set(names))
    for n in names:  # a valid Excel name: not a cell reference, no dots-only, ≤ 255 chars
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) and len(n) <= 255, n
        assert not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+|[RrCc][0-9]*", n), n
    assert len({n.lower() for n in names}) == len(names)  # Excel names are case-insensitive
