"""``nianbao publish``: check, then build the publication package, for one workbook or for every
passing unit of a ``collect`` output folder (in parallel; the reports' PDFs then by a pool of
long-lived LibreOffice processes). Returns what happened; never prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import NianbaoError
from ..core.files import display_name, output_dir
from ..core.findings import CheckResult
from ..core.progress import SILENT, Progress
from ..format import common
from ..format.interchange import ReportData
from ..report.batch import Job
from . import package

PACKAGE_SECONDS = 300.0  # one unit's package takes seconds (the 图解's fonts); a stuck one is named, not waited for


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
    pdf_error: str = ""  # why the report's PDF is missing (its .docx is there)

    @property
    def refused(self) -> bool:
        return not self.files


def _departments(blob: bytes, data: ReportData) -> list[tuple[str, int]] | None:
    from .departments import from_detail_sheet
    from .figures import rank_field

    key = rank_field(data.spec)
    return from_detail_sheet(blob, data.spec, key) if key else None


@dataclass
class _Built:
    """What the package step returns (in a worker for ``--all``): the files in memory, or why not."""

    name: str
    result: CheckResult | None = None
    data: ReportData | None = None
    built: package.Built | None = None
    draft: bool = False
    error: str = ""


def _build(blob: bytes, name: str, sub, result: CheckResult, *, last: ReportData | None,  # type: ignore[no-untyped-def]
           template: str | None, force: bool, expect_pdf: bool, isolate: bool) -> _Built:
    """The package of a checked workbook, in memory; nothing when it fails check (unless forced)."""
    from ..check.export import blockers

    if sub is None or (not result.ok and not force):
        return _Built(name, result)
    data, draft = sub.data, not result.ok
    built = package.build(data, draft=draft, last=last, template=template, departments=_departments(blob, data),
                          exportable=not blockers(sub, result), expect_pdf=expect_pdf, isolate=isolate)
    return _Built(name, result, data, built, draft)


def _write(b: _Built, folder: Path, inputs: list[str | Path]) -> Published:
    if b.built is None:
        return Published(b.result, b.name, error=b.error)
    files = package.write(b.built, folder, inputs=inputs)
    return Published(b.result, b.name, folder, files, b.built.notes, b.draft, data=b.data)


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
            p.pdf_error = e.message
            p.notes.append(f"未生成报告的 PDF（Word 报告已保留）：{e.message}")
        return
    for p in pubs:
        doc = p.files.get("docx")
        if doc in converted.done:
            p.files["pdf"] = converted.done[doc]
        elif doc in converted.failed:
            p.pdf_error = converted.failed[doc]
            p.notes.append(f"未生成报告的 PDF（Word 报告已保留）：{converted.failed[doc]}")


def _finish(pub: Published) -> None:
    if pub.folder is not None and pub.data is not None and pub.files:
        pub.files["manifest"] = package.write_manifest(pub.data, pub.folder, pub.files, draft=pub.draft)


def publish_file(file: str, *, output: str | None = None, last_year: str | None = None,
                 template: str | None = None, force: bool = False, pdf: bool = True) -> Published:
    """``publish FILE``: the package of one workbook; refused (nothing written) when it fails check."""
    from ..check import check_files
    from ..check.run import load_last_year
    from ..core.files import read_regular
    from ..read.reader import MAX_BYTES
    from ..report.office import has_office

    ((sub, result),) = check_files([file], last_year=last_year, stage="report")  # in a worker, as report checks
    if sub is None or (not result.ok and not force):
        return Published(result, display_name(file))
    last = load_last_year(last_year)[0] if last_year else None
    blob = read_regular(file, MAX_BYTES, display_name(file))
    want_pdf = pdf and has_office()
    b = _build(blob, display_name(file), sub, result, last=last, template=template, force=force,
               expect_pdf=want_pdf, isolate=True)
    folder = Path(output) if output else output_dir() / common()["publish"]["folder"] / package.base_name(sub.data)
    pub = _write(b, folder, [file, *([last_year] if last_year else []), *([template] if template else [])])
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


def _last_jobs(last_dir: str | None) -> dict[str, Job]:
    """Unit name → last year's job (its file in last year's collect output); the consolidated under its org."""
    if not last_dir:
        return {}
    from ..report.batch import jobs_from

    jobs, _, _ = jobs_from(Path(last_dir), None)
    return {j.name: j for j in jobs}


def _read(job: Job) -> bytes:
    from ..collect.intake import Source

    return Source(job.name, job.path, job.member, index=job.index, inner=job.inner).read()


def _one(args: tuple[Job, Job | None, bool]) -> _Built:
    """A worker: one unit's package in memory (read, check, build); writes nothing, never raises."""
    from ..check import check_bytes
    from ..read import read_bytes

    job, last_job, expect_pdf = args
    try:
        blob = _read(job)
    except NianbaoError as e:
        return _Built(job.name, error=e.message)
    prev = None
    if last_job is not None:
        try:
            prev_sub = read_bytes(_read(last_job), last_job.name)
            prev = None if prev_sub.unread else prev_sub.data
        except NianbaoError:
            prev = None  # only the comparison with last year is left out
    sub, result = check_bytes(blob, job.name, prev=prev, stage="report")
    try:
        b = _build(blob, job.name, sub, result, last=prev, template=job.template, force=False,
                   expect_pdf=expect_pdf, isolate=False)  # this worker is the isolation
    except NianbaoError as e:
        return _Built(job.name, result, error=e.message)
    if b.built is None:
        b.error = f"未通过校验：{result.errors[0].message}" if result.errors else "无法读取"
    return b


def publish_all(outdir: Path, *, last_dir: str | None = None, template: str | None = None, pdf: bool = True,
                workers: int | None = None, progress: Progress = SILENT) -> PublishedAll:
    """Every passing unit's package and the consolidated one, from a collect output folder."""
    from ..core.files import Names, safe_name
    from ..core.isolate import Failed, isolated_map
    from ..report.batch import jobs_from
    from ..report.office import has_office

    jobs, version, _ = jobs_from(outdir, template)  # units not submitted or failed: no package, as before
    if template:
        from ..report.render import Renderer

        Renderer(template, version)  # lint once, before the batch: a broken template is exit 2
    root = outdir / common()["publish"]["folder"]
    last = _last_jobs(last_dir)
    want_pdf = pdf and has_office()
    progress.start(len(jobs), "生成发布包")
    names = Names()
    done: list[Published] = []
    items = [(j, last.get(j.name), want_pdf) for j in jobs]
    n = min(workers or os.cpu_count() or 1, max(len(items), 1))
    for job, got in zip(jobs, isolated_map(_one, items, jobs=n, time_limit=PACKAGE_SECONDS, progress=progress.step),
                        strict=True):
        if isinstance(got, Failed):
            why = f"超过 {PACKAGE_SECONDS:.0f} 秒仍未完成" if got.why == "timeout" else f"处理时出错（{got.detail}）"
            done.append(Published(None, job.name, error=why))
            continue
        try:
            done.append(_write(got, root / names.give(safe_name(job.name)), [job.path]))
        except NianbaoError as e:
            done.append(Published(got.result, job.name, error=e.message))
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
