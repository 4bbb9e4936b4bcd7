"""The report's data as plain values: the interchange format of ``template --data`` and ``export``.

``{"format", "year", "org", "info": {...}, "values": {field key: number}, "text": {...}}``.
Pure: validation collects every problem and raises one UsageError listing them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..core.errors import UnreadableError, UsageError
from ..core.files import read_regular
from .model import Field, Number
from .registry import for_year, latest, load, versions
from .spec import Spec

MAX_DATA_BYTES = 5 * 1024 * 1024  # a report's data is a few KB
INFO_KEYS = ("kind", "unit_id", "title", "contact", "phone", "sign_date", "url")
TOP_KEYS = ("format", "year", "org", "info", "values", "text")


@dataclass
class ReportData:
    format: str
    year: int | None = None
    org: str = ""
    info: dict[str, str] = field(default_factory=dict)
    values: dict[str, Number] = field(default_factory=dict)  # input fields; totals recomputed
    text: dict[str, str] = field(default_factory=dict)  # preface and the narrative sections

    @property
    def spec(self) -> Spec:
        return load(self.format)

    @property
    def kind(self) -> str:
        return self.info.get("kind") or "department"

    def all_values(self) -> dict[str, Number]:
        """Inputs plus the totals recomputed from them."""
        return self.spec.compute(self.values)

    def title(self) -> str:
        return self.info.get("title") or self.spec.common.report_title(self.org, self.year or "")

    def to_json(self) -> dict[str, Any]:
        vals = {k: _json_number(v) for k, v in self.all_values().items()}
        return {"format": self.format, "year": self.year, "org": self.org,
                "info": {k: self.info.get(k, "") for k in INFO_KEYS},
                "values": vals,
                "text": {k: self.text.get(k, "") for k in text_keys(self.spec)}}


def text_keys(spec: Spec) -> tuple[str, ...]:
    return ("preface", *(s.key for s in spec.text_sections))


def _json_number(v: Number) -> int | float:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def coerce(f: Field, raw: Any, maximum: Number | None = None) -> Number:
    """A JSON number for a field, or ValueError with a Chinese reason."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ValueError("应为数字")
    if (isinstance(raw, int) and not -(10**15) < raw < 10**15) or (isinstance(raw, str) and len(raw) > 40):
        raise ValueError("位数太多，不是报告中可能出现的数字")
    try:
        d = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError("应为数字") from None
    if not d.is_finite():
        raise ValueError("应为数字")
    if f.type == "integer":
        if d != d.to_integral_value():
            raise ValueError("应为整数")
        n: Number = int(d)
    else:
        if -d.as_tuple().exponent > max(f.decimals, 0) and d != d.to_integral_value():
            raise ValueError(f"最多保留{f.decimals}位小数")
        n = d
    if not f.signed and n < 0:
        raise ValueError("不能为负数")
    if maximum is not None and abs(n) > maximum:
        raise ValueError(f"超出合理范围（不应超过 {maximum}{f.unit}）")
    return n


def from_json(obj: Any, source: str = "数据文件") -> ReportData:
    """Validate an interchange document; every problem is listed in one UsageError."""
    if not isinstance(obj, dict):
        raise UsageError(f"{source}：内容应为一个 JSON 对象")
    errs: list[str] = [f"未知的键“{k}”" for k in obj if k not in TOP_KEYS]
    year = obj.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        errs.append("year（报告年度）应为整数年份，如 2024")
        year = None
    fmt = str(obj.get("format") or (for_year(year).id if year else ""))
    if fmt not in versions():
        raise UsageError(f"{source}：format（格式版本）应为 {' 或 '.join(versions())}，实际为“{fmt}”")
    spec = load(fmt)
    info = _strings(obj.get("info") or {}, INFO_KEYS, "info", errs)
    text = _strings(obj.get("text") or {}, text_keys(spec), "text", errs)
    if info.get("kind") and info["kind"] not in spec.common.kinds:
        errs.append(f"info.kind 应为 {' 或 '.join(spec.common.kinds)}，实际为“{info['kind']}”")
    values, given_totals = _values(spec, obj.get("values") or {}, errs)
    data = ReportData(fmt, year, str(obj.get("org") or ""), info, values, text)
    computed = spec.compute(values) if not errs else {}
    for k, v in given_totals.items():
        if computed and computed[k] != v:
            errs.append(f"values.{k}（{' › '.join(spec.fields[k].label_path)}）为合计项，"
                        f"按各项计算应为 {computed[k]}，实际为 {v}")
    if errs:
        raise UsageError(f"{source} 有 {len(errs)} 处问题：\n" + "\n".join(f"  - {e}" for e in errs))
    return data


def _strings(d: Any, keys: tuple[str, ...], where: str, errs: list[str]) -> dict[str, str]:
    if not isinstance(d, dict):
        errs.append(f"{where} 应为 JSON 对象")
        return {}
    out = {}
    for k, v in d.items():
        if k not in keys:
            errs.append(f"{where} 中有未知的键“{k}”（可用：{'、'.join(keys)}）")
        elif v is not None and not isinstance(v, str):
            errs.append(f"{where}.{k} 应为文字")
        else:
            out[k] = v or ""
    return out


def _values(spec: Spec, d: Any, errs: list[str]) -> tuple[dict[str, Number], dict[str, Number]]:
    if not isinstance(d, dict):
        errs.append("values 应为 JSON 对象")
        return {}, {}
    values: dict[str, Number] = {}
    totals: dict[str, Number] = {}
    for k, raw in d.items():
        f = spec.fields.get(k)
        if f is None:
            errs.append(f"values 中有未知的字段“{k}”（{spec.id} 格式；用 nianbao fields 查看全部字段）")
            continue
        try:
            n = coerce(f, raw, spec.maxima[k])
        except ValueError as e:
            errs.append(f"values.{k}（{' › '.join(f.label_path)}）{e}，实际为 {raw!r}")
            continue
        (totals if f.computed else values)[k] = n
    return values, totals


def load_data(path: str | None, fmt: str | None = None, year: int | None = None,
              org: str | None = None) -> ReportData:
    """ReportData from a --data JSON file (validated), with --format/--year/--org applied on top."""
    if path:
        try:
            obj = json.loads(read_regular(path, MAX_DATA_BYTES).decode("utf-8"))
        except UnreadableError as e:
            if e.code == "FILE_NOT_FOUND":
                raise UsageError(f"找不到数据文件 {path}") from None
            raise UsageError(f"数据文件无法读取：{e.message}") from None
        except UnicodeDecodeError:
            raise UsageError(f"数据文件 {path} 不是 UTF-8 编码，请另存为 UTF-8 后重试") from None
        except json.JSONDecodeError as e:
            raise UsageError(f"数据文件 {path} 不是有效的 JSON：第{e.lineno}行第{e.colno}列附近有格式错误") from None
        except RecursionError:
            raise UsageError(f"数据文件 {path} 嵌套层数过多，不是本系统的数据格式") from None
        except ValueError:  # e.g. an integer of thousands of digits
            raise UsageError(f"数据文件 {path} 中有位数过多的数字，不是本系统的数据格式") from None
        data = from_json(obj, source=f"数据文件 {path}")
        if fmt and fmt != data.format:
            raise UsageError(f"数据文件 {path} 是 {data.format} 格式，与 --format {fmt} 不一致")
    else:
        data = ReportData(format=fmt or (for_year(year).id if year else latest().id))
    if year is not None:
        data.year = year
        if not fmt and not path:
            data.format = for_year(year).id
    if org is not None:
        data.org = org
    return data
