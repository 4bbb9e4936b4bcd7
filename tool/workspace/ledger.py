"""The workspace's ledger: one SQLite file (stdlib ``sqlite3``), WAL, every write in a transaction.

Tables: ``meta`` (year, org, format, the office link's hash …), ``units`` (the roster, each with
the hash of its link), ``blobs`` (every stored file, by SHA-256), ``submissions`` (each upload:
its hash, name as sent, time and the verdict bound to that hash), ``events`` (退回, 发布, refused
uploads: the audit trail) and ``runs`` (汇总 runs and their files).

One connection per thread; writes take the lock at once (``BEGIN IMMEDIATE``) so two writers
never deadlock, and ``synchronous=FULL``: a transaction that returned is on disk, which is what
lets the server acknowledge an upload only after its commit.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    seq TEXT PRIMARY KEY, pos INTEGER NOT NULL, name TEXT NOT NULL, unit_id TEXT NOT NULL DEFAULT '',
    former_names TEXT NOT NULL DEFAULT '', contact TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '', token_hash TEXT NOT NULL UNIQUE, generation INTEGER NOT NULL DEFAULT 0,
    last_year TEXT);
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, stored_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, seq TEXT NOT NULL REFERENCES units(seq),
    sha256 TEXT NOT NULL REFERENCES blobs(sha256), file_name TEXT NOT NULL, received_at TEXT NOT NULL,
    status TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL, result TEXT NOT NULL,
    checker TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_unit ON submissions(seq, id);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, seq TEXT, at TEXT NOT NULL, kind TEXT NOT NULL,
    submission INTEGER, detail TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS events_unit ON events(seq, kind, id);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT, state TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '', files TEXT NOT NULL DEFAULT '[]', error TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '{}');
"""


def now() -> str:
    """Local time with its offset, to the second: what the ledger records and the pages show."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def shown_time(iso: str | None) -> str:
    """2025-01-20 09:30 (local), as the pages show times."""
    return iso[:16].replace("T", " ") if iso else ""


class Ledger:
    """The SQLite file of one workspace; safe to share between threads (a connection each)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def connect(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("PRAGMA busy_timeout=30000")
            self._local.con = con
        return con

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        con = self.connect()
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.connect().execute(sql, args).fetchall()

    def row(self, sql: str, *args: Any) -> sqlite3.Row | None:
        return self.connect().execute(sql, args).fetchone()

    # -- meta ---------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.rows("SELECT key, value FROM meta")}

    def set_meta(self, con: sqlite3.Connection, **values: Any) -> None:
        for k, v in values.items():
            con.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (k, str(v)))

    # -- events -------------------------------------------------------------------------------

    @staticmethod
    def add_event(con: sqlite3.Connection, seq: str | None, kind: str, submission: int | None = None,
                  **detail: Any) -> int:
        cur = con.execute("INSERT INTO events(seq, at, kind, submission, detail) VALUES (?, ?, ?, ?, ?)",
                          (seq, now(), kind, submission, json.dumps(detail, ensure_ascii=False)))
        return int(cur.lastrowid or 0)


def create(path: Path) -> Ledger:
    """A new ledger file with the schema (refuses an existing one: a workspace is made once)."""
    ledger = Ledger(path)
    con = ledger.connect()
    con.executescript(SCHEMA)
    with ledger.write() as c:
        ledger.set_meta(c, schema=SCHEMA_VERSION)
    return ledger
