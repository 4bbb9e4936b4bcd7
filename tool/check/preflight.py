"""The report as graders read it (预审): the title's form, the preface's statistics period, publication
URL and count of parts. The other graded items are text checks (``tool.text``: 五's 问题 and 改进,
六's fee statement, a 本级政府 report's 条例第五十条第四项 content) and the deadline (``report_rules``);
the headings of a custom template are checked by ``report``. All warnings unless a local rule says
otherwise."""

from __future__ import annotations

import re

from ..core.findings import Finding, make
from ..core.text import norm
from ..format import Spec
from ..format.interchange import ReportData
from ..text.ready import period_spans

_URL = re.compile(r"https?://|www\.|\.gov\.cn|\.cn/|\.com|网址|(?:网站|网|平台|门户).{0,30}(?:查阅|下载|公布|发布|公开)", re.I)
_PARTS = re.compile(r"(?:共|包括|分为|分)\s*([一二三四五六七八九十\d]+)\s*(?:个)?部分")
_CN = "一二三四五六七八九十"


def preflight(data: ReportData, spec: Spec) -> list[Finding]:
    return title(data, spec) + preface(data, spec)


def title(data: ReportData, spec: Spec) -> list[Finding]:
    given = data.info.get("title", "")
    if not given.strip() or not data.org or not data.year:
        return []  # an empty title is printed in the right form
    common = spec.common
    t, org, doc = norm(given), norm(data.org), norm(common["report_doc"])
    problem = ""
    if t.count("年度") >= 2:
        problem = "中“年度”出现了两次"
    elif not t.endswith(doc):
        problem = f"不是以“{common['report_doc']}”结尾"
    elif org not in t:
        problem = "没有写明机关全称"
    elif f"{data.year}年" not in t:
        problem = f"中的年份不是报告年度 {data.year}"
    if not problem:
        return []
    p = spec.layout.info["title"]
    label = common.info_label("title")
    return [make("REPORT_TITLE", sheet=p.sheet, cell=p.cell, key="info.title", label_path=(p.sheet, label),
                 label=label, actual=given.replace("\n", ""), expected=common.report_title(data.org, data.year),
                 problem=problem)]


def preface(data: ReportData, spec: Spec) -> list[Finding]:
    text = data.text.get("preface", "")
    if not text.strip():
        return []  # the default preface is written in the right form
    p = spec.layout.info["preface"]
    label = spec.common.info_label("preface")
    at = {"sheet": p.sheet, "cell": p.cell, "key": "info.preface", "label_path": (p.sheet, label), "label": label}
    out = []
    if not period_spans(text):
        out.append(make("REPORT_PREFACE_PERIOD", year=data.year or "", **at))
    if not _URL.search(text):
        out.append(make("REPORT_PREFACE_URL", **at))
    m = _PARTS.search(text)
    if m:
        n = int(m[1]) if m[1].isdigit() else (_CN.index(m[1]) + 1 if m[1] in _CN else 0)
        if n and n != len(spec.sections):
            out.append(make("REPORT_PREFACE_PARTS", actual=m[1], expected=len(spec.sections), **at))
    return out
