"""``nianbao report --all OUTDIR``: every passing unit's report and the consolidated one.

Reads the manifest that ``collect`` wrote, renders in parallel over the machine's cores (one
compiled template per worker process), and never stops at one unit: a unit that cannot be
rendered is named in the result.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import NianbaoError, UnreadableError, UsageError
from ..core.files import Names, write_atomic
from ..core.findings import failed
from ..core.isolate import Failed, isolated_map
from ..core.ledger import Ledger
from ..core.progress import SILENT, Progress
from ..format import common
from ..format.localrules import LocalRules

_RENDERERS: dict[tuple[str | None, str], object] = {}


@dataclass(frozen=True)
class Job:
    name: str  # the unit as shown
    path: str  # a file, or a zip holding ``member``
    member: str
    out_dir: str
    template: str | None
    index: int = -1  # the member's position in the zip, and inside a zip in it (see collect.intake.Source)
    inner: int = -1
    rules: LocalRules | None = None  # None: each workbook's stored rules, else national
    overwrite: bool = False  # replace a report someone edited since nianbao wrote it
    force: bool = False  # an incomplete or failing workbook gives a 草稿 instead of nothing


@dataclass(frozen=True)
class Done:
    name: str
    out: str = ""
    error: str = ""  # why no report was written for this unit
    sha: str = ""  # of the report written (the parent records it in the folder's ledger)
    draft: bool = False


@dataclass(frozen=True)
class _Rendered:
    """What a worker returns: the document and the file name it asks for, or why not."""

    name: str
    file_name: str = ""
    doc: bytes = b""
    error: str = ""
    draft: bool = False


def jobs_from(outdir: Path, template: str | None, rules: LocalRules | None = None, *, overwrite: bool = False,
              force: bool = False) -> tuple[list[Job], str, list[Done]]:
    """The render jobs of a collect output folder, the collection's format version, and the units
    left out from the start (not submitted, or failed in collect) with the reason."""
    names = common().outputs
    mf = outdir / names["manifest"]
    if not mf.exists():
        raise UsageError(f"{outdir} 中没有 {names['manifest']}：请先运行 nianbao collect，并把 -o 指向的文件夹传给 --all")
    try:
        manifest = json.loads(mf.read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        raise UsageError(f"{mf} 无法读取或已损坏：请重新运行 nianbao collect") from None
    target = str(outdir / names["reports"])
    out, left = [], []
    for u in manifest["units"]:
        if u["status"] in ("passed", "warned"):
            out.append(Job(u["name"], u["source"], u.get("member", ""), target, template, u.get("index", -1),
                           u.get("inner", -1), rules, overwrite=overwrite, force=force))
        else:
            left.append(Done(u["name"], error=_LEFT_OUT.get(u["status"], common().statuses.get(u["status"], ""))))
    if manifest.get("consolidated"):
        org = manifest.get("org") or names["default_org"]
        out.append(Job(f"{org}{names['consolidated_suffix']}", str(outdir / manifest["consolidated"]), "",
                       target, template, rules=rules, overwrite=overwrite, force=force))
    return out, manifest["format"], left


_LEFT_OUT = {"missing": "未提交填报表", "failed": "填报表有错误，未通过 collect 的校验（见汇总表的“催报”），改好后重新 collect"}


def _renderer(template: str | None, version: str):  # type: ignore[no-untyped-def]
    from .render import Renderer

    key = (template, version)
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer(template, version)
    return _RENDERERS[key]


def render_one(job: Job) -> _Rendered:
    """Read, check and render one unit's report (runs in a worker process; writes nothing)."""
    from ..check import check_bytes
    from ..collect.intake import Source
    from .render import default_output_name

    try:
        blob = Source(job.name, job.path, job.member, index=job.index, inner=job.inner).read()
    except UnreadableError as e:
        return _Rendered(job.name, error=e.message)
    sub, result = check_bytes(blob, job.name, rules=job.rules, stage="report")
    if sub is None or (not result.ok and not job.force):
        shown = "；".join(f.message for f in result.errors[:3]) or "无法读取"
        more = f"（共 {len(result.errors)} 处）" if len(result.errors) > 3 else ""
        return _Rendered(job.name, error=f"不能生成正式报告：{shown}{more}")
    try:
        doc = _renderer(job.template, sub.data.format).render(sub.data, draft=not result.ok)
    except NianbaoError as e:
        return _Rendered(job.name, error=e.message)
    return _Rendered(job.name, default_output_name(sub.data), doc, draft=not result.ok)


def render_all(jobs: list[Job], workers: int | None = None, progress: Progress = SILENT) -> list[Done]:
    """Every job rendered in worker processes; the documents are written here, each under its own
    name (two units whose names differ only by characters a file name cannot hold get （2）)."""
    workers = min(workers or os.cpu_count() or 1, max(len(jobs), 1))
    progress.start(len(jobs), "生成年度报告")
    names = Names()
    done: list[Done] = []
    for job, got in zip(jobs, isolated_map(render_one, jobs, jobs=workers, progress=progress.step), strict=True):
        if isinstance(got, Failed):
            done.append(Done(job.name, error=failed(job.name, got).findings[0].message))
        elif got.error:
            done.append(Done(job.name, error=got.error))
        else:
            target = Path(job.out_dir) / names.give(got.file_name)
            if not job.overwrite and Ledger(target.parent).changed([target]):
                done.append(Done(job.name, error=f"{target} 已存在且被修改过（与 nianbao 上次写出的不同），未覆盖；"
                                                 "确认可以替换时加 --overwrite"))
                continue
            try:
                out = write_atomic(target, got.doc)
            except NianbaoError as e:
                done.append(Done(job.name, error=e.message))
                continue
            done.append(Done(job.name, str(out), sha=hashlib.sha256(got.doc).hexdigest(), draft=got.draft))
    progress.done()
    return done
