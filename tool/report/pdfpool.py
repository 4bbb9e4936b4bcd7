"""PDF for hundreds of reports: a small pool of long-lived LibreOffice processes.

Starting ``soffice`` costs about 2 s; converting one more document in a running one costs a
fraction of that. So the documents are dealt round-robin to ``workers`` soffice processes (one
per core, at most ``MAX_WORKERS``), each converting its share in ONE call with its own throwaway
profile. A document LibreOffice cannot convert, or a process that crashes or hangs, costs only
that: what is missing afterwards is retried one document per process, and what still fails is
reported by name. The .docx files are never touched; each PDF is written beside its source,
atomically.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import NianbaoError
from ..core.files import write_atomic
from ..core.progress import SILENT, Progress
from .office import _run, _tail, find_soffice, profile_arg

MAX_WORKERS = 2
BASE_TIMEOUT = 120.0  # seconds for a process to start
PER_FILE_TIMEOUT = 30.0  # and for each document it converts


@dataclass
class Converted:
    done: dict[Path, Path] = field(default_factory=dict)  # source → PDF
    failed: dict[Path, str] = field(default_factory=dict)  # source → why, in Chinese


def _call(program: str, sources: list[Path], fmt: str) -> tuple[dict[Path, bytes], str]:
    """One soffice process converting ``sources``; returns what it made, and its error if it failed."""
    ext = fmt.split(":", 1)[0].lower()
    with tempfile.TemporaryDirectory(prefix="nianbao-pool-") as tmp:
        work, out = Path(tmp, "in"), Path(tmp, "out")
        work.mkdir()
        copies = []
        for i, src in enumerate(sources):  # numbered names: equal names from different folders never clash
            copies.append(Path(shutil.copyfile(src, work / f"{i:06d}{src.suffix}")))
        cmd = [program, profile_arg(Path(tmp, "profile")), "--headless", "--invisible", "--nologo", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(out), *map(str, copies)]
        error = ""
        log = ""
        try:
            log = _run(cmd, BASE_TIMEOUT + PER_FILE_TIMEOUT * len(sources), sources, ext)
        except NianbaoError as e:
            error = e.message
        made = {}
        for src, copy in zip(sources, copies, strict=True):
            pdf = out / f"{copy.stem}.{ext}"
            if pdf.is_file() and pdf.stat().st_size:
                made[src] = pdf.read_bytes()
        return made, error or _tail(log)


def convert_each(sources: list[Path], fmt: str = "pdf", *, workers: int | None = None,
                 progress: Progress = SILENT) -> Converted:
    """Convert every source to ``fmt`` beside itself (``report.docx`` → ``report.pdf``)."""
    result = Converted()
    if not sources:
        return result
    program = find_soffice()
    ext = fmt.split(":", 1)[0].lower()
    n = max(1, min(workers or min(os.cpu_count() or 1, MAX_WORKERS), len(sources)))
    shares = [sources[i::n] for i in range(n)]
    progress.start(len(sources), "转换为 PDF")

    def keep(made: dict[Path, bytes]) -> None:
        for src, blob in made.items():
            result.done[src] = write_atomic(src.with_suffix(f".{ext}"), blob, inputs=[src])

    with ThreadPoolExecutor(n) as pool:
        for made, _error in pool.map(lambda share: _call(program, share, fmt), shares):
            keep(made)
            progress.step(len(made))
    for src in [s for s in sources if s not in result.done]:  # alone, so one bad file harms no other
        made, error = _call(program, [src], fmt)
        keep(made)
        if src not in made:
            result.failed[src] = f"LibreOffice 未能把 {src.name} 转换为 PDF。{error}".strip()
        progress.step()
    progress.done()
    return result
