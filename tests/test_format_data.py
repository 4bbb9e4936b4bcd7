"""Format data that checks itself: a fault in a data file is a FormatDataError naming the file, the
JSON path and what is wrong; keys are written once and rows follow from order."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import format_data

from tool import format as fmt
from tool.core.errors import FormatDataError
from tool.format import from_data, load, versions


def _row_of(data: dict[str, Any], table: str, key: str) -> list[dict[str, Any]]:
    return next(r for r in data["tables"][table]["rows"] if any(c.get("value") == key for c in r))


def _dup_key(d: dict[str, Any]) -> None:
    row = _row_of(d, "active_disclosure", "art20_1.rules.repealed")
    row[2]["value"] = "art20_1.rules.issued"


def _hole(d: dict[str, Any]) -> None:
    _row_of(d, "active_disclosure", "art20_1.rules.repealed").pop()


def _overlap(d: dict[str, Any]) -> None:
    _row_of(d, "active_disclosure", "art20_1.rules.repealed")[1]["rowspan"] = 2


def _typo_term(d: dict[str, Any]) -> None:
    rel = next(r for r in d["relations"] if r["id"] == "T3_BALANCE")
    rel["rhs"][0] = "results_totl.{c}"


def _unbound(d: dict[str, Any]) -> None:
    rel = next(r for r in d["relations"] if r["id"] == "T3_BALANCE")
    rel["lhs"].append("granted.{col}")


def _bad_kind(d: dict[str, Any]) -> None:
    d["relations"][0]["kind"] = "sum"


def _blame_elsewhere(d: dict[str, Any]) -> None:
    rel = next(r for r in d["relations"] if r["id"] == "T3_BALANCE")
    rel["blame"] = "granted.{c}"


def _prev_outside_cross_year(d: dict[str, Any]) -> None:
    rel = next(r for r in d["relations"] if r["id"] == "T3_BALANCE")
    rel["rhs"][1] = "prev:carried_forward.{c}"


def _no_type(d: dict[str, Any]) -> None:
    d["tables"]["review_litigation"].pop("defaults")


def _unknown_cell_key(d: dict[str, Any]) -> None:
    d["tables"]["active_disclosure"]["rows"][0][0]["colspam"] = 4


def _cycle(d: dict[str, Any]) -> None:
    d["relations"].append({"id": "X_CYCLE", "kind": "total", "level": "error", "table": "review_litigation",
                           "title": "循环", "total": "review_upheld", "terms": ["review_total"]})


FAULTS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("duplicate key", _dup_key, "tables.active_disclosure.rows[2][2]", "重复"),
    ("row with a hole", _hole, "tables.active_disclosure.rows[2]", "没有单元格"),
    ("overlapping spans", _overlap, "tables.active_disclosure", "行"),
    ("term typo", _typo_term, "T3_BALANCE", "results_totl.natural_person"),
    ("unbound placeholder", _unbound, "T3_BALANCE", "{col}"),
    ("relation kind", _bad_kind, "relations[0]", "kind"),
    ("blame not a term", _blame_elsewhere, "T3_BALANCE", "blame"),
    ("last year outside cross_year", _prev_outside_cross_year, "T3_BALANCE", "cross_year"),
    ("no type", _no_type, "tables.review_litigation.rows[3][0]", "type"),
    ("unknown cell key", _unknown_cell_key, "tables.active_disclosure.rows[0][0]", "colspam"),
    ("cyclic totals", _cycle, "relations", "循环引用"),
]


@pytest.mark.parametrize(("name", "change", "path", "word"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_names_path_and_problem(name: str, change: Callable, path: str, word: str) -> None:
    data = copy.deepcopy(format_data("2021"))
    change(data)
    with pytest.raises(FormatDataError) as e:
        from_data(data, source="2021.json")
    assert path in e.value.message and word in e.value.message, e.value.message
    assert e.value.message.startswith("格式数据 2021.json 有误")


@pytest.mark.parametrize("version", versions())
def test_data_round_trips_into_the_same_grid(version: str) -> None:
    """Rows in order give the same cells as the loaded spec (the loader is deterministic)."""
    assert from_data(format_data(version)).tables == load(version).tables


def _folder(tmp_path: Path, changes: dict[str, dict[str, Any] | None]) -> Path:
    folder = tmp_path / "formats"
    folder.mkdir()
    for p in fmt.data_dir().glob("*.json"):
        (folder / p.name).write_bytes(p.read_bytes())
    for name, data in changes.items():
        if data is None:
            (folder / name).unlink()
        else:
            (folder / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return folder


@pytest.fixture
def use_folder(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(folder: Path) -> None:
        monkeypatch.setenv(fmt.registry.ENV, str(folder))
        fmt.reset()

    yield use
    monkeypatch.delenv(fmt.registry.ENV, raising=False)
    fmt.reset()


def test_last_year_follows_from_the_next_version(tmp_path: Path, use_folder) -> None:  # type: ignore[no-untyped-def]
    newest = max(versions(), key=lambda v: load(v).first_year)
    data = copy.deepcopy(format_data(newest))
    first = load(newest).first_year + 5
    data["id"], data["years"] = str(first), {"first": first}
    use_folder(_folder(tmp_path, {f"{first}.json": data}))
    assert load(newest).last_year == first - 1 and load(str(first)).last_year is None
    assert fmt.for_year(first - 1).id == newest and fmt.for_year(first).id == str(first)


def test_versions_must_not_share_a_first_year(tmp_path: Path, use_folder) -> None:  # type: ignore[no-untyped-def]
    newest = max(versions(), key=lambda v: load(v).first_year)
    data = copy.deepcopy(format_data(newest))
    data["id"] = "2099"
    use_folder(_folder(tmp_path, {"2099.json": data}))
    with pytest.raises(FormatDataError, match="起始年度相同"):
        versions()


def test_file_name_and_id_agree(tmp_path: Path, use_folder) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(format_data(versions()[-1]))
    data["years"] = {"first": 2098}
    use_folder(_folder(tmp_path, {"2098.json": data}))
    with pytest.raises(FormatDataError, match="应与文件名一致"):
        versions()


def test_broken_data_is_a_chinese_message_at_the_command_line(tmp_path: Path, use_folder) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from tool.cli import cli

    data = copy.deepcopy(format_data("2021"))
    _typo_term(data)
    use_folder(_folder(tmp_path, {"2021.json": data}))
    res = CliRunner().invoke(cli, ["template", "--year", "2024", "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "格式数据 2021.json 有误" in res.output and "Traceback" not in res.output
