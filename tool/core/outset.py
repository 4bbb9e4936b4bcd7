"""An output folder written as a set: a lock while one run writes it, a fresh staging folder, and
the previous run's files replaced at the end, so every file in the folder belongs to one run.

The set's members are listed in a small ledger (``.nianbao-set.json``) kept beside them; files
the user put into the folder themselves are never touched. A run killed half-way leaves its
staging folder, which the next run removes; the previous set stays whole until the swap.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import UsageError
from .files import OutputError, os_reason

LOCK = ".nianbao.lock"
LEDGER = ".nianbao-set.json"
STAGE_PREFIX = ".nianbao-new-"
OLD_PREFIX = ".nianbao-old-"


@contextmanager
def folder_lock(folder: Path, what: str) -> Iterator[None]:
    """Hold ``folder``'s lock for the duration; a second run gets a Chinese refusal (exit 2)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fh = open(folder / LOCK, "a+b")
    except OSError as e:
        raise OutputError(f"无法写入 {folder}：{os_reason(e)}") from None
    try:
        if not _try_lock(fh):
            raise UsageError(f"另一个{what}正在使用输出文件夹 {folder}，请等它结束后再运行（或换一个 -o 输出文件夹）")
        yield
    finally:
        fh.close()  # closing releases the lock (also when the process dies)


def _try_lock(fh: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def stage(folder: Path) -> Path:
    """A fresh, empty staging folder inside ``folder`` (same disk, so the swap is renames); leftovers
    of runs that died are removed first."""
    for old in folder.glob(f"{STAGE_PREFIX}*"):
        shutil.rmtree(old, ignore_errors=True)
    for old in folder.glob(f"{OLD_PREFIX}*"):
        _restore(folder, old)
    path = folder / f"{STAGE_PREFIX}{os.getpid()}"
    try:
        path.mkdir()
    except OSError as e:
        raise OutputError(f"无法写入 {folder}：{os_reason(e)}") from None
    return path


def _restore(folder: Path, old: Path) -> None:
    """A run died in the middle of a swap: put back what it had moved aside, then drop the rest."""
    for p in old.iterdir():
        if not (folder / p.name).exists():
            os.replace(p, folder / p.name)
    shutil.rmtree(old, ignore_errors=True)


def members(folder: Path) -> list[str]:
    """The names of the current set (from its ledger)."""
    try:
        names = json.loads((folder / LEDGER).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return []
    return [n for n in names if isinstance(n, str) and n == Path(n).name and n not in ("", ".", "..")]


def swap(folder: Path, staged: Path, last: str) -> list[Path]:
    """Replace the previous set in ``folder`` with everything in ``staged``; ``last`` (the manifest)
    moves in last, so a reader that trusts it never sees a half-replaced set."""
    new = sorted((p.name for p in staged.iterdir()), key=lambda n: n == last)
    ours = set(members(folder))
    for name in new:  # a folder of the user's where one of our files goes is theirs, not ours to replace
        if (folder / name).is_dir() and not (staged / name).is_dir() and name not in ours:
            raise OutputError(f"无法写入 {folder / name}：这里已有一个同名的文件夹，请改名或换一个输出文件夹")
    aside = folder / f"{OLD_PREFIX}{os.getpid()}"
    try:
        aside.mkdir(exist_ok=True)
        for name in {*members(folder), *new}:
            if (folder / name).exists() or (folder / name).is_symlink():
                os.replace(folder / name, aside / name)
        for name in new:
            os.replace(staged / name, folder / name)
        (folder / LEDGER).write_text(json.dumps(new, ensure_ascii=False), "utf-8")
    except OSError as e:
        _restore(folder, aside)
        raise OutputError(f"无法写入 {folder}：{os_reason(e)}") from None
    shutil.rmtree(aside, ignore_errors=True)
    shutil.rmtree(staged, ignore_errors=True)
    return [folder / n for n in new]
