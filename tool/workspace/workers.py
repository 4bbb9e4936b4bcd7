"""A few long-lived worker processes that read uploads, so that a file which crashes or hangs the
reader costs one worker (replaced at once), never the server.

``Workers.call(name, *args)`` hands the job to an idle worker (waiting for one when all are
busy: the number of workers bounds the CPU the server uses) and returns its answer; a worker
that dies raises ``WorkerLost``, one that runs past the time limit is killed and raises
``WorkerTimeout``. Workers are spawned (the same on Windows and Linux), ignore Ctrl+C (the
server stops them), and exit when the server's process is gone.
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

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per worker (POSIX): a bomb fails, not the machine


class WorkerLost(Exception):
    """The worker died while working (a crash of the reader)."""


class WorkerTimeout(Exception):
    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class WorkerFailed(Exception):
    """The job raised in the worker: a bug, not a bad file."""


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
    if os.name == "posix":
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        except (ValueError, OSError):
            pass
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
        except Exception as e:
            answer = (False, f"{type(e).__name__}: {e}")
        conn.send(answer)


class Workers:
    def __init__(self, n: int = 2, timeout: float = 60.0):
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
        w = self._idle.get()
        limit = timeout or self.timeout
        try:
            w.conn.send((name, args))
            if not w.conn.poll(limit):
                w = self._replace(w)
                raise WorkerTimeout(limit)
            ok, value = w.conn.recv()
        except (EOFError, OSError):
            w = self._replace(w)
            raise WorkerLost() from None
        finally:
            self._idle.put(w)
        if not ok:
            raise WorkerFailed(value)
        return value

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
