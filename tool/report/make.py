"""``nianbao report``: check, then render (a 草稿 when forced), then PDF, as one library call each
for one workbook and for a collect folder. Returns what happened; never prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.files import output_dir
from ..core.findings import CheckResult
from ..core.ledger import Ledger
from ..core.progress import SILENT, Progress
from ..format import common
from ..format.localrules import NATIONAL, LocalRules
from .batch import Done, jobs_from, render_all


@dataclass
class Made:
    """The outcome of ``make_report``: the check result, and what was written (nothing if refused)."""

    result: CheckResult
    docx: Path | None = None
    pdfs: list[Path] = field(default_factory=list)
    draft: bool = False
    no_office: str = ""  # PDF asked for but LibreOffice is missing: how to get the PDF anyway

    @property
    def refused(self) -> bool:
        return self.docx is None


def make_report(file: str, *, output: str | None = None, template: str | None = None, pdf: bool = False,
                force: bool = False, rules: LocalRules | None = None, overwrite: bool = False) -> Made:
    """Check ``file`` (with the preflight of a custom template's headings); when it passes (or
    ``force``: as a draft) render the report, and the PDF. ``rules``: local rules (None: the ones
    stored in the workbook, else national). An incomplete report (an empty required section, no
    落款日期) is refused like one with errors. Never replaces a report (or PDF) someone edited since
    nianbao wrote it, unless ``overwrite``; without LibreOffice the .docx is written and ``no_office``
    says how to get the PDF."""
    from ..check import check_files
    from .render import Renderer, default_output_name, render_isolated

    ((sub, result),) = check_files([file], rules=rules, stage="report")
    if sub is None or (not result.ok and not force):
        return Made(result)
    data = sub.data
    out = Path(output) if output else output_dir() / default_output_name(data)
    ledger = Ledger(out.parent)
    inputs = [file, *([template] if template else [])]
    ledger.guard([out, *([out.with_suffix(".pdf")] if pdf else [])], overwrite, inputs)
    draft = not result.ok
    doc = render_isolated(template, data, draft) if template else Renderer(None, data.format).render(data, draft)
    if template:  # the six headings as the rendered document has them
        from .preflight import heading_findings

        result.findings[:0] = (rules or NATIONAL).apply(heading_findings(doc, data.spec, template))
    try:
        made = Made(result, ledger.write(out, doc, inputs=inputs, overwrite=overwrite), draft=draft)
        if pdf:
            made.pdfs, made.no_office = _pdfs([out], out.parent, ledger)
    finally:
        ledger.save()
    return made


def _pdfs(docs: list[Path], folder: Path, ledger: Ledger) -> tuple[list[Path], str]:
    """The PDFs of ``docs`` (recorded in the ledger); without LibreOffice none, and how to get them."""
    from .office import convert, has_office, pdf_hint

    if not has_office():
        return [], pdf_hint()
    made = convert(docs, "pdf", folder)
    for p in made:
        ledger.record(p)
    return made, ""


@dataclass
class MadeAll:
    folder: Path
    done: list[Done]
    pdfs: list[Path] = field(default_factory=list)
    pdf_failed: dict[str, str] = field(default_factory=dict)  # docx → why its PDF is missing
    no_office: str = ""  # PDF asked for but LibreOffice is missing: how to get the PDFs anyway

    @property
    def made(self) -> list[Done]:
        return [d for d in self.done if d.out]

    @property
    def failed(self) -> list[Done]:
        """Units left out, each with the reason."""
        return [d for d in self.done if d.error]


def make_all(outdir: Path, *, template: str | None = None, pdf: bool = False,
             progress: Progress = SILENT, rules: LocalRules | None = None, overwrite: bool = False,
             force: bool = False) -> MadeAll:
    """Every passing unit's report and the consolidated one, from a collect output folder.

    Units not submitted or failed in collect, workbooks incomplete for a report (an empty required
    section, no 落款日期: ``force`` makes a 草稿 of them instead) and reports someone edited since
    nianbao wrote them (unless ``overwrite``) are left out, each named in ``failed`` with the reason.
    """
    jobs, version, left = jobs_from(outdir, template, rules, overwrite=overwrite, force=force)
    if template:
        from .render import Renderer

        Renderer(template, version)  # lint once, before the batch: a broken template is exit 2
    folder = outdir / common().outputs["reports"]
    out = MadeAll(folder, left + render_all(jobs, progress=progress))
    ledger = Ledger(folder)
    try:
        for d in out.made:
            ledger.record(d.out, d.sha)
        docs = [Path(d.out) for d in out.made]
        kept = [] if overwrite or not pdf else ledger.changed(p.with_suffix(".pdf") for p in docs)
        out.done += [Done(p.name, error=f"{p} 已存在且被修改过，未覆盖；确认可以替换时加 --overwrite") for p in kept]
        docs = [p for p in docs if p.with_suffix(".pdf") not in kept]
        if pdf and docs:
            from .office import has_office, pdf_hint

            if not has_office():
                out.no_office = pdf_hint()
            else:
                from .pdfpool import convert_each

                converted = convert_each(docs, progress=progress)
                out.pdfs = list(converted.done.values())
                out.pdf_failed = {str(k): v for k, v in converted.failed.items()}
                for p in out.pdfs:
                    ledger.record(p)
    finally:
        ledger.save()
    return out
