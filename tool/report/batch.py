"""``nianbao report --all OUTDIR``: every passing unit's report and the consolidated one.

Reads the manifest that ``collect`` wrote, renders in parallel over the machine's cores (one
compiled template per worker process), and never stops at one unit: a unit that cannot be
rendered is named in the result.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import NianbaoError, UsageError
from ..core.files import os_reason, write_atomic
from ..core.progress import SILENT, Progress
from ..format import common

_RENDERERS: dict[tuple[str | None, str], object] = {}


@dataclass(frozen=True)
class Job:
    name: str  # the unit as shown
    path: str  # a file, or a zip holding ``member``
    member: str
    out_dir: str
    template: str | None


@dataclass(frozen=True)
class Done:
    name: str
    out: str = ""
    error: str = ""


def jobs_from(outdir: Path, template: str | None) -> tuple[list[Job], str]:
    """The render jobs of a collect output folder, and the collection's format version."""
    names = common().outputs
    mf = outdir / names["manifest"]
    if not mf.exists():
        raise UsageError(f"{outdir} 中没有 {names['manifest']}：请先运行 nianbao collect，并把 -o 指向的文件夹传给 --all")
    try:
        manifest = json.loads(mf.read_text("utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"{mf} 无法读取或已损坏：请重新运行 nianbao collect") from None
    target = str(outdir / names["reports"])
    out = [Job(u["name"], u["source"], u.get("member", ""), target, template)
           for u in manifest["units"] if u["status"] in ("passed", "warned")]
    if manifest.get("consolidated"):
        org = manifest.get("org") or names["default_org"]
        out.append(Job(f"{org}{names['consolidated_suffix']}", str(outdir / manifest["consolidated"]), "",
                       target, template))
    return out, manifest["format"]


def _renderer(template: str | None, version: str):  # type: ignore[no-untyped-def]
    from .render import Renderer

    key = (template, version)
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer(template, version)
    return _RENDERERS[key]


def render_one(job: Job) -> Done:
    from ..check import check_bytes
    from ..collect.intake import Source
    from .render import default_output_name

    try:
        blob = Source(job.name, job.path, job.member).read()
    except (OSError, KeyError) as e:
        return Done(job.name, error=f"无法读取 {job.path}（{os_reason(e) if isinstance(e, OSError) else '压缩包中没有这个文件'}）")
    sub, result = check_bytes(blob, job.name)
    if sub is None or not result.ok:
        first = result.errors[0].message if result.errors else "无法读取"
        return Done(job.name, error=f"未通过校验：{first}")
    try:
        doc = _renderer(job.template, sub.data.format).render(sub.data)
        out = write_atomic(Path(job.out_dir) / default_output_name(sub.data), doc)
    except NianbaoError as e:
        return Done(job.name, error=e.message)
    return Done(job.name, str(out))


def render_all(jobs: list[Job], workers: int | None = None, progress: Progress = SILENT) -> list[Done]:
    workers = workers or os.cpu_count() or 1
    progress.start(len(jobs), "生成年度报告")
    done: list[Done] = []
    if workers == 1 or len(jobs) < 4:
        results = map(render_one, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(workers)
        results = pool.map(render_one, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
    for d in results:
        done.append(d)
        progress.step()
    if pool:
        pool.shutdown()
    progress.done()
    return done
