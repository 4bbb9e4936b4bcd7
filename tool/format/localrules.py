"""Local rules: what a province or city adds to the national rules, as a small TOML file.

An earlier deadline, a length limit per section, content a report must contain, a finding's level
raised, lowered or switched off. ``parse`` validates the whole file before it is used and raises
one ``UsageError`` whose lines name the file, the line and what is wrong, in Chinese. The file's
text travels in the workbooks ``distribute`` writes (the hidden metadata sheet), so a
department's own ``check`` applies its office's rules. Without a file: the national rules.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..core.catalog import CATALOG
from ..core.errors import UsageError
from ..core.findings import Finding
from ..core.text import norm

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_CHARS = 30_000  # stored in one worksheet cell (at most 32,767 characters)
LEVEL_WORDS = {"error": "error", "错误": "error", "warning": "warning", "警告": "warning", "info": "info",
               "提示": "info", "off": "off", "关闭": "off", "不检查": "off"}
TOP = {"name": str, "deadline": dict, "max_chars": dict, "min_chars": dict, "levels": dict, "require": list,
       "thresholds": dict}
KINDS = ("department", "government")
RULES_META = "rules"  # the metadata row that carries a distributed workbook's rules


@dataclass(frozen=True)
class LocalRules:
    source: str = ""  # the file as shown in messages
    text: str = ""  # the file as written (stored in distributed workbooks)
    name: str = ""
    levels: dict[str, str] = field(default_factory=dict)  # code → error | warning | info | off
    deadlines: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (month, day)
    max_chars: dict[str, int] = field(default_factory=dict)  # text section key → characters
    min_chars: dict[str, int] = field(default_factory=dict)
    require: tuple[dict[str, Any], ...] = ()  # {"section", "name", "any" | "all"}
    thresholds: dict[str, float] = field(default_factory=dict)  # name of compare.json thresholds → value

    @property
    def national(self) -> bool:
        return not self.text

    def deadline(self, kind: str, national: tuple[int, int]) -> tuple[int, int]:
        return self.deadlines.get(kind, national)

    def threshold(self, name: str) -> float:
        """A limit of compare.json ``thresholds`` (copied text, year on year, 分析), as this file sets it."""
        from .registry import compare_data

        return self.thresholds.get(name, float(compare_data()["thresholds"][name]["value"]))

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings with the levels this file sets; a code set to off is dropped."""
        if not self.levels:
            return findings
        out = []
        for f in findings:
            lv = self.levels.get(f.rule)
            if lv == "off":
                continue
            out.append(replace(f, level=lv) if lv and lv != f.level else f)
        return out


NATIONAL = LocalRules()


class _Where:
    """Line numbers of keys in the file's text (tomllib gives values, not positions)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, table: str, key: str = "", index: int = 0) -> int:
        current, seen = "", -1
        for i, raw in enumerate(self.lines, start=1):
            s = raw.split("#", 1)[0].strip()
            m = re.fullmatch(r"\[\[?\s*([^\]]+?)\s*\]\]?", s)
            if m:
                current = m[1].strip().strip('"')
                if current == table:
                    seen += 1
                    if not key and seen == index:
                        return i
                continue
            if current == table and seen == index and key and re.match(rf'\s*"?{re.escape(key)}"?\s*=', s):
                return i
            if not table and not current and key and re.match(rf'\s*"?{re.escape(key)}"?\s*=', s):
                return i
        return 0


def parse(text: str, source: str, sections: dict[str, str], relation_codes: set[str] | None = None) -> LocalRules:
    """Validate and read a rules file. ``sections``: text section key → its title (一、总体情况 …)."""
    if len(text) > MAX_CHARS:
        raise UsageError(f"规则文件 {source} 太长（超过 {MAX_CHARS} 个字符），不像是本地规则文件")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(_syntax(source, text, str(e))) from None
    where = _Where(text)
    errs: list[str] = []

    def bad(line: int, what: str) -> None:
        errs.append(f"第{line}行：{what}" if line else what)

    for k, v in raw.items():
        if k not in TOP:
            bad(where.line("", k) or where.line(k), f"未知的设置“{k}”（可用：{'、'.join(TOP)}）")
        elif not isinstance(v, TOP[k]):
            bad(where.line("", k) or where.line(k), f"“{k}”的写法不对（见 nianbao rules-template 的示例）")
    levels = _levels(raw.get("levels", {}), where, bad, relation_codes or set())
    deadlines = _deadlines(raw.get("deadline", {}), where, bad)
    limits = {k: _limits(raw.get(k, {}), k, sections, where, bad) for k in ("max_chars", "min_chars")}
    require = _require(raw.get("require", []), sections, where, bad)
    thresholds = _thresholds(raw.get("thresholds", {}), where, bad)
    if errs:
        raise UsageError(f"规则文件 {source} 有 {len(errs)} 处问题：\n" + "\n".join(f"  - {e}" for e in errs))
    return LocalRules(source, text, str(raw.get("name", "")), levels, deadlines, limits["max_chars"],
                      limits["min_chars"], tuple(require), thresholds)


def _syntax(source: str, text: str, message: str) -> str:
    m = re.search(r"line (\d+), column (\d+)", message)
    if not m:
        return f"规则文件 {source} 不是有效的 TOML 格式（检查引号、等号和方括号是否成对）"
    line, col = int(m[1]), int(m[2])
    lines = text.splitlines()
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return (f"规则文件 {source} 第{line}行第{col}列：格式错误（检查引号、等号和方括号是否成对；中文的名称和文字都要加英文双引号）"
            + (f"：{shown}" if shown else ""))


def _levels(d: dict[str, Any], where: _Where, bad, relation_codes: set[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out = {}
    for code, lv in d.items():
        line = where.line("levels", code)
        if code not in CATALOG and code not in relation_codes:
            bad(line, f"没有这个结果代码“{code}”（用 nianbao codes 查看全部代码）")
        elif not isinstance(lv, str) or lv.strip() not in LEVEL_WORDS:
            bad(line, f"“{code}”的级别应为 错误、警告、提示 或 关闭，实际为“{lv}”")
        else:
            out[code] = LEVEL_WORDS[lv.strip()]
    return out


def _deadlines(d: dict[str, Any], where: _Where, bad) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    out = {}
    names = {"department": "department", "部门": "department", "government": "government", "本级政府": "government"}
    for k, v in d.items():
        line = where.line("deadline", k)
        m = re.fullmatch(r"\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?\s*", str(v))
        if k not in names:
            bad(line, f"期限应写给 department（部门）或 government（本级政府），不是“{k}”")
            continue
        try:
            if not m or isinstance(v, bool):
                raise ValueError
            date(2024, int(m[1]), int(m[2]))
        except ValueError:
            bad(line, f"“{k}”的期限应写成“1月20日”的样式，实际为“{v}”")
            continue
        out[names[k]] = (int(m[1]), int(m[2]))
    return out


def _thresholds(d: dict[str, Any], where: _Where, bad) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """[thresholds]: a share as 0.5 or "50%", a count as a whole number."""
    from .registry import compare_data

    known = compare_data()["thresholds"]
    out = {}
    for k, v in d.items():
        line = where.line("thresholds", k)
        spec = known.get(k)
        if spec is None:
            names = "、".join(f"{n}（{t['name']}）" for n, t in known.items())
            bad(line, f"没有这个阈值“{k}”（可用：{names}）")
            continue
        value = _share(v) if spec["kind"] == "share" else (v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None)
        if value is None:
            bad(line, f"“{k}”（{spec['name']}）应写成" + ("“50%”或 0.5" if spec["kind"] == "share" else "不小于 0 的整数")
                + f"，实际为“{v}”")
        else:
            out[k] = float(value)
    return out


def _share(v: Any) -> float | None:
    if isinstance(v, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*[%％]\s*", v):
        v = float(v.strip().rstrip("%％").strip()) / 100
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1:
        return float(v)
    return None


def section_key(name: str, sections: dict[str, str]) -> str | None:
    """overall, 总体情况 or 一、总体情况 → overall."""
    if name in sections:
        return name
    n = norm(name)
    return next((k for k, t in sections.items() if n and (n == norm(t) or norm(t).endswith(n))), None)


def _limits(d: dict[str, Any], table: str, sections: dict[str, str], where: _Where, bad) -> dict[str, int]:  # type: ignore[no-untyped-def]
    out = {}
    for k, v in d.items():
        line = where.line(table, k)
        key = section_key(k, sections)
        if key is None:
            bad(line, f"没有这个文字部分“{k}”（可用：{'、'.join(f'{a}（{b}）' for a, b in sections.items())}）")
        elif isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            bad(line, f"“{k}”的字数应为正整数，实际为“{v}”")
        else:
            out[key] = v
    return out


def _require(items: list[Any], sections: dict[str, str], where: _Where, bad) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    out = []
    for i, item in enumerate(items):
        line = where.line("require", index=i)
        if not isinstance(item, dict):
            bad(line, "[[require]] 每一项应写 section、name 和 any（或 all）")
            continue
        key = section_key(str(item.get("section", "*")), sections) if item.get("section", "*") != "*" else "*"
        words = item.get("any", item.get("all"))
        if key is None:
            bad(line, f"没有这个文字部分“{item.get('section')}”")
        elif not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            bad(line, "[[require]] 的 any（或 all）应为非空的文字列表，如 any = [\"工作要点\"]")
        else:
            out.append({"section": key, "name": str(item.get("name") or words[0]),
                        ("all" if "all" in item else "any"): [norm(w) for w in words], "code": "TEXT_REQUIRED_WORDS"})
    return out


def all_sections() -> dict[str, str]:
    """Every text section of every version (key → title), and the preface."""
    from .registry import common, load, versions

    out = {"preface": common().info_label("preface")}
    for v in versions():
        out.update({s.key: s.title for s in load(v).text_sections})
    return out


def from_text(text: str, source: str) -> LocalRules:
    from .registry import load, versions

    codes = {r.id for v in versions() for r in load(v).relations}
    return parse(text, source, all_sections(), codes)


def load_rules(path: str | None) -> LocalRules:
    """The rules of ``--rules FILE`` (UTF-8, or GBK as Windows Notepad may save it); None: national."""
    if not path:
        return NATIONAL
    from ..core.errors import UnreadableError
    from ..core.files import read_regular

    try:
        blob = read_regular(path, 4 * MAX_CHARS)
    except UnreadableError as e:
        if e.code == "FILE_NOT_FOUND":
            raise UsageError(f"找不到规则文件 {path}") from None
        if e.code == "FILE_TOO_LARGE":
            raise UsageError(f"规则文件 {path} 太大，不像是本地规则文件") from None
        raise UsageError(f"无法读取规则文件：{e.message}") from None
    for enc in ("utf-8-sig", "gbk"):
        try:
            return from_text(blob.decode(enc), path)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"规则文件 {path} 不是文本文件（既不是 UTF-8 也不是 GBK 编码）")


def write_sample(output: str) -> Path:
    """``nianbao rules-template``: the commented sample file."""
    from pathlib import Path

    from ..core.files import write_atomic

    return write_atomic(Path(output), sample_text().encode("utf-8"))


def sample_text() -> str:
    """The commented sample that ``nianbao rules-template`` writes."""
    from .registry import data_dir

    return (data_dir() / SAMPLE).read_text("utf-8")


SAMPLE = "rules_sample.toml"
