"""``nianbao fields``: every cell a person or another system can fill, from the layout."""

from __future__ import annotations

from typing import Any

from .registry import common, load

_INFO_TYPES = {"text": "text", "year": "integer", "format": "text", "kind": "text", "date": "date",
               "longtext": "text"}


def field_rows(version: str) -> list[dict[str, Any]]:
    spec = load(version)
    lay = spec.layout
    rows: list[dict[str, Any]] = []
    info_sheet = spec.common.sheets["info"]
    for f in spec.common.info_fields:
        p = lay.info[f.key]
        rows.append(_row(f"info.{f.key}", p, f"{info_sheet} › {f.label}", _INFO_TYPES[f.type], "",
                         not f.locked))
    for s in spec.text_sections:
        p = lay.text[s.key]
        rows.append(_row(f"text.{s.key}", p, f"{p.sheet} › {s.title}", "text", "", True))
    for key, f in spec.fields.items():
        p = lay.values[key]
        rows.append(_row(key, p, " › ".join((p.sheet, *f.label_path)), f.type, f.unit, f.is_input))
    return rows


def _row(key: str, p: Any, path: str, typ: str, unit: str, is_input: bool) -> dict[str, Any]:
    return {"key": key, "sheet": p.sheet, "cell": p.cell, "rows": p.rows, "name": p.name,
            "label_path": path, "type": typ, "type_zh": common()["type_names"].get(typ, typ), "unit": unit,
            "input": is_input, "computed": p.kind == "total"}
