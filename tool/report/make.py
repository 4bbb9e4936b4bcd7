"""``nianbao report``: check, then render (a 草稿 when forced), then PDF, as one library call each
for one workbook and for a collect folder. Returns what happened; never prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.files import output_dir, write_atomic
from ..core.findings import CheckResult
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

    @property
    def refused(self) -> bool:
        return self.docx is None


def make_report(file: str, *, output: str | None = None, template: str | None = None, pdf: bool = False,
                force: bool = False, rules: LocalRules | None = None) -> Made:
    """Check ``file`` (with the preflight of a custom template's headings); when it passes (or
    ``force``: as a draft) render the report, and the PDF. ``rules``: local rules (None: the ones
    stored in the workbook, else national)."""
    from ..check import check_files
    from .render import Renderer, default_output_name, render_isolated

    if pdf:
        from .office import find_soffice

        find_soffice()  # before any work: no LibreOffice → exit 2 with how to install it
    ((sub, result),) = check_files([file], rules=rules)
    if sub is None or (not result.ok and not force):
        return Made(result)
    data = sub.data
    out = Path(output) if output else output_dir() / default_output_name(data)
    draft = not result.ok
    doc = render_isolated(template, data, draft) if template else Renderer(None, data.format).render(data, draft)
    if template:  # the six headings as the rendered document has them
        from .preflight import heading_findings

        result.findings[:0] = (rules or NATIONAL).apply(heading_findings(doc, data.spec, template))
    inputs = [file, *([template] if template else [])]
    made = Made(result, write_atomic(out, doc, inputs=inputs), draft=draft)
    if pdf:
        from .office import convert

        made.pdfs = convert([out], "pdf", out.parent)
    return made


@dataclass
class MadeAll:
    folder: Path
    done: list[Done]
    pdfs: list[Path] = field(default_factory=list)
    pdf_failed: dict[str, str] = field(default_factory=dict)  # docx → why its PDF is missing

    @property
    def made(self) -> list[Done]:
        return [d for d in self.done if d.out]

    @property
    def failed(self) -> list[Done]:
        return [d for d in self.done if d.error]


def make_all(outdir: Path, *, template: str | None = None, pdf: bool = False,
             progress: Progress = SILENT, rules: LocalRules | None = None) -> MadeAll:
    """Every passing unit's report and the consolidated one, from a collect output folder."""
    if pdf:
        from .office import find_soffice

        find_soffice()
    jobs, version = jobs_from(outdir, template, rules)
    if template:
        from .render import Renderer

        Renderer(template, version)  # lint once, before the batch: a broken template is exit 2
    out = MadeAll(outdir / common().outputs["reports"], render_all(jobs, progress=progress))
    if pdf and out.made:
        from .pdfpool import convert_each

        converted = convert_each([Path(d.out) for d in out.made], progress=progress)
        out.pdfs = list(converted.done.values())
        out.pdf_failed = {str(k): v for k, v in converted.failed.items()}
    return out
