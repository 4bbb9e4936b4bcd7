"""The finding catalog and the code stay in step: every code the tool emits is in the catalog (or is
a relation of the format data), every catalog code is emitted somewhere, every template renders,
and ``nianbao codes`` lists them all."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

from click.testing import CliRunner

from tool.check.codes import all_codes
from tool.cli import cli
from tool.core.catalog import CATALOG, LEVELS, RELATION_TEMPLATES
from tool.format import load, versions
from tool.format.textdata import text_data

TOOL = Path(__file__).resolve().parents[1] / "tool"
CODE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")
NOT_CODES = {"NIANBAO_FORMATS", "FIXED_ZIP_TIME", "O_BINARY", "O_NONBLOCK",  # os attribute names
             "WAYLAND_DISPLAY"}  # an environment variable


def _literals() -> dict[str, list[str]]:
    """Upper-snake string literals in the tool's code (outside the catalog), with where they are."""
    out: dict[str, list[str]] = {}
    for p in TOOL.rglob("*.py"):
        if p.name == "catalog.py":
            continue
        tree = ast.parse(p.read_text("utf-8"))
        exported = {id(n) for a in ast.walk(tree) if isinstance(a, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "__all__" for t in a.targets) for n in ast.walk(a)}
        for node in ast.walk(tree):
            if id(node) in exported:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                out.setdefault(node.value, []).append(f"{p.relative_to(TOOL)}:{node.lineno}")
    return out


RELATIONS = {r.id for v in versions() for r in load(v).relations}
TEXT_DATA = {n["code"] for n in text_data()["required"]}  # codes the text vocabulary names


def test_every_emitted_code_is_in_the_catalog():
    found = {**_literals(), **{c: ["format/data/text.json"] for c in TEXT_DATA}}
    unknown = {c: where for c, where in found.items() if c not in CATALOG and c not in NOT_CODES}
    assert not unknown, unknown


def test_every_catalog_code_is_emitted():
    used = set(_literals()) | TEXT_DATA
    assert sorted(set(CATALOG) - used) == []


def test_relation_ids_never_collide_with_catalog_codes():
    assert not RELATIONS & set(CATALOG)


def test_every_template_renders_all_its_tokens():
    for entry in CATALOG.values():
        assert entry.level in LEVELS and entry.title
        for tpl in (entry.template, *entry.variants.values()):
            names = {n for _, n, _, _ in string.Formatter().parse(tpl) if n}
            assert names, entry.code  # a message says something about the record
    for tpl in RELATION_TEMPLATES.values():
        assert "{where}" in tpl


def test_codes_command_lists_the_catalog_and_the_relations():
    res = CliRunner().invoke(cli, ["codes", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert {r["code"] for r in rows} == set(CATALOG) | RELATIONS
    by = {r["code"]: r for r in rows}
    assert by["FILE_EMPTY"]["level_zh"] == "错误" and "0 字节" in by["FILE_EMPTY"]["template"]
    assert by["T3_BALANCE"]["versions"] == [v for v in versions() if "T3_BALANCE" in
                                             {r.id for r in load(v).relations}]
    text = CliRunner().invoke(cli, ["codes"]).stdout
    assert "VALUE_NOT_NUMBER\t错误\t不是数字" in text and len(text.splitlines()) == len(all_codes())
