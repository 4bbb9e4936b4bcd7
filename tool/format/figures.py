"""The figures a format version shows and compares: its data file's ``figures`` block, checked against its
fields. A figure is a sum of fields of one unit, in a group (requests, outcomes, review …); figures of
different versions are matched by group and id where they mean the same. Read by the 图解 (``publish``)
and by the year-on-year figures and the 分析 sheet (``compare``), so which fields make a figure is
written once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..core.errors import FormatDataError
from .registry import data_dir
from .spec import Spec

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




def keys_of(spec: Spec, refs: list[str] | tuple[str, ...]) -> tuple[str, ...] | None:
    """The fields of figures named ``group.id`` (``group.*``: every figure of the group), summed; None when
    the version has no such figure (a 2019-format report states no fee amount)."""
    figs = figures_of(spec)
    if figs is None:
        return None
    keys: list[str] = []
    for ref in refs:
        group, _, fid = ref.partition(".")
        defs = figs.groups.get(group, ("", ()))[1]
        found = [d for d in defs if fid in ("*", d.id)]
        if not found:
            return None
        keys += [k for d in found for k in d.keys]
    return tuple(dict.fromkeys(keys))
