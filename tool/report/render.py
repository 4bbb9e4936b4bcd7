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
import jinja2.sandbox
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import TemplateError, UnreadableError, UsageError
from ..core.files import read_regular, safe_name
from ..core.zipsafe import open_zip, verify
from ..format import Spec, load
from ..format.interchange import ReportData
from .context import build_context
from .template import DRAFT_MARK, STYLE, build_template, default_template

HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
DOC_PART = "word/document.xml"


MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_OUTPUT_BYTES = 50 * 1024 * 1024  # a rendered report is ~100 KB
RENDER_SECONDS = 30.0  # a custom template's render, in a worker process


class _Bounded(SandboxedEnvironment):
    """The sandbox, with arithmetic that cannot eat the machine (``9**(9**9)``, ``"x" * 10**9``)."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: object, right: object) -> object:
        big = (operator == "**" and isinstance(right, int) and (right > 64 or abs(left) > 10**6)  # type: ignore[arg-type]
               if isinstance(left, int) else False)
        sized = [x for x in (left, right) if isinstance(x, (str, list, tuple))]
        times = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
        if big or (operator == "*" and sized and times and abs(times[0]) * max(len(sized[0]), 1) > 100_000):
            raise jinja2.sandbox.SecurityError("数值过大")
        return super().call_binop(context, operator, left, right)


def make_env() -> SandboxedEnvironment:
    """Sandboxed (no Python internals), autoescaped (A & B <C> survives), strict (no silent blanks),
    bounded (range ≤ 100,000, no giant powers or repetitions)."""
    return _Bounded(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


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
        blob = self.template = self._template_bytes(template, spec)
        self.infos, self.parts = self._read_zip(blob)
        self.env = make_env()
        self.heads, foots = (
            [n for n in names if n in self.parts] for names in _header_parts(self.parts))
        self.draft_style = STYLE.draft if f'w:styleId="{STYLE.draft}"' in self.parts.get(
            "word/styles.xml", b"").decode("utf-8", "replace") else None
        self.sources: dict[str, str] = {}
        for name in [DOC_PART, *self.heads, *foots]:
            try:
                xml = self.parts[name].decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateError(f"模板 {self.source} 的部件 {name} 不是 UTF-8 编码的 XML（可能被其他软件另存过）；"
                                    "请在 Word/WPS 中另存为 .docx 后重试") from None
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
            return read_regular(template, MAX_TEMPLATE_BYTES)
        except UnreadableError as e:
            raise UsageError(f"无法读取模板：{e.message}") from None

    def _read_zip(self, blob: bytes) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
        try:
            box = open_zip(blob, self.source)
            infos = [i for i in box.infos if not i.is_dir()]
            parts = verify(box)
        except UnreadableError as e:
            if e.code in ("FILE_ZIP_BOMB", "FILE_TOO_MANY_PARTS"):
                raise TemplateError(f"模板 {self.source} 解压后异常巨大或部件过多，不像是 Word 文档，已拒绝使用") from None
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
        size = 0
        for name, tpl in self.compiled.items():
            try:
                xml = _unpatch(tpl.render(ctx))
            except (jinja2.TemplateError, OverflowError, RecursionError, MemoryError, TypeError, ValueError) as e:
                raise self._failed(name, e) from None
            out[name] = xml.encode("utf-8")
            size += len(out[name])
            if size > MAX_OUTPUT_BYTES:
                raise TemplateError(f"模板 {self.source} 生成的内容异常巨大（超过 {MAX_OUTPUT_BYTES // 1048576} MB），"
                                    "可能有过多的循环；已停止")
        if draft:
            mark = _draft_paragraph(self.draft_style)
            out[DOC_PART] = _insert_after_open(out[DOC_PART].decode("utf-8"), "w:body", mark).encode("utf-8")
            for name in self.heads:
                out[name] = _insert_after_open(out[name].decode("utf-8"), "w:hdr", mark).encode("utf-8")
        return self._zip(out)

    def _failed(self, name: str, e: BaseException) -> TemplateError:
        """A render failure as a Chinese sentence naming where in the document it happened."""
        from .lint import where

        at = where(self.sources[name], getattr(e, "lineno", None), name)
        if isinstance(e, OverflowError):
            why = "循环次数过多（range 不能超过 10 万次）"
        elif isinstance(e, (RecursionError, MemoryError)):
            why = "嵌套或数据过大"
        elif isinstance(e, jinja2.TemplateNotFound) or "no loader" in str(e):
            why = "模板中不能引用其他文件（include、import、extends）"
        elif isinstance(e, jinja2.sandbox.SecurityError):
            why = "模板试图做不允许的操作（访问程序内部或计算过大的数值）"
        elif isinstance(e, jinja2.UndefinedError):
            why = "使用了不存在的变量"
        else:
            why = "标签无法计算"
        return TemplateError(f"模板 {self.source} 无法生成报告（{at}）：{why}")

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


def _render_job(job: tuple[bytes, str, ReportData, bool]) -> bytes | TemplateError:
    """Compile and render a custom template (runs in a worker process)."""
    template, source, data, draft = job
    try:
        r = Renderer(template, data.format, lint=False)
        r.source = source
        return r.render(data, draft)
    except TemplateError as e:
        return e


def render_isolated(template: str | Path | bytes, data: ReportData, draft: bool = False, *,
                    time_limit: float = RENDER_SECONDS) -> bytes:
    """A custom template's report, rendered in a worker process under a time and memory limit: a
    template that loops for ever or grows without end is refused, not waited for."""
    from ..core.isolate import Failed, run_isolated

    renderer = Renderer(template, data.format)  # read, checked and linted here: its errors are exit 2
    job = (renderer.template, renderer.source, data, draft)
    got = run_isolated(_render_job, job, time_limit=time_limit)
    if isinstance(got, Failed):
        why = f"超过 {time_limit:.0f} 秒仍未完成" if got.why == "timeout" else "所需内存或计算过多"
        raise TemplateError(f"模板 {renderer.source} 无法生成报告：{why}，可能有过多的循环")
    if isinstance(got, TemplateError):
        raise got
    return got


def default_output_name(data: ReportData) -> str:
    """<单位名称><年度>年政府信息公开工作年度报告.docx (the report's own title, one line)."""
    year = "" if data.year is None else data.year
    name = data.spec.common.report_title(data.org, year)
    return safe_name(name) + ".docx"


def export_template(version: str, output: str | Path, *, overwrite: bool = False) -> Path:
    """The default template, for an office to restyle and pass back with --template (never over its restyled one)."""
    from ..core.ledger import write_output

    return write_output(output, default_template(version), overwrite=overwrite)
