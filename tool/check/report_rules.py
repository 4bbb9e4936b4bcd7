"""Rules over the report as a whole: required 基本信息 and text, the format version in force for the
year, the 落款日期 against the deadline. Pure functions of ``ReportData``."""

from __future__ import annotations

from datetime import date

from ..core.findings import Finding, make
from ..format import Spec, for_year
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules

STAGES = ("check", "report")


def report_rules(data: ReportData, spec: Spec, rules: LocalRules = NATIONAL, stage: str = "check") -> list[Finding]:
    """``stage``: "check" (a self-check, collect) or "report" (before a report is generated: an empty
    required section or no 落款日期 is an error for every kind of report, refused like one)."""
    common = spec.common
    lay = spec.layout
    out: list[Finding] = []
    info_sheet = common.sheets["info"]
    for f in common.info_fields:
        if f.required and not _info_value(data, f.key):
            p = lay.info[f.key]
            out.append(make("INFO_REQUIRED", sheet=info_sheet, cell=p.cell, key=f"info.{f.key}",
                            label_path=(info_sheet, f.label), label=f.label))
    if data.year:
        current = for_year(data.year)
        if current.id != spec.id:
            p = lay.info["year"]
            out.append(make("FMT_CURRENT_VERSION", sheet=info_sheet, cell=p.cell, key="info.format",
                            expected=current.id, actual=spec.id, year=data.year, doc=current.doc_number))
    kind = data.kind if data.kind in common.kinds else "department"
    for s in spec.text_sections:
        if s.required_by(kind) and not data.text.get(s.key, "").strip():
            p = lay.text[s.key]
            level = "error" if kind == "department" or stage == "report" else "warning"
            out.append(make("TEXT_REQUIRED", level=level, variant="report" if stage == "report" else "",
                            sheet=p.sheet, cell=p.cell, key=f"text.{s.key}", label_path=(p.sheet, s.title),
                            title=s.title, kind_name=common.kinds[kind],
                            note=f"；{s.required_note}" if s.required_note and not s.required else ""))
    out += _sign_date(data, spec, kind, rules, stage)
    return out


def _info_value(data: ReportData, key: str) -> object:
    if key in ("org", "year"):
        return getattr(data, key)
    return data.text.get(key) if key == "preface" else data.info.get(key)


def _sign_date(data: ReportData, spec: Spec, kind: str, rules: LocalRules, stage: str) -> list[Finding]:
    raw = data.info.get("sign_date", "")
    common = spec.common
    label = common.info_label("sign_date")
    p = spec.layout.info["sign_date"]
    at = {"sheet": p.sheet, "cell": p.cell, "key": "info.sign_date", "label_path": (p.sheet, label),
          "label": label, "actual": raw}
    if not str(raw).strip():
        return [make("SIGN_DATE_MISSING", level="error" if stage == "report" else None, **at)]
    if not data.year:
        return []
    try:
        signed = date.fromisoformat(raw)
    except ValueError:
        return [make("SIGN_DATE_INVALID", **at)]
    month, day = rules.deadline(kind, tuple(common["deadlines"][kind]))  # type: ignore[arg-type]
    deadline = date(data.year + 1, month, day)
    if signed <= deadline:
        return []
    return [make("SIGN_DATE_LATE", expected=deadline.isoformat(), kind_name=common.kinds[kind],
                 deadline=f"{month}月{day}日", **at)]
