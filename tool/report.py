"""Render the annual report (.docx) from ReportData: context building and a batch renderer.

``Renderer`` does docxtpl's per-render work once per template: it patches the document XML
(docxtpl's tag clean-up), compiles it with a sandboxed, autoescaping, strict Jinja environment,
and keeps every other part of the package in memory. ``render`` then only runs the compiled
template and writes the zip. The output equals a plain docxtpl render (same XML) for templates
without images in loops.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .data import INFO_KEYS, ReportData
from .docx_template import DRAFT_MARK, STYLE, build_template, default_template
from .errors import TemplateError, UsageError
from .files import os_reason, safe_name
from .findings import fmt_number
from .spec import Field, Spec, load

HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
DOC_PART = "word/document.xml"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RUNIN = re.compile(r"（[一二三四五六七八九十]+）")
RUNIN_MAX = 40  # a run-in heading ends with 。/： within this many characters


# -- context ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Para:
    """One paragraph of narrative text: an optional run-in heading (楷体) and the rest."""

    head: str
    body: str


class Values:
    """``v.art20_1.rules.new_made`` → the formatted value; attribute access only.

    Not a dict, so a field segment named like a dict method (``items``) cannot be shadowed.
    """

    __slots__ = ("_d",)

    def __init__(self, d: dict[str, Any]):
        self._d = d

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __contains__(self, key: str) -> bool:
        return key in self._d


def clean(s: str) -> str:
    """Text safe for XML: no control characters, tabs as spaces."""
    return _ILLEGAL.sub("", s.replace("\t", " ").replace("\r", ""))


def split_runin(line: str) -> Para:
    """``（一）主动公开方面。正文…`` → head ``（一）主动公开方面。`` and the body."""
    if _RUNIN.match(line):
        for i, ch in enumerate(line[:RUNIN_MAX]):
            if ch in "。：:":
                return Para(line[: i + 1], line[i + 1:])
        if len(line) <= RUNIN_MAX:
            return Para(line, "")
    return Para("", line)


def paragraphs(text: str) -> list[Para]:
    """Each non-blank line is a paragraph; its leading/trailing spaces (indent) are dropped."""
    return [split_runin(line.strip()) for line in clean(text).split("\n") if line.strip()]


def format_value(f: Field, v: Any) -> str:
    """Counts as integers; amounts without trailing zeros and with their unit (161804.8元)."""
    if f.type == "integer":
        return str(int(v or 0))
    return fmt_number(Decimal(str(v or 0))) + f.unit


def format_date(s: str) -> str:
    """2020-02-14 → 2020年2月14日 (GB/T 9704: no zero padding); other text as written."""
    m = re.fullmatch(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", s or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else clean(s or "")


def _tree(flat: dict[str, str]) -> Values:
    root: dict[str, Any] = {}
    for key, val in flat.items():
        *path, last = key.split(".")
        node = root
        for p in path:
            node = node.setdefault(p, {})
        node[last] = val

    def wrap(d: dict[str, Any]) -> Values:
        return Values({k: wrap(x) if isinstance(x, dict) else x for k, x in d.items()})

    return wrap(root)


def build_context(data: ReportData, spec: Spec | None = None, draft: bool = False) -> dict[str, Any]:
    """Everything a template may use; every value is a string or a list of paragraphs."""
    spec = spec or data.spec
    values = spec.compute(data.values)
    year = "" if data.year is None else str(data.year)
    title = data.info.get("title") or spec.common.report_title(data.org, year)
    preface = data.text.get("preface") or spec.common.preface(data.org, year)
    return {
        "title_lines": [clean(t).strip() for t in title.split("\n") if t.strip()],
        "preface": paragraphs(preface),
        "text": Values({s.key: paragraphs(data.text.get(s.key, "")) for s in spec.text_sections}),
        "v": _tree({k: format_value(spec.fields[k], x) for k, x in values.items()}),
        "org": clean(data.org),
        "year": year,
        "sign_date": format_date(data.info.get("sign_date", "")),
        "info": Values({k: clean(data.info.get(k) or "") for k in INFO_KEYS}),
        "draft": draft,
    }


def context_names(spec: Spec) -> dict[str, set[str]]:
    """Known names for the lint: top-level variable → allowed dotted paths below it."""
    return {
        "title_lines": set(), "preface": set(), "org": set(), "year": set(), "sign_date": set(), "draft": set(),
        "text": {s.key for s in spec.text_sections},
        "info": set(INFO_KEYS),
        "v": set(spec.fields),
    }


# -- rendering -------------------------------------------------------------------------------

def make_env() -> SandboxedEnvironment:
    """Sandboxed (no Python internals), autoescaped (A & B <C> survives), strict (no silent blanks)."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _patch(xml: str) -> str:
    """docxtpl's clean-up of tags split across runs, {%p %}/{%tr %} etc., and its line layout."""
    from docxtpl import DocxTemplate

    return re.sub(r"<w:p([ >])", r"\n<w:p\1", DocxTemplate.patch_xml(None, xml))  # type: ignore[arg-type]


def _unpatch(xml: str) -> str:
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    return xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


def _draft_paragraph(style: str | None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = '<w:rPr><w:b/><w:color w:val="C00000"/></w:rPr>'
    return f"<w:p>{ppr}<w:r>{rpr}<w:t>{DRAFT_MARK}</w:t></w:r></w:p>"


def _insert_after_open(xml: str, tag: str, fragment: str) -> str:
    m = re.search(rf"<{tag}(?:\s[^>]*)?>", xml)
    if m is None:
        return xml
    return xml[: m.end()] + fragment + xml[m.end():]


def _header_parts(parts: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Zip names of the document's header and footer parts, from its relationships."""
    rels = parts.get("word/_rels/document.xml.rels", b"").decode("utf-8")
    heads, foots = [], []
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        rel = m.group(0)
        typ = re.search(r'Type="([^"]+)"', rel)
        target = re.search(r'Target="([^"]+)"', rel)
        if not (typ and target):
            continue
        name = "word/" + target[1].lstrip("/").removeprefix("word/")
        if typ[1] == HEADER_REL:
            heads.append(name)
        elif typ[1] == FOOTER_REL:
            foots.append(name)
    return heads, foots


class Renderer:
    """A compiled report template: build once, ``render`` many reports.

    ``template``: a custom .docx (path or bytes), linted first; None → the default template of
    ``version``, or generated from ``spec`` when a Spec object is given (format data under test).
    """

    def __init__(self, template: str | Path | bytes | None = None, version: str = "2021", *,
                 spec: Spec | None = None, lint: bool | None = None):
        self.spec = spec or load(version)
        self.custom = template is not None
        self.source = str(template) if isinstance(template, (str, Path)) else ("自定义模板" if template else "默认模板")
        blob = self._template_bytes(template, spec)
        self.infos, self.parts = self._read_zip(blob)
        self.env = make_env()
        self.heads, foots = _header_parts(self.parts)
        self.draft_style = STYLE.draft if f'w:styleId="{STYLE.draft}"' in self.parts.get(
            "word/styles.xml", b"").decode("utf-8", "replace") else None
        self.sources: dict[str, str] = {}
        for name in [DOC_PART, *self.heads, *foots]:
            xml = self.parts[name].decode("utf-8")
            if name == DOC_PART or "{{" in xml or "{%" in xml:
                self.sources[name] = _patch(xml)
        if lint if lint is not None else self.custom:
            from .docx_lint import lint_template

            problems = lint_template(self.sources, self.spec, self.env)
            if problems:
                raise TemplateError(f"模板 {self.source} 有 {len(problems)} 处问题：\n"
                                    + "\n".join(f"  - {p}" for p in problems))
        self.compiled = {name: self._compile(name, src) for name, src in self.sources.items()}

    def _template_bytes(self, template: str | Path | bytes | None, spec: Spec | None) -> bytes:
        if template is None:
            return build_template(spec) if spec is not None else default_template(self.spec.id)
        if isinstance(template, bytes):
            return template
        try:
            return Path(template).read_bytes()
        except OSError as e:
            raise UsageError(f"无法读取模板 {template}：{os_reason(e)}") from None

    def _read_zip(self, blob: bytes) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as z:
                infos = z.infolist()
                parts = {i.filename: z.read(i) for i in infos}
        except (zipfile.BadZipFile, OSError, EOFError):
            raise TemplateError(f"模板 {self.source} 不是有效的 Word（.docx）文件（压缩包已损坏）；"
                                "请在 Word/WPS 中另存为 .docx 后重试") from None
        if DOC_PART not in parts:
            raise TemplateError(f"模板 {self.source} 不是有效的 Word（.docx）文件：缺少 {DOC_PART}")
        return infos, parts

    def _compile(self, name: str, src: str) -> jinja2.Template:
        try:
            return self.env.from_string(src)
        except jinja2.TemplateSyntaxError as e:
            from .docx_lint import where

            raise TemplateError(f"模板 {self.source} 的标签有语法错误（{where(src, e.lineno, name)}）：{e.message}") from None

    def render(self, data: ReportData, draft: bool = False) -> bytes:
        """The report as .docx bytes; ``draft`` marks every page header and the title."""
        if data.format != self.spec.id:
            raise UsageError(f"数据是 {data.format} 格式，模板是 {self.spec.id} 格式，不能套用")
        ctx = build_context(data, self.spec, draft)
        out = dict(self.parts)
        for name, tpl in self.compiled.items():
            try:
                xml = _unpatch(tpl.render(ctx))
            except jinja2.TemplateError as e:
                from .docx_lint import where

                raise TemplateError(f"模板 {self.source} 无法生成报告（{where(self.sources[name], getattr(e, 'lineno', None), name)}）："
                                    f"{e.message or e}") from None
            out[name] = xml.encode("utf-8")
        if draft:
            mark = _draft_paragraph(self.draft_style)
            out[DOC_PART] = _insert_after_open(out[DOC_PART].decode("utf-8"), "w:body", mark).encode("utf-8")
            for name in self.heads:
                out[name] = _insert_after_open(out[name].decode("utf-8"), "w:hdr", mark).encode("utf-8")
        return self._zip(out)

    def _zip(self, parts: dict[str, bytes]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info in self.infos:
                z.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
        return buf.getvalue()


_DEFAULT: dict[str, Renderer] = {}


def render_report(data: ReportData, template: str | Path | bytes | None = None, draft: bool = False) -> bytes:
    """One report; the default template's compiled form is cached per version."""
    if template is not None:
        return Renderer(template, data.format).render(data, draft)
    if data.format not in _DEFAULT:
        _DEFAULT[data.format] = Renderer(None, data.format)
    return _DEFAULT[data.format].render(data, draft)


def default_output_name(data: ReportData) -> str:
    """<单位名称><年度>年政府信息公开工作年度报告.docx (the report's own title, one line)."""
    year = "" if data.year is None else data.year
    name = data.spec.common.report_title(data.org, year)
    return safe_name(name) + ".docx"


def export_template(version: str, output: str | Path) -> Path:
    """The default template, for an office to restyle and pass back with --template."""
    from .files import write_atomic

    return write_atomic(output, default_template(version))
