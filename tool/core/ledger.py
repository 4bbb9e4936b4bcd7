"""Nothing a person filled is lost silently: the one overwrite convention of every command.

Convention: a command never replaces an existing file unless it is exactly what nianbao itself
last wrote there (or exactly what it is about to write); otherwise it refuses (exit 2), names the
file and the ``--overwrite`` option. How nianbao recognises its own files: a small ledger per
output folder (``.nianbao-written.json``: file name → SHA-256 of the bytes written). A ledger and
not embedded metadata, because "is this still our file?" is a question about the *whole* content:
a filled roster, a consolidated workbook whose 文字部分 the office typed in, a report edited in
Word all keep our metadata but no longer our bytes. Files of other programs, files written before
the ledger existed and files whose ledger was lost count as "not ours": the safe side.

``Ledger(root)`` covers every file below ``root`` (collect's 退回/ sits under its output folder),
so a batch records once. Nothing here knows which command is writing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError
from .files import write_atomic

LEDGER_NAME = ".nianbao-written.json"  # hidden; collect's intake skips dot files
SHOWN = 10  # files named in one refusal; the rest are counted


class OverwriteRefused(UsageError):
    """An existing file is not (or no longer) what nianbao wrote there."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        names = "\n".join(f"  - {p.resolve()}" for p in paths[:SHOWN])
        more = f"\n  …… 等 {len(paths)} 个文件" if len(paths) > SHOWN else ""
        super().__init__(
            f"以下文件已存在，且与 nianbao 上次写出的内容不同（可能已经填写或修改过），为免丢失，没有覆盖：\n{names}{more}\n"
            "请先把它们另存到别处或改名；确认可以替换时，加 --overwrite 重新运行（或用 -o 另选位置）")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Ledger:
    """The record of what nianbao wrote below ``root``; ``save`` writes it back (atomically)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self.path = self.root / LEDGER_NAME
        self.files: dict[str, str] = {}
        try:
            loaded = json.loads(self.path.read_text("utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("files"), dict):
                self.files = {str(k): str(v) for k, v in loaded["files"].items()}
        except (OSError, ValueError):
            pass  # no ledger (or a broken one): every existing file counts as "not ours"
        self._dirty = False

    def _key(self, path: Path) -> str:
        return Path(os.path.relpath(Path(path).resolve(), self.root.resolve())).as_posix()

    def ours(self, path: str | os.PathLike[str]) -> bool:
        """The file exists and is byte for byte what nianbao last wrote there."""
        p = Path(path)
        recorded = self.files.get(self._key(p)) if _exists(p) else None
        try:
            return recorded is not None and p.is_file() and sha256_file(p) == recorded
        except OSError:
            return False

    def changed(self, paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
        """Those of ``paths`` that exist and are not ours (they would be lost if replaced)."""
        return [Path(p) for p in paths if _exists(Path(p)) and not self.ours(p)]

    def changed_below(self) -> list[Path]:
        """Every file this ledger records that exists but no longer holds what was written."""
        return sorted(p for k in self.files if _exists(p := self.root / k) and not self.ours(p))

    def guard(self, paths: Iterable[str | os.PathLike[str]], overwrite: bool = False,
              inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Refuse (``OverwriteRefused``) before any work when a target would lose someone's changes.

        A target that is one of ``inputs`` is left to ``write_atomic``, which refuses it in any case.
        """
        inputs = list(inputs)
        bad = [] if overwrite else [p for p in self.changed(paths) if not is_input(p, inputs)]
        if bad:
            raise OverwriteRefused(bad)

    def write(self, path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False,
              inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
        """Write ``data`` atomically unless that would replace a file that is not ours; record it."""
        target = Path(path)
        inputs = list(inputs)
        if (not overwrite and _exists(target) and not is_input(target, inputs) and not self.ours(target)
                and not _same_bytes(target, data)):
            raise OverwriteRefused([target])
        out = write_atomic(target, data, inputs=inputs)
        self.record(out, hashlib.sha256(data).hexdigest())
        return out

    def record(self, path: str | os.PathLike[str], sha: str | None = None) -> None:
        """Note a file written below ``root`` by other means (a PDF from LibreOffice)."""
        p = Path(path)
        self.files[self._key(p)] = sha or sha256_file(p)
        self._dirty = True

    def forget_missing(self) -> None:
        for k in [k for k in self.files if not (self.root / k).exists()]:
            del self.files[k]
            self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        self.forget_missing()
        body = json.dumps({"written_by": "nianbao", "files": dict(sorted(self.files.items()))},
                          ensure_ascii=False, indent=1)
        write_atomic(self.path, body.encode("utf-8"))
        self._dirty = False


def is_input(target: Path, inputs: list[str | os.PathLike[str]]) -> bool:
    """``target`` exists and is (the same file as) one of ``inputs``."""
    return _exists(target) and any(_exists(Path(i)) and os.path.samefile(i, target) for i in inputs)


def _exists(path: Path) -> bool:
    """Whether a file is there; a path the system refuses (a name too long) is not: the writer says why."""
    try:
        return path.exists()
    except OSError:
        return False


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def write_output(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False,
                 inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """One output file under the convention (the ledger of its own folder)."""
    target = Path(path)
    ledger = Ledger(target.parent)
    out = ledger.write(target, data, overwrite=overwrite, inputs=inputs)
    ledger.save()
    return out


def guard_set(folder: Path, names: Iterable[str], overwrite: bool = False) -> None:
    """Before an output set replaces the previous one (``core.outset``): refuse when a file it would
    replace or remove (the previous set's members, and files at the new set's ``names``, folders
    included) is not what nianbao wrote there: the office's 文字部分 typed into the consolidated
    workbook, a department's corrected copy dropped into 退回/."""
    from .outset import members

    ledger = Ledger(folder)
    ours = set(members(folder))
    at_risk: list[Path] = []
    for name in sorted({*ours, *names}):
        p = folder / name
        if p.is_dir():  # a folder of the user's where one of our files goes: the swap refuses it by name
            at_risk += sorted(f for f in p.rglob("*") if f.is_file()) if name in ours else []
        elif p.exists():
            at_risk.append(p)
    ledger.guard(at_risk, overwrite)


def record_set(folder: Path, paths: Iterable[Path]) -> None:
    """Record the files of a set just swapped into ``folder`` (folders: every file below them)."""
    ledger = Ledger(folder)
    for p in paths:
        for f in (sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]):
            ledger.record(f)
    ledger.save()
