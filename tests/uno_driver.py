"""UNO side of the office test harness. Runs under Debian's /usr/bin/python3 (python3-uno), NOT pytest's.

Started by tests/office_harness.py as
    /usr/bin/python3 uno_driver.py --soffice /usr/bin/soffice --profile DIR --work DIR --pipe NAME
It starts one headless LibreOffice listening on a named pipe with a throwaway profile, connects,
prints one JSON line ``{"ready": true, "version": ...}``, then serves requests: one JSON line in
(``{"jobs": [...]}`` or ``{"quit": true}``), one JSON line out (``{"ok": true, "results": [...]}`` or
``{"ok": false, "error": ..., "job": i, "op": j}``). The job and operation vocabulary is documented
in office_harness.py. This file imports nothing from the project (it runs in another Python).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "xls": "MS Excel 97", "ods": "calc8", "pdf": "calc_pdf_Export",
           "csv": "Text - txt - csv (StarCalc)"}
CLEAR_FLAGS = 1 | 2 | 4 | 16  # com.sun.star.sheet.CellFlags VALUE | DATETIME | STRING | FORMULA
FORMULA_RESULT = {1: "VALUE", 2: "STRING", 4: "ERROR"}  # com.sun.star.sheet.FormulaResult


def props(**kw: object) -> tuple:
    return tuple(PropertyValue(k, 0, v, 0) for k, v in kw.items())


def url(path: str) -> str:
    return uno.systemPathToFileUrl(str(Path(path).resolve()))


# -- operations: each takes (doc, op) and returns a JSON-able result or None ------------------

def _sheet(doc, op):
    name = op["sheet"]
    if not doc.Sheets.hasByName(name):
        raise KeyError(f"no sheet {name!r}; sheets: {list(doc.Sheets.ElementNames)}")
    return doc.Sheets.getByName(name)


def op_set(doc, op):
    """values: {A1: number | string | null | {"formula": "=..."}}; a number becomes a value cell."""
    sheet = _sheet(doc, op)
    for ref, v in op["values"].items():
        cell = sheet.getCellRangeByName(ref)
        if v is None:
            cell.clearContents(CLEAR_FLAGS)
        elif isinstance(v, dict):
            cell.setFormula(v["formula"])
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            cell.setString(str(v))
        else:
            cell.setValue(float(v))


def op_insert_rows(doc, op):
    _sheet(doc, op).Rows.insertByIndex(op["row"] - 1, op.get("count", 1))


def op_delete_rows(doc, op):
    _sheet(doc, op).Rows.removeByIndex(op["row"] - 1, op.get("count", 1))


def op_rename_sheet(doc, op):
    _sheet(doc, op).setName(op["to"])


def op_unprotect(doc, op):
    _sheet(doc, op).unprotect(op.get("password", ""))


def op_protect(doc, op):
    _sheet(doc, op).protect(op.get("password", ""))


def op_recalc(doc, op):
    doc.calculateAll()


def op_save(doc, op):
    fmt = op.get("format") or Path(op["path"]).suffix.lstrip(".").lower()
    Path(op["path"]).parent.mkdir(parents=True, exist_ok=True)
    doc.storeToURL(url(op["path"]), props(FilterName=FILTERS[fmt], Overwrite=True))
    return op["path"]


def op_pdf(doc, op):
    return op_save(doc, {**op, "format": "pdf"})


def _cell_content(cell):
    kind = cell.getType().value  # EMPTY | VALUE | TEXT | FORMULA
    out = {"type": kind, "value": cell.getValue(), "string": cell.getString(), "formula": ""}
    if kind == "FORMULA":
        out["formula"] = cell.getFormula()
        out["result"] = FORMULA_RESULT.get(cell.FormulaResultType2, "?")
        if cell.getError():
            out["error"] = cell.getError()
    return out


def op_read(doc, op):
    """cells: [A1, ...] → {A1: {type, value, string, formula[, result, error]}}."""
    sheet = _sheet(doc, op)
    return {ref: _cell_content(sheet.getCellRangeByName(ref)) for ref in op["cells"]}


def op_read_range(doc, op):
    """range: "A1:D9" → {"data": rows of numbers/strings, "formulas": rows of strings}."""
    rng = _sheet(doc, op).getCellRangeByName(op["range"])
    return {"data": [list(r) for r in rng.getDataArray()], "formulas": [list(r) for r in rng.getFormulaArray()]}


def _validation(cell):
    v = cell.Validation
    return {
        "type": v.Type.value, "operator": v.getOperator().value,
        "formula1": v.getFormula1(), "formula2": v.getFormula2(),
        "ignore_blank": bool(v.IgnoreBlankCells),
        "show_error": bool(v.ShowErrorMessage), "error_title": v.ErrorTitle, "error_message": v.ErrorMessage,
        "error_style": v.ErrorAlertStyle.value,
        "show_input": bool(v.ShowInputMessage), "input_title": v.InputTitle, "input_message": v.InputMessage,
    }


def op_props(doc, op):
    """cells: [A1, ...] → {A1: {locked, formula_hidden, sheet_protected, validation, font, ...}}."""
    sheet = _sheet(doc, op)
    protected = bool(sheet.isProtected())
    out = {}
    for ref in op["cells"]:
        cell = sheet.getCellRangeByName(ref)
        p = cell.CellProtection
        out[ref] = {
            "locked": bool(p.IsLocked), "formula_hidden": bool(p.IsFormulaHidden), "hidden": bool(p.IsHidden),
            "sheet_protected": protected, "validation": _validation(cell),
            "font": cell.CharFontName, "font_asian": cell.CharFontNameAsian, "size": cell.CharHeight,
            "number_format": cell.NumberFormat,
        }
    return out


def op_sheets(doc, op):
    """[{name, visible, protected}] for every sheet in order."""
    out = []
    for i in range(doc.Sheets.Count):
        s = doc.Sheets.getByIndex(i)
        out.append({"name": s.Name, "visible": bool(s.IsVisible), "protected": bool(s.isProtected())})
    return out


def op_names(doc, op):
    """{defined name: content} for the workbook-scoped named ranges."""
    nr = doc.NamedRanges
    return {n: nr.getByName(n).getContent() for n in nr.ElementNames}


OPS = {name.removeprefix("op_"): fn for name, fn in globals().items() if name.startswith("op_")}


# -- serving ------------------------------------------------------------------------------

class Driver:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = Path(args.work)
        self.count = 0
        log = open(Path(args.work) / "soffice.log", "wb")  # lives as long as soffice
        self.proc = subprocess.Popen(
            [args.soffice, f"-env:UserInstallation={Path(args.profile).resolve().as_uri()}", "--headless",
             "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
             f"--accept=pipe,name={args.pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.desktop = self._connect(args.pipe, args.connect_timeout)

    def _connect(self, pipe: str, timeout: float):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"soffice exited with {self.proc.returncode} before accepting") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"soffice did not accept a connection within {timeout}s") from None
                time.sleep(0.1)
        self.ctx = ctx
        return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def version(self) -> str:
        cp = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx)
        node = cp.createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess",
                                              props(nodepath="/org.openoffice.Setup/Product"))
        return f"{node.ooName} {node.ooSetupVersionAboutBox}"

    def open(self, job: dict):
        """Load a COPY of the job's file (no lock file beside the original), or a new spreadsheet."""
        if not job.get("path"):
            return self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))
        src = Path(job["path"])
        if not src.is_file():
            raise FileNotFoundError(str(src))
        self.count += 1
        copy = self.work / f"doc{self.count}" / src.name
        copy.parent.mkdir()
        shutil.copy2(src, copy)
        doc = self.desktop.loadComponentFromURL(url(copy), "_blank", 0, props(Hidden=True))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {src}")
        return doc

    def run(self, jobs: list) -> dict:
        results = []
        for i, job in enumerate(jobs):
            doc = None
            out: list = []
            try:
                doc = self.open(job)
                for op in job.get("ops", []):
                    fn = OPS.get(op.get("op"))
                    if fn is None:
                        raise ValueError(f"unknown op {op.get('op')!r}; known: {sorted(OPS)}")
                    out.append(fn(doc, op))
            except Exception as e:
                return {"ok": False, "job": i, "op": len(out) if doc is not None else -1, "error": f"{type(e).__name__}: {e}",
                        "traceback": traceback.format_exc()}
            finally:
                if doc is not None:
                    doc.close(True)
            results.append(out)
        return {"ok": True, "results": results}

    def quit(self) -> None:
        try:
            self.desktop.terminate()
        except Exception:
            pass  # the bridge drops while LibreOffice exits
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--soffice", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--pipe", required=True)
    ap.add_argument("--connect-timeout", type=float, default=90)
    args = ap.parse_args()
    # The protocol owns the real stdout; anything else printed goes to stderr.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr

    def send(obj: dict) -> None:
        channel.write(json.dumps(obj, ensure_ascii=False) + "\n")
        channel.flush()

    try:
        driver = Driver(args)
        send({"ready": True, "version": driver.version()})
    except Exception as e:
        send({"ready": False, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()})
        return
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            if req.get("quit"):
                break
            send(driver.run(req["jobs"]))
    finally:
        driver.quit()
        send({"bye": True})


if __name__ == "__main__":
    main()
