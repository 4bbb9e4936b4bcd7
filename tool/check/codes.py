"""The whole catalog as rows, for ``nianbao codes``: every catalog code, and every relation code of
the format versions present (its id, level and title from the data, the message of its kind)."""

from __future__ import annotations

from typing import Any

from ..core.catalog import CATALOG, LEVEL_ZH, RELATION_TEMPLATES
from ..format import load, versions


def all_codes() -> list[dict[str, Any]]:
    rows = [{"code": c.code, "level": c.level, "level_zh": LEVEL_ZH[c.level], "title": c.title,
             "template": c.template, "source": "catalog"} for c in CATALOG.values()]
    relations: dict[str, dict[str, Any]] = {}
    for v in versions():
        for rel in load(v).relations:
            row = relations.setdefault(rel.id, {
                "code": rel.id, "level": rel.level, "level_zh": LEVEL_ZH[rel.level], "title": rel.title,
                "template": RELATION_TEMPLATES[rel.kind], "source": "format", "versions": []})
            row["versions"].append(v)
    return rows + list(relations.values())
