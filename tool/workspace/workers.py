"""A few long-lived worker processes that read uploads, so that a file which crashes or hangs the
reader costs one worker (replaced at once), never the server.

``Workers.call(name, *args)`` hands the job to an idle worker (waiting for one when all are
busy: the number of workers bounds the CPU the server uses) and returns its answer, or a
``core.isolate.Failed`` when the worker died (crash), ran past the time limit (killed: timeout)
or raised (error). Unlike ``isolated_map`` (one batch, then the workers go), these workers live
as long as the server, so an upload pays no process start. They are spawned, not forked (the
server has threads), run under the same memory limit, ignore Ctrl+C (the server stops them) and
die with the server.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..core.isolate import MEMORY_LIMIT, TIME_LIMIT, Failed, _die_with_parent, _limit_memory


@dataclass
class _Worker:
    process: Any
    conn: Any


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def _serve(conn: Any, parent: int) -> None:  # pragma: no cover - runs in the worker process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)  # the same guards as the batch workers of core.isolate
    _limit_memory(MEMORY_LIMIT)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from .examine import FUNCTIONS

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        name, args = job
        try:
            answer = (True, FUNCTIONS[name](*args))
        except BaseException as e:  # pyo3's PanicException and MemoryError are BaseExceptions
            answer = (False, type(e).__name__)
        conn.send(answer)


class Workers:
    def __init__(self, n: int = 2, timeout: float = TIME_LIMIT):
        self._ctx = mp.get_context("spawn")
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(max(1, n)):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        p = self._ctx.Process(target=_serve, args=(child, os.getpid()), daemon=True, name="nianbao-reader")
        p.start()
        child.close()
        w = _Worker(p, parent)
        with self._lock:
            self._all.append(w)
        return w

    def _replace(self, w: _Worker) -> _Worker:
        w.process.kill()
        w.process.join(5)
        w.conn.close()
        with self._lock:
            self._all.remove(w)
        return self._start()

    def call(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """``FUNCTIONS[name](*args)`` in a worker, or a ``Failed`` saying why not."""
        w = self._idle.get()
        if not w.process.is_alive():  # killed while idle (the OOM killer, an operator): a fresh one
            w = self._replace(w)
        limit = timeout or self.timeout
        try:
            w.conn.send((name, args))
            if not w.conn.poll(limit):
                w = self._replace(w)
                return Failed("timeout", f"{limit:.0f}")
            ok, value = w.conn.recv()
        except (EOFError, OSError):
            code = w.process.exitcode
            w = self._replace(w)
            return Failed("crash", f"exit {code}")
        finally:
            self._idle.put(w)
        return value if ok else Failed("error", value)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in workers:
            w.process.join(2)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(2)
