"""Real LibreOffice for tests: fill, recalculate, save and inspect workbooks "as a person would".

LibreOffice is driven through Python-UNO, which imports only in Debian's own ``/usr/bin/python3``
(python3-uno), not in the Python that runs pytest; so a session starts ``tests/uno_driver.py``
under that interpreter, which starts ONE headless soffice (throwaway profile, named pipe) and
serves batches of jobs until the session closes. Start cost ≈ 1–3 s per session: share a session
per test module.

Use::

    import pytest
    from office_harness import office_session, require_office

    pytestmark = pytest.mark.office

    @pytest.fixture(scope="module")
    def office():
        require_office()          # skip without LibreOffice; pytest.fail when CI=true
        with office_session() as s:
            yield s

    def test_fill(office, tmp_path):
        [res] = office.run([{"path": src, "ops": [
            {"op": "set", "sheet": "表三", "values": {"C5": 3, "D5": "文字", "E5": None}},
            {"op": "recalc"},
            {"op": "save", "path": tmp_path / "out.xlsx"},
            {"op": "read", "sheet": "表三", "cells": ["C9"]},
        ]}])
        assert res[3]["C9"]["value"] == 3

``office.job(path, ops)`` runs one job and returns its list of results; ``run_office(jobs)`` is a
one-shot session. ``office.version`` is the LibreOffice version string.

A job is ``{"path": FILE (xlsx/xls/ods/csv…; omit for a new empty spreadsheet), "ops": [...]}``.
The file is opened from a copy (the original is never touched, no ``.~lock`` beside it) and closed
without saving at the end of the job; only ``save``/``pdf`` write. ``run`` returns, per job, the
list of the ops' results (``None`` for ops that only change the document). Cells are A1 strings;
rows are 1-based. Operations:

=============================================  ==========================================================
``{"op": "set", "sheet", "values": {A1: v}}``  number → value cell; str → text; None → clear;
                                               ``{"formula": "=A1+1"}`` → formula
``{"op": "insert_rows", "sheet", "row", "count"=1}``  insert before ``row`` (fails on a protected sheet)
``{"op": "delete_rows", "sheet", "row", "count"=1}``  delete from ``row``
``{"op": "rename_sheet", "sheet", "to"}``
``{"op": "unprotect"|"protect", "sheet", "password"=""}``
``{"op": "recalc"}``                           ``calculateAll()``: every formula, as F9 with Shift+Ctrl
``{"op": "save", "path", "format"=by suffix}`` xlsx ("Calc MS Excel 2007 XML"), xls ("MS Excel 97"),
                                               ods, csv, pdf; returns the path
``{"op": "pdf", "path"}``                      PDF export of the visible sheets
``{"op": "read", "sheet", "cells": [A1…]}``    {A1: {type: EMPTY|VALUE|TEXT|FORMULA, value, string,
                                               formula, result (formula cells), error (if any)}}
``{"op": "read_range", "sheet", "range"}``     {"data": rows of values, "formulas": rows of strings}
``{"op": "props", "sheet", "cells": [A1…]}``   {A1: {locked, formula_hidden, hidden, sheet_protected,
                                               font, font_asian, size, number_format, validation:
                                               {type (ANY|WHOLE|DECIMAL|LIST|…), operator
                                               (GREATER_EQUAL|BETWEEN|…), formula1, formula2,
                                               ignore_blank, show_error, error_title, error_message,
                                               error_style, show_input, input_title, input_message}}}
``{"op": "sheets"}``                           [{name, visible, protected}] in order
``{"op": "names"}``                            {defined name: content, e.g. "$表三.$C$5"}
=============================================  ==========================================================

UNO writes bypass sheet protection and validation (as any program's would): assert the
properties the office UI enforces (``props``), not a refusal. A failing op raises
``OfficeJobError`` naming the job, the op and LibreOffice's message.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

DRIVER = Path(__file__).with_name("uno_driver.py")
UNO_PYTHON = os.environ.get("NIANBAO_UNO_PYTHON", "/usr/bin/python3")
TIMEOUT = 300.0  # seconds per batch (and for the start); a slow CI disk is not a failure


class OfficeJobError(RuntimeError):
    """A job failed inside LibreOffice (or the driver died)."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def office_problem() -> str | None:
    """Why the office tests cannot run here, or None when they can."""
    if not shutil.which("soffice") and not shutil.which("libreoffice"):
        return "LibreOffice (soffice) is not installed"
    if not Path(UNO_PYTHON).exists():
        return f"{UNO_PYTHON} (Debian's python3 with python3-uno) is missing"
    probe = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"python3-uno does not import in {UNO_PYTHON}: {probe.stderr.strip()[-300:]}"
    return None


def require_office() -> None:
    """Skip the calling test/fixture without LibreOffice + python3-uno; fail instead when CI=true."""
    problem = office_problem()
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"CI=true but office tests cannot run: {problem}")
    pytest.skip(problem)


def _jsonable(obj: Any) -> Any:
    """Paths in jobs become absolute strings (the driver may run elsewhere)."""
    if isinstance(obj, os.PathLike):
        return str(Path(obj).resolve())
    if isinstance(obj, dict):
        return {k: (str(Path(v).resolve()) if k == "path" and v else _jsonable(v)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


class OfficeSession:
    """One LibreOffice behind one UNO driver process; ``run`` sends batches of jobs."""

    def __init__(self, timeout: float = TIMEOUT):
        from tool.report.office import find_soffice

        self.timeout = timeout
        self._tmp = tempfile.TemporaryDirectory(prefix="nianbao-uno-")
        base = Path(self._tmp.name)
        (base / "work").mkdir()
        self._buf = b""
        self._stderr = open(base / "driver.log", "wb")  # closed in close()
        self.proc = subprocess.Popen(
            [UNO_PYTHON, str(DRIVER), "--soffice", find_soffice(), "--profile", str(base / "profile"),
             "--work", str(base / "work"), "--pipe", f"nianbao_{uuid.uuid4().hex}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            start_new_session=True)  # own process group: close() can always kill soffice with it
        try:
            hello = self._receive(timeout)
        except BaseException:
            self.close()
            raise
        if not hello.get("ready"):
            self.close()
            raise OfficeJobError(f"LibreOffice did not start: {hello.get('error')}\n{hello.get('traceback', '')}")
        self.version: str = hello["version"]

    def _log(self) -> str:
        base = Path(self._tmp.name)
        parts = []
        for name in ("driver.log", "work/soffice.log"):
            p = base / name
            if p.exists() and p.stat().st_size:
                parts.append(f"--- {name} ---\n{p.read_text('utf-8', 'replace')[-2000:]}")
        return "\n".join(parts)

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise OfficeJobError(f"LibreOffice driver gave no answer within {timeout:.0f}s\n{self._log()}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise OfficeJobError(f"LibreOffice driver exited ({self.proc.poll()})\n{self._log()}")
                self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return json.loads(line)

    def run(self, jobs: list[dict[str, Any]]) -> list[list[Any]]:
        """Run jobs in order; per job the list of its ops' results."""
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"jobs": _jsonable(jobs)}, ensure_ascii=False) + "\n").encode())
        self.proc.stdin.flush()
        answer = self._receive(self.timeout)
        if not answer["ok"]:
            job = jobs[answer["job"]]
            ops = job.get("ops", [])
            op = ops[answer["op"]] if 0 <= answer["op"] < len(ops) else "(opening the file)"
            raise OfficeJobError(f"job {answer['job']} ({job.get('path', 'new spreadsheet')}), op {op}: "
                                 f"{answer['error']}\n{answer.get('traceback', '')}")
        return answer["results"]

    def job(self, path: str | os.PathLike[str] | None, ops: list[dict[str, Any]]) -> list[Any]:
        """Run one job; its ops' results."""
        return self.run([{"path": path, "ops": ops}])[0]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b'{"quit": true}\n')
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:  # whatever is left of the group (soffice.bin included)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self._stderr):
            if f:
                f.close()
        self._tmp.cleanup()


@contextmanager
def office_session(timeout: float = TIMEOUT) -> Iterator[OfficeSession]:
    session = OfficeSession(timeout)
    try:
        yield session
    finally:
        session.close()


def run_office(jobs: list[dict[str, Any]], timeout: float = TIMEOUT) -> list[list[Any]]:
    """One-shot: start LibreOffice, run the jobs, shut it down."""
    with office_session(timeout) as s:
        return s.run(jobs)


def app_name(xlsx: str | os.PathLike[str]) -> str:
    """The ``Application`` recorded in an xlsx's docProps/app.xml (who wrote the file)."""
    with zipfile.ZipFile(xlsx) as z:
        xml = z.read("docProps/app.xml").decode("utf-8")
    m = re.search(r"<Application>([^<]*)</Application>", xml)
    return m.group(1) if m else ""
