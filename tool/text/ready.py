"""Text that is not ready to publish: placeholders left from a sample (XX、某某、待补充、【单位名称】),
another year in 本年度 statements or at the head of 总体情况, a statistics period that is not the
report year, the superseded outline or an older format's table wording, content a report must
have (五: 问题 and 改进; 本级政府: 条例第五十条第四项; 六: 收费情况), and local limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..core.findings import Finding, make
from ..core.text import norm
from ..format import Spec, load, versions
from ..format.interchange import ReportData
from ..format.textdata import text_data
from .scan import Para, normalise, quote, sentences

_LEAD_YEAR = re.compile(r"^\s*(\d{4})\s*年度?\s*[，,、]")
_THIS_YEAR = re.compile(r"(?:本年度|今年|全年|本年)\s*[（(]\s*(\d{4})\s*年度?\s*[）)]|(\d{4})\s*年度?(?:全年|本年度)")
_REPORT_YEAR = re.compile(r"(\d{4})\s*年度?政府信息公开工作")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_PERIOD = re.compile(_DATE + r"\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")


def ready_findings(data: ReportData, spec: Spec, paras: list[Para], *, max_chars: dict[str, int] | None = None,
                   min_chars: dict[str, int] | None = None,
                   require: Iterable[dict] = ()) -> list[Finding]:  # type: ignore[type-arg]
    kind = data.kind if data.kind in spec.common.kinds else "department"
    out = placeholders(spec, [*paras, title_para(data, spec)], kind)
    out += wrong_years(data, paras) + periods(data, paras) + obsolete(spec, paras)
    out += required(data, spec, paras, [*text_data()["required"], *require], kind)
    return out + limits(data, spec, max_chars or {}, min_chars or {})


def title_para(data: ReportData, spec: Spec) -> Para:
    p = spec.layout.info["title"]
    return Para("title", spec.common.info_label("title"), 1, p.sheet, p.cell, data.info.get("title", ""))


def _at(p: Para) -> dict[str, object]:
    key = {"preface": "info.preface", "title": "info.title"}.get(p.section, f"text.{p.section}")
    return {"sheet": p.sheet, "cell": p.cell, "key": key, "label_path": (p.sheet, p.title), "where": p.where}


_COMPILED: dict[str, tuple[object, object]] = {}


def _placeholder_re(cfg: dict) -> re.Pattern[str]:  # type: ignore[type-arg]
    hit = _COMPILED.get("placeholders")
    if hit is None or hit[0] is not cfg:
        pattern = re.compile("|".join(re.escape(w) for w in sorted(cfg["words"], key=len, reverse=True))
                             + r"|【[^】]{0,16}】")
        hit = _COMPILED["placeholders"] = (cfg, pattern)
    return hit[1]  # type: ignore[return-value]


def placeholders(spec: Spec, paras: list[Para], kind: str) -> list[Finding]:
    cfg = text_data()["placeholders"]
    words = _placeholder_re(cfg)
    level = "error" if kind == "department" else "warning"
    out = []
    for p in paras:
        text = _no_urls(p.text)
        for m in words.finditer(text):
            found = m.group(0)
            if found.startswith("【") and not (len(found) == 2 or any(h in found for h in cfg["bracket_hints"])):
                continue
            if found.lower() == "xx" and _latin_around(text, m.start(), m.end()):
                continue
            out.append(make("TEXT_PLACEHOLDER", level=level, **_at(p), quote=quote(p.text, m.start(), m.end()),
                            actual=found))
            break  # one per paragraph is enough to send it back
    return out


def _no_urls(text: str) -> str:
    return re.sub(r"(?:https?://|www\.)\S+", lambda m: " " * len(m.group(0)), text)


def _latin_around(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha() and after not in "Xx")


def wrong_years(data: ReportData, paras: list[Para]) -> list[Finding]:
    """Another year heading 总体情况 or the preface, or named as 本年度/全年."""
    if not data.year:
        return []
    out = []
    for p in paras:
        text = normalise(p.text)
        allowed = {data.year} if p.section in ("preface", "overall") else {data.year, data.year + 1}
        found = [(m.start(), m.end(), int(m[1])) for m in _LEAD_YEAR.finditer(text)]
        found += [(m.start(), m.end(), int(m[1] or m[2])) for m in _THIS_YEAR.finditer(text)]
        if p.section in ("preface", "overall"):
            found += [(m.start(), m.end(), int(m[1])) for m in _REPORT_YEAR.finditer(text)]
        for s, e, y in found:
            if y not in allowed and 1990 < y < 2100:
                out.append(make("TEXT_WRONG_YEAR", **_at(p), quote=quote(p.text, s, e), actual=y, expected=data.year))
                break
    return out


def period_spans(text: str) -> list[tuple[int, int, date | None, date | None]]:
    """Statistics periods written in a text: (start, end, first day, last day)."""
    words = text_data()["period"]["words"]
    out: list[tuple[int, int, date | None, date | None]] = []
    if "日" not in text or not any(w in text for w in words):
        return out
    text = normalise(text)
    for s0, s1 in sentences(text):
        sent = text[s0:s1]
        if not any(w in sent for w in words):
            continue
        for m in _PERIOD.finditer(sent):
            try:
                first = date(int(m[1]), int(m[2]), int(m[3]))
                last = date(int(m[4] or m[1]), int(m[5]), int(m[6]))
            except ValueError:
                first = last = None
            out.append((s0 + m.start(), s0 + m.end(), first, last))
    return out


def periods(data: ReportData, paras: list[Para]) -> list[Finding]:
    if not data.year:
        return []
    want = (date(data.year, 1, 1), date(data.year, 12, 31))
    out = []
    for p in paras:
        for s, e, first, last in period_spans(p.text):
            if (first, last) != want:
                out.append(make("TEXT_PERIOD", **_at(p), quote=p.text[s:e], actual=p.text[s:e],
                                expected=f"{data.year}年1月1日至{data.year}年12月31日"))
    return out


_OBSOLETE: dict[int, tuple[Spec, list[tuple[str, str]]]] = {}


def obsolete_words(spec: Spec) -> list[tuple[str, str]]:
    hit = _OBSOLETE.get(id(spec))
    if hit is None or hit[0] is not spec:
        hit = _OBSOLETE[id(spec)] = (spec, _obsolete_words(spec))
    return hit[1]


def _obsolete_words(spec: Spec) -> list[tuple[str, str]]:
    """(words, where they come from): the superseded outline, and column headings of older versions
    that this version does not use (derived from the format data)."""
    out = [(w, "2008 年旧版年度报告提纲") for w in text_data()["obsolete_outline"]]
    mine = " ".join(norm(c.text) for t in spec.tables.values() for c in t.labels)
    for v in versions():
        old = load(v)
        if old.first_year >= spec.first_year:
            continue
        for t in old.tables.values():
            for c in t.labels:
                if c.kind == "col_header" and len(norm(c.text)) >= 4 and norm(c.text) not in mine:
                    out.append((c.text, f"{old.id} 年格式（{old.doc_number}）"))
    return list(dict.fromkeys(out))


def obsolete(spec: Spec, paras: list[Para]) -> list[Finding]:
    if spec.first_year <= min(load(v).first_year for v in versions()):
        return []
    words = obsolete_words(spec)
    first = {w[0] for w, _ in words}
    out = []
    for p in paras:
        text = p.text
        if not first.intersection(text):
            continue
        for w, which in words:
            outline = which.startswith("2008")
            at = text.find(w)
            if at < 0 or (outline and not (_HEADING.match(text) and _HEADING.sub("", text).startswith(w)) and text.strip() != w):
                continue
            out.append(make("TEXT_OBSOLETE_WORDING", **_at(p), quote=quote(text, at, at + len(w)), actual=w,
                            which=which, version=spec.id, doc=spec.doc_number))
            break
    return out


def required(data: ReportData, spec: Spec, paras: list[Para], needs: list[dict], kind: str) -> list[Finding]:  # type: ignore[type-arg]
    out = []
    sections = {s.key: s for s in spec.text_sections}
    joined: dict[str, str] = {}
    for p in paras:
        joined[p.section] = joined.get(p.section, "") + p.text
    normed = {k: norm(v) for k, v in joined.items()}
    whole = "".join(normed.values())
    for need in needs:
        if need.get("kinds") and kind not in need["kinds"]:
            continue
        if need.get("since") and spec.first_year < need["since"]:
            continue
        where = need.get("section", "*")
        if where != "*" and where not in sections:
            continue
        text = whole if where == "*" else normed.get(where, "")
        if where != "*" and not text:
            continue  # an empty section is TEXT_REQUIRED's business
        words = need.get("all") or need.get("any") or []
        ok = all(w in text for w in words) if "all" in need else any(w in text for w in words)
        if ok:
            continue
        key = where if where != "*" else spec.text_sections[0].key
        p = spec.layout.text[key]
        out.append(make(need.get("code", "TEXT_REQUIRED_WORDS"), sheet=p.sheet, cell=p.cell, key=f"text.{key}",
                        label_path=(p.sheet, sections[key].title), title=sections[key].title,
                        name=need["name"], words="、".join(words[:3])))
    return out


def limits(data: ReportData, spec: Spec, max_chars: dict[str, int], min_chars: dict[str, int]) -> list[Finding]:
    out = []
    for s in spec.text_sections:
        n = len("".join(data.text.get(s.key, "").split()))
        p = spec.layout.text[s.key]
        at = {"sheet": p.sheet, "cell": p.cell, "key": f"text.{s.key}", "label_path": (p.sheet, s.title),
              "title": s.title, "actual": n}
        if s.key in max_chars and n > max_chars[s.key]:
            out.append(make("TEXT_TOO_LONG", expected=max_chars[s.key], **at))
        if s.key in min_chars and 0 < n < min_chars[s.key]:
            out.append(make("TEXT_TOO_SHORT", expected=min_chars[s.key], **at))
    return out
