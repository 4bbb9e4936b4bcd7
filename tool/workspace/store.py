"""Stored files by content: ``文件/ab/abcdef….bin`` under their SHA-256, durable before the ledger
records them (written to a temporary file, flushed to disk, renamed, the folder flushed).

A file is stored once however often it is sent; its name as sent is only a column in the ledger.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_path(root: Path, sha: str) -> Path:
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ValueError(sha)
    return root / sha[:2] / f"{sha}.bin"


def put(root: Path, data: bytes) -> str:
    """Store ``data``; returns its SHA-256. When this returns, the file survives a crash."""
    sha = sha256(data)
    target = blob_path(root, sha)
    if target.exists() and target.stat().st_size == len(data):
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_dir(target.parent)
    return sha


def get(root: Path, sha: str) -> bytes:
    return blob_path(root, sha).read_bytes()


def intact(root: Path, sha: str) -> bool:
    """Whether the stored file is there and still has the hash it is stored under."""
    try:
        return sha256(get(root, sha)) == sha
    except OSError:
        return False


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
