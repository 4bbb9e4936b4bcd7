"""Validation findings as records, and the result of checking one file.

A finding carries where (file, sheet, cell, field key, label path), what (rule id, level,
expected, actual, the other cells involved) and a Chinese message rendered from those fields
by the catalog (``CATALOG``: rule id → template). Nothing here does I/O.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LEVELS = ("error", "warning", "info")
LEVEL_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# rule id → Chinese message template. Tokens: {where} (表三 D30（…）), {expected}, {actual},
# {detail}, {title}, plus any ``params``. Filled in by the rules; a missing token renders "".
CATALOG: dict[str, str] = {
    # reading: the file's structure
    "FILE_UNREADABLE": "{detail}",
    "STRUCT_SHEET_MISSING": "缺少工作表“{sheet}”（工作簿中现有：{actual}）；{hint}",
    "STRUCT_LABEL_MOVED": (
        "{sheet} {cell}：此处应为“{expected}”，实际为“{actual}”（本表共 {count} 处标签位置不符）。"
        "可能插入或删除了行、列，或改动了表头；为免读错数据，本表的数字未读取。"
        "请在原填报表中填写，不要增删行列"),
    "STRUCT_META_MISSING": "隐藏的元数据工作表“{sheet}”已被删除，已按表格标签识别为 {version} 格式；请尽量使用原填报表",
    "STRUCT_OTHER_FORMAT": (
        "元数据写明是 {expected} 格式，但表格是 {actual} 格式，已按 {actual} 格式读取；"
        "请不要在不同格式的填报表之间复制工作表"),
    # reading: values
    "VALUE_NOT_NUMBER": "{where}：“{actual}”不是数字；请填写数字（没有的填 0，或留空、填“—”“无”，均按 0 计）",
    "VALUE_BLANK": "{sheet}：{count} 个单元格为空白或填了“—”“无”等，均按 0 计",
    # rules: values
    "VALUE_NOT_INTEGER": "{where}：应为整数，实际为 {actual}",
    "VALUE_NEGATIVE": "{where}：不能为负数，实际为 {actual}",
    "VALUE_BELOW_MIN": "{where}：不能小于 {expected}，实际为 {actual}",
    "VALUE_DECIMALS": "{where}：最多保留 {decimals} 位小数，实际为 {actual}",
    # rules: relations (keyed by relation kind; the finding's rule is the relation's id)
    "relation.equal": "{where}：{lhs_text}，应等于 {rhs_text}，相差 {diff}",
    "relation.le": "{where}：{lhs_text}，不应超过 {rhs_text}，超出 {diff}",
    "relation.total": (
        "{where}：合计应为 {expected}（{title}），单元格中却是 {actual}。"
        "这是自动计算的合计单元格，可能被手工改写；请恢复公式，或清空该单元格"),
    # rules: the report as a whole
    "FMT_CURRENT_VERSION": (
        "{year} 年度应使用 {expected} 格式（{doc}），本表是 {actual} 格式；"
        "请用 nianbao template --year {year} 生成新的填报表重新填写"),
    "INFO_REQUIRED": "{sheet} {cell}（{label}）：必须填写",
    "INFO_INVALID": "{sheet} {cell}（{label}）：“{actual}”无法识别，{detail}",
    "TEXT_REQUIRED": "{sheet} {cell}（{title}）：内容不能为空{detail}",
    "SIGN_DATE_LATE": "{sheet} {cell}（{label}）：{actual} 晚于 {expected}（{kind_name}年度报告应于次年{deadline}前公布）",
    "SIGN_DATE_INVALID": "{sheet} {cell}（{label}）：“{actual}”不是日期，请按 2025-01-20 的样式填写",
    "CROSS_YEAR_YEAR": "上年报告文件（{file}）的报告年度是 {actual}，不是 {expected}；跨年度核对结果可能不准确",
    "CROSS_YEAR_UNREAD": "上年报告文件（{file}）：{detail}；已跳过跨年度核对",
}


class _Tolerant(string.Formatter):
    """Formatting never fails: a missing token renders as an empty string."""

    def get_value(self, key: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        return kwargs.get(key, "") if isinstance(key, str) else super().get_value(key, args, kwargs)


def fmt_number(v: Any) -> str:
    """Numbers as a person writes them: 12, 161804.8 (no trailing zeros, no exponent)."""
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return s
    if isinstance(v, float):
        return fmt_number(Decimal(repr(v)))
    return str(v)


def render(template: str, **tokens: Any) -> str:
    shown = {k: fmt_number(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
             else v for k, v in tokens.items()}
    return _Tolerant().format(template, **shown)


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str  # error | warning | info
    message: str
    sheet: str = ""
    cell: str = ""
    key: str = ""
    label_path: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None
    related: tuple[str, ...] = ()  # other cells involved, e.g. the terms of a sum

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "level": self.level, "sheet": self.sheet, "cell": self.cell,
                "key": self.key, "label_path": " › ".join(self.label_path),
                "expected": _plain(self.expected), "actual": _plain(self.actual),
                "related": list(self.related), "message": self.message}


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def make(rule: str, level: str, *, template: str | None = None, **fields: Any) -> Finding:
    """The one way to create a finding: the message is rendered from the catalog."""
    tpl = template if template is not None else CATALOG.get(rule, "{detail}")
    known = {k: fields.pop(k) for k in list(fields) if k in Finding.__dataclass_fields__}
    msg = render(tpl, **{**known, **fields})
    return Finding(rule, level, msg, **known)


@dataclass
class CheckResult:
    """The findings for one file."""

    file: str
    format: str | None = None
    year: int | None = None
    org: str = ""
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True  # False: the file could not be read as our workbook (exit 2)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def ok(self) -> bool:
        return self.readable and not self.errors

    @property
    def exit_code(self) -> int:
        return 2 if not self.readable else (1 if self.errors else 0)

    def flatten(self, spec: list[str]) -> list[list[Any]]:
        """Rows of chosen finding attributes, the idiom tests compare against."""
        return [[getattr(f, k) for k in spec] for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "ok": self.ok, "format": self.format, "year": self.year,
                "org": self.org, "findings": [f.to_dict() for f in self.findings]}
