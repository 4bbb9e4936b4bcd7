"""One report's publication package: the web page, the CMS fragment, the data (CSV/JSON), the
图解 (PNG, PDF, long PNG), the Word report and its PDF, and ``发布清单.json`` naming them all
(what ``publish --index`` reads).

``build`` is pure (data in, named bytes out); ``write`` puts them into a folder, each file
atomically and the manifest last, so a folder with a manifest always holds what it lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import safe_name, write_atomic
from ..format import common
from ..format.interchange import ReportData

BOM = "\ufeff"
ORDER = ("html", "pdf", "docx", "poster_png", "poster_pdf", "long_png", "csv", "json", "fragment")


def vocab() -> dict[str, Any]:
    return common()["publish"]


def base_name(data: ReportData) -> str:
    """<单位名称><年度>年政府信息公开工作年度报告, safe as a file name."""
    return safe_name(data.spec.common.report_title(data.org, "" if data.year is None else data.year))


def file_name(data: ReportData, kind: str) -> str:
    return base_name(data) + vocab()["files"][kind]["suffix"]


@dataclass
class Built:
    """The package in memory: file kind → (name, bytes); what was left out and why."""

    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def links(data: ReportData, kinds: list[str]) -> list[tuple[str, str]]:
    """(label, file name) of the package's other files, for the page's download list."""
    files = vocab()["files"]
    return [(files[k]["label"], file_name(data, k)) for k in ORDER if k in kinds and k != "html"]


def build(data: ReportData, *, draft: bool = False, last: ReportData | None = None, template: str | None = None,
          departments: list[tuple[str, int]] | None = None, exportable: bool = True,
          expect_pdf: bool = True, isolate: bool = True) -> Built:
    """Every file of the package except the report's PDF (LibreOffice makes that afterwards)."""
    from ..check.export import to_csv_text, to_json_text
    from ..report.context import build_context
    from ..report.render import Renderer
    from .figures import summarize
    from .html import fragment, page
    from .poster import draw_poster

    out = Built()
    spec = data.spec

    def put(kind: str, blob: bytes) -> None:
        out.files[kind] = (file_name(data, kind), blob)

    if template and isolate:  # a custom template runs in a worker under a time limit (report.render)
        from ..report.render import render_isolated

        put("docx", render_isolated(template, data, draft))
    else:
        put("docx", Renderer(template, data.format).render(data, draft=draft))
    if exportable:
        put("csv", (BOM + to_csv_text(data)).encode("utf-8"))
        put("json", to_json_text(data).encode("utf-8"))
    else:
        out.notes.append("数据有无法读取或无效的数值，未生成 CSV/JSON（nianbao check 可查看）")
    summary = summarize(data, last=last, draft=draft, departments=departments)
    if summary is None:
        out.notes.append(f"{spec.id} 格式没有图解的定义（格式数据中的 figures），未生成图解")
    else:
        poster = draw_poster(summary)
        put("poster_png", poster.png)
        put("poster_pdf", poster.pdf)
        put("long_png", poster.long_png)
    ctx = build_context(data, spec, draft)
    put("fragment", fragment(ctx, spec).encode("utf-8"))
    kinds = [*out.files, "html", *(["pdf"] if expect_pdf else [])]
    w = vocab()["words"]
    put("html", page(ctx, spec, files=links(data, kinds), files_title=w["other_formats"]).encode("utf-8"))
    return out


def manifest(data: ReportData, files: dict[str, str], *, draft: bool) -> bytes:
    """发布清单.json: who, which year, and the package's files by kind (names relative to it)."""
    doc = {"product": common()["product"], "org": data.org, "year": data.year, "format": data.format,
           "kind": data.kind, "title": data.title().replace("\n", ""), "draft": draft,
           "files": {k: files[k] for k in ORDER if k in files}}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def write(built: Built, folder: Path, *, inputs: list[str | Path] = ()) -> dict[str, Path]:
    """Each file atomically into ``folder``; returns kind → path (the manifest is written later)."""
    return {kind: write_atomic(folder / name, blob, inputs=inputs) for kind, (name, blob) in built.files.items()}


def write_manifest(data: ReportData, folder: Path, written: dict[str, Path], *, draft: bool) -> Path:
    return write_atomic(folder / vocab()["manifest"],
                        manifest(data, {k: p.name for k, p in written.items()}, draft=draft))
