"""``nianbao publish``: check, then build the publication package, for one workbook or for every
passing unit of a ``collect`` output folder (in parallel; the reports' PDFs then by a pool of
long-lived LibreOffice processes). Returns what happened; never prints.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import NianbaoError, UsageError
from ..core.files import display_name, os_reason, output_dir
from ..core.findings import CheckResult
from ..core.progress import SILENT, Progress
from ..format import common
from ..format.interchange import ReportData
from . import package


@dataclass
class Published:
    """One package: the check result, the folder and files written (none when refused), notes."""

    result: CheckResult | None
    name: str = ""
    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    draft: bool = False
    error: str = ""
    data: ReportData | None = None

    @property
    def refused(self) -> bool:
        return not self.files


def _departments(blob: bytes, data: ReportData) -> list[tuple[str, int]] | None:
    from .departments import from_detail_sheet
    from .figures import rank_field

    key = rank_field(data.spec)
    return from_detail_sheet(blob, data.spec, key) if key else None


def _package(blob: bytes, name: str, folder: Path | None, *, last: ReportData | None, template: str | None,
             force: bool, expect_pdf: bool, inputs: list[str | Path]) -> Published:
    """Check one workbook's bytes and write its package (the report's PDF and the manifest come later)."""
    from ..check import check_bytes
    from ..check.export import blockers

    sub, result = check_bytes(blob, name, prev=last)
    if sub is None or (not result.ok and not force):
        return Published(result, name)
    data, draft = sub.data, not result.ok
    built = package.build(data, draft=draft, last=last, template=template, departments=_departments(blob, data),
                          exportable=not blockers(sub, result), expect_pdf=expect_pdf)
    target = folder or output_dir() / common()["publish"]["folder"] / package.base_name(data)
    files = package.write(built, target, inputs=inputs)
    return Published(result, name, target, files, built.notes, draft, data=data)


def _pdfs(pubs: list[Published], progress: Progress = SILENT) -> None:
    """The reports' PDFs, all in one pool of LibreOffice processes; a failure keeps the .docx."""
    from ..report.pdfpool import convert_each

    docs = [p.files["docx"] for p in pubs if "docx" in p.files]
    if not docs:
        return
    try:
        converted = convert_each(docs, progress=progress)
    except NianbaoError as e:
        for p in pubs:
            p.notes.append(f"未生成报告的 PDF（Word 报告已保留）：{e.message}")
        return
    for p in pubs:
        doc = p.files.get("docx")
        if doc in converted.done:
            p.files["pdf"] = converted.done[doc]
        elif doc in converted.failed:
            p.notes.append(f"未生成报告的 PDF（Word 报告已保留）：{converted.failed[doc]}")


def _finish(pub: Published) -> None:
    if pub.folder is not None and pub.data is not None and pub.files:
        pub.files["manifest"] = package.write_manifest(pub.data, pub.folder, pub.files, draft=pub.draft)


def publish_file(file: str, *, output: str | None = None, last_year: str | None = None,
                 template: str | None = None, force: bool = False, pdf: bool = True) -> Published:
    """``publish FILE``: the package of one workbook; refused (nothing written) when it fails check."""
    from ..check.run import load_last_year
    from ..report.office import has_office

    last = load_last_year(last_year)[0] if last_year else None
    try:
        blob = Path(file).read_bytes()
    except OSError as e:
        raise UsageError(f"无法读取 {file}：{os_reason(e)}") from None
    want_pdf = pdf and has_office()
    pub = _package(blob, display_name(Path(file).name), Path(output) if output else None, last=last,
                   template=template, force=force, expect_pdf=want_pdf,
                   inputs=[file, *([last_year] if last_year else [])])
    if pub.refused:
        return pub
    if pdf and not want_pdf:
        pub.notes.append("未安装 LibreOffice，未生成报告的 PDF（其余文件不受影响）")
    if want_pdf:
        _pdfs([pub])
    _finish(pub)
    return pub


# -- a collect output folder ---------------------------------------------------------------------

@dataclass
class PublishedAll:
    folder: Path
    done: list[Published]

    @property
    def made(self) -> list[Published]:
        return [p for p in self.done if not p.refused]

    @property
    def failed(self) -> list[Published]:
        return [p for p in self.done if p.refused]


def _last_sources(last_dir: str | None) -> dict[str, tuple[str, str]]:
    """Unit name → (file, zip member) of last year's collect output; the consolidated under its org."""
    if not last_dir:
        return {}
    from ..report.batch import jobs_from

    jobs, _ = jobs_from(Path(last_dir), None)
    return {j.name: (j.path, j.member) for j in jobs}


def _one(args: tuple) -> Published:
    """A worker: one unit's package (reads, checks, builds, writes), never raising."""
    from ..collect.intake import Source

    name, path, member, folder, last, template, expect_pdf = args
    try:
        blob = Source(name, path, member).read()
    except (OSError, KeyError) as e:
        why = os_reason(e) if isinstance(e, OSError) else "压缩包中没有这个文件"
        return Published(None, name, error=f"无法读取 {path}（{why}）")
    prev = _last_data(name, last)
    try:
        pub = _package(blob, name, Path(folder), last=prev, template=template, force=False,
                       expect_pdf=expect_pdf, inputs=[path])
    except NianbaoError as e:
        return Published(None, name, error=e.message)
    if pub.refused and pub.result is not None:
        first = pub.result.errors[0].message if pub.result.errors else "无法读取"
        pub.error = f"未通过校验：{first}"
    return pub


def _last_data(name: str, last: tuple[str, str] | None) -> ReportData | None:
    """Last year's data of a unit, or None (a missing or unreadable one only leaves out the comparison)."""
    from ..collect.intake import Source
    from ..read import read_bytes

    if not last:
        return None
    try:
        sub = read_bytes(Source(name, *last).read(), name)
    except (OSError, KeyError, NianbaoError):
        return None
    return None if sub.unread else sub.data


def _unit_folder(root: Path, name: str) -> Path:
    from ..core.files import safe_name

    return root / (safe_name(name) or "_")


def publish_all(outdir: Path, *, last_dir: str | None = None, template: str | None = None, pdf: bool = True,
                workers: int | None = None, progress: Progress = SILENT) -> PublishedAll:
    """Every passing unit's package and the consolidated one, from a collect output folder."""
    from ..report.batch import jobs_from
    from ..report.office import has_office

    jobs, version = jobs_from(outdir, template)
    if template:
        from ..report.render import Renderer

        Renderer(template, version)  # lint once, before the batch: a broken template is exit 2
    root = outdir / common()["publish"]["folder"]
    last = _last_sources(last_dir)
    want_pdf = pdf and has_office()
    args = [(j.name, j.path, j.member, str(_unit_folder(root, j.name)), last.get(j.name), template, want_pdf)
            for j in jobs]
    progress.start(len(args), "生成发布包")
    n = workers or os.cpu_count() or 1
    done: list[Published] = []
    if n == 1 or len(args) < 4:
        results = map(_one, args)
        pool = None
    else:
        pool = ProcessPoolExecutor(n)
        results = pool.map(_one, args, chunksize=max(1, len(args) // (n * 4)))
    for p in results:
        done.append(p)
        progress.step()
    if pool:
        pool.shutdown()
    progress.done()
    out = PublishedAll(root, done)
    if want_pdf:
        _pdfs(out.made, progress)
    elif pdf:
        for p in out.made:
            p.notes.append("未安装 LibreOffice，未生成报告的 PDF")
    for p in out.made:
        _finish(p)
    return out


def summary_json(pubs: list[Published]) -> str:
    return json.dumps([{"name": p.name, "folder": str(p.folder or ""), "draft": p.draft, "error": p.error,
                        "files": {k: str(v) for k, v in p.files.items()}, "notes": p.notes} for p in pubs],
                      ensure_ascii=False, indent=1)
