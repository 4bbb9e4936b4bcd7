"""Running untrusted work (parsing a submitted file, rendering a custom template) in worker
processes, so that nothing one input does can take the batch down.

A native abort (a Rust panic that aborts, SIGSEGV), a Python exception of any kind (including
BaseExceptions such as pyo3's PanicException and MemoryError), a hang or runaway memory in one
item become that item's ``Failed`` outcome; the worker is replaced and the batch goes on.
Workers run under a memory limit (Linux: RLIMIT_DATA) and die with their parent (Linux:
PR_SET_PDEATHSIG; elsewhere they exit when the parent's end of their pipe closes).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_STOP = "__nianbao_worker_stop__"
TIME_LIMIT = 60.0  # seconds per item: a normal workbook takes milliseconds, a large .xls about one
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of heap per worker


@dataclass(frozen=True)
class Failed:
    """An item whose work did not return: ``why`` is crash | timeout | error; ``detail`` says more."""

    why: str
    detail: str = ""


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)


def _limit_memory(limit: int) -> None:
    """Cap the worker's heap (RLIMIT_DATA counts brk and private mappings on Linux ≥ 4.7)."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the time limit still bounds the damage
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ValueError, OSError):
        pass


def _worker(conn: Connection, fn: Callable[[Any], Any], parent: int, memory: int) -> None:
    _die_with_parent(parent)
    _limit_memory(memory)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item == _STOP:
            return
        try:
            out: Any = ("ok", fn(item))
        except BaseException as e:
            out = ("error", type(e).__name__)
        try:
            conn.send(out)
        except Exception as e:  # an unpicklable result
            conn.send(("error", type(e).__name__))


class _Slot:
    def __init__(self, ctx: Any, fn: Callable[[Any], Any], memory: int):
        self.ctx, self.fn, self.memory = ctx, fn, memory
        self.index: int | None = None
        self.started = 0.0
        self.proc: Any = None
        self.conn: Connection | None = None
        self.start()

    def start(self) -> None:
        ours, theirs = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(theirs, self.fn, os.getpid(), self.memory), daemon=True)
        self.proc.start()
        theirs.close()
        self.conn = ours

    def give(self, index: int, item: Any) -> None:
        assert self.conn is not None
        self.index, self.started = index, time.monotonic()
        self.conn.send(item)

    def restart(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        if self.conn is not None:
            self.conn.close()
        self.index = None
        self.start()

    def stop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.send(_STOP)
            except OSError:
                pass
            self.conn.close()
        self.proc.join(timeout=1)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def _context() -> Any:
    # fork is cheap (the worker inherits the parsers already imported); elsewhere spawn
    return mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def isolated_map(fn: Callable[[Any], Any], items: Iterable[Any], *, jobs: int = 1,
                 time_limit: float = TIME_LIMIT, memory: int = MEMORY_LIMIT,
                 progress: Callable[[int], None] | None = None) -> Iterator[Any]:
    """``fn(item)`` for every item, in ``jobs`` worker processes, yielding in input order.

    A result is whatever ``fn`` returned, or a ``Failed`` when the worker raised, died or ran
    past ``time_limit``. ``fn`` and the items must be picklable (a module-level function).
    """
    todo = list(items)
    if not todo:
        return
    ctx = _context()
    slots = [_Slot(ctx, fn, memory) for _ in range(max(1, min(jobs, len(todo))))]
    done: dict[int, Any] = {}
    given, emitted = 0, 0
    try:
        while emitted < len(todo):
            for s in slots:
                if s.index is None and given < len(todo):
                    s.give(given, todo[given])
                    given += 1
            busy = [s for s in slots if s.index is not None]
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=0.5)  # type: ignore[misc]
            now = time.monotonic()
            for s in busy:
                assert s.index is not None and s.conn is not None
                if s.conn in ready:
                    try:
                        kind, value = s.conn.recv()
                    except (EOFError, OSError):
                        done[s.index] = Failed("crash", _exit_detail(s.proc))
                        s.restart()
                        continue
                    done[s.index] = value if kind == "ok" else Failed("error", value)
                    s.index = None
                elif s.proc.sentinel in ready or not s.proc.is_alive():
                    s.proc.join()
                    done[s.index] = Failed("crash", _exit_detail(s.proc))
                    s.restart()
                elif now - s.started > time_limit:
                    done[s.index] = Failed("timeout", f"{time_limit:.0f}")
                    s.restart()
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
                if progress:
                    progress(1)
    finally:
        for s in slots:
            s.stop()


def _exit_detail(proc: Any) -> str:
    code = proc.exitcode
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def run_isolated(fn: Callable[[Any], Any], item: Any, *, time_limit: float = TIME_LIMIT,
                 memory: int = MEMORY_LIMIT) -> Any:
    """One item in one worker process: ``fn(item)`` or a ``Failed``."""
    return next(isolated_map(fn, [item], time_limit=time_limit, memory=memory))


class Background:
    """One item started in a worker process now, its result collected later (``result``)."""

    def __init__(self, fn: Callable[[Any], Any], item: Any, *, time_limit: float = 10 * TIME_LIMIT,
                 memory: int = MEMORY_LIMIT):
        self.time_limit = time_limit
        self.slot = _Slot(_context(), fn, memory)
        self.slot.give(0, item)

    def result(self) -> Any:
        """What ``fn(item)`` returned, or a ``Failed``."""
        s = self.slot
        assert s.conn is not None
        try:
            left = self.time_limit - (time.monotonic() - s.started)
            ready = wait([s.conn, s.proc.sentinel], timeout=max(left, 0))
            if s.conn in ready:
                kind, value = s.conn.recv()
                return value if kind == "ok" else Failed("error", value)
            if ready:
                s.proc.join()
                return Failed("crash", _exit_detail(s.proc))
            return Failed("timeout", f"{self.time_limit:.0f}")
        except (EOFError, OSError):
            return Failed("crash", _exit_detail(s.proc))
        finally:
            s.stop()
