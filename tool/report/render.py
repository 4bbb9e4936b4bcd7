"""Render the annual report (.docx) from ReportData with a compiled template.

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
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import TemplateError, UsageError
from ..core.files import os_reason, safe_name, write_atomic
from ..format import Spec, load
from ..format.interchange import ReportData
from .context import build_context
from .template import DRAFT_MARK, STYLE, build_template, default_template

HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
DOC_PART = "word/document.xml"


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
            from .lint import lint_template

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
            from .lint import where

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
                from .lint import where

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
    return write_atomic(output, default_template(version))
