"""Benchmark the real workflow against the obvious alternatives; prints one table.

    python benchmarks/bench.py              # N = 1,000 departments, memory run at 10,000
    python benchmarks/bench.py -n 20 --mem-n 40 --repeats 2    # the quick run the tests use

Measures (medians of ``--repeats`` runs):
  * read + validate per workbook on one core (ours) vs openpyxl ``read_only=True`` reading the
    same cells, and the floor: opening each zip and inflating its sheet XML; the text checks alone;
  * ``collect`` end to end (read, validate, 汇总表.xlsx, consolidated workbook, findings.json)
    on 1 core and on all cores; the 退回 copies on their own;
  * rendering N reports with our compiled renderer vs a plain docxtpl render (new DocxTemplate,
    render, save) of the same template, checking that the documents' text is identical;
  * copy detection across the units (sketches, the index, exact measures, re-reading the flagged
    units) vs difflib's SequenceMatcher over every pair, timed on a sample and extrapolated;
  * ``nianbao check one.xlsx`` as a cold process;
  * docx → PDF for ``--pdfs`` reports: our pool of long-lived soffice processes, one soffice for
    all, and one soffice per document (the obvious way; timed on a sample of ``PDF_SAMPLE``);
  * one publication package (page, fragment, data, 图解, docx) per unit;
  * peak memory (max RSS) of ``collect`` over ``--mem-n`` workbooks, in a child process;
  * upload → verdict through the workspace with ``nianbao serve`` running (HTTP multipart POST,
    read and check in a worker process, the file stored and the verdict committed to SQLite),
    against a cold ``nianbao check`` of the same file.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tool import format as specmod
from tool.demo import synth

YEAR = 2024


# -- generating departments ---------------------------------------------------------------------

def _make_one(args: tuple[int, str, int]) -> None:
    from tool.workbook import build_workbook

    i, folder, error_every = args
    spec = specmod.for_year(YEAR)
    data = synth.synthetic(spec, _name(i), YEAR, random.Random(i))
    data.info["unit_id"] = f"U{i:05d}"
    _copying(spec, i, data)
    if error_every and i % error_every == 0:  # a few percent with an imbalance
        synth.unbalance(spec, data)
    Path(folder, f"{i:05d}_基准测试第{i:05d}局.xlsx").write_bytes(build_workbook(data, written_by="distribute"))


def _name(i: int) -> str:
    return f"基准测试第{i:05d}局"


def _copying(spec, i: int, data) -> None:  # type: ignore[no-untyped-def]
    """What copying looks like in a batch: every 50th unit takes its neighbour's 一 and rewrites two
    sentences; one unit in ten of the first 300 uses the office's sample 五 (names changed)."""
    if i % 50 == 2:
        src = synth.synthetic(spec, _name(i - 1), YEAR, random.Random(i - 1)).text["overall"]
        sents = src.replace(_name(i - 1), data.org).split("。")
        sents[1], sents[3] = "本单位还组织开展了政务公开专项检查", "全年未发生泄密和错误发布事件"
        data.text["overall"] = "。".join(sents)
    elif i % 10 == 3 and i < 300:
        sample = synth.synthetic(spec, "示范单位", YEAR, random.Random(0)).text["problems"]
        data.text["problems"] = sample.replace("示范单位", data.org)


def make_departments(n: int, folder: Path, error_every: int = 25) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_make_one, [(i, str(folder), error_every) for i in range(1, n + 1)], chunksize=16))
    return sorted(folder.glob("*.xlsx"))


# -- measures -----------------------------------------------------------------------------------

def median_time(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ours_read_validate(files: list[Path]) -> None:
    from tool.check import check_bytes

    for f in files:
        check_bytes(f.read_bytes(), f.name)


def text_checks(files: list[Path], repeats: int) -> float:
    """The text checks alone (claims, sums, readiness, preflight), per workbook, on data already read;
    half of the workbooks get a Chinese numeral and a wrong count so that every path runs."""
    from tool.check import check_bytes
    from tool.check.preflight import preflight
    from tool.text import text_findings

    subs = [check_bytes(f.read_bytes(), f.name)[0] for f in files]
    for i, s in enumerate(subs):
        if i % 2:
            s.data.text["overall"] += "\n行政复议案件三件，其中维持两件。共公开信息300条，其中政策文件100条、动态信息150条。"

    def run() -> None:
        for s in subs:
            text_findings(s.data, s.spec, rows=s.text_rows)
            preflight(s.data, s.spec)

    run()  # warm: vocabulary compiled, cn2an imported (once per process, ~0.3 s)
    return median_time(run, repeats) / len(subs)


def copy_detection(folder: Path, files: list[Path], sample: int, cores: int) -> tuple[float, float, float, int]:
    """(sketches per unit on one core, index + exact measure + re-reading the flagged units, naive
    pairwise difflib extrapolated to all pairs, units flagged). In ``collect`` the sketches are made
    in the workers beside reading; the rest runs once per collection."""
    import difflib

    from tool.check import check_bytes
    from tool.collect.across import apply_copies
    from tool.collect.decide import decide, inspect_all
    from tool.collect.intake import find_sources
    from tool.compare.prep import prepare
    from tool.compare.sketch import sketch_report

    subs = [check_bytes(f.read_bytes(), f.name)[0] for f in files]
    t = time.perf_counter()
    for s in subs:
        sketch_report(s.data, s.spec, s.text_rows)
    per_sketch = (time.perf_counter() - t) / len(subs)
    coll = decide(list(inspect_all(find_sources(folder))), None, org="基准测试市人民政府", year=YEAR)
    t = time.perf_counter()
    apply_copies(coll, jobs=cores)
    index = time.perf_counter() - t
    flagged = sum(1 for s in coll.units if s.entry and any(f.rule == "TEXT_SIMILAR_UNIT" for f in s.entry.result.findings))
    keys = [[p.key for p in prepare(s.data, s.spec, s.text_rows).values()] for s in subs[:sample]]
    t = time.perf_counter()
    pairs = 0
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            for x, y in zip(keys[a], keys[b], strict=True):
                difflib.SequenceMatcher(None, x, y).ratio()
            pairs += 1
    per_pair = (time.perf_counter() - t) / max(pairs, 1)
    n = len(files)
    return per_sketch, index, per_pair * n * (n - 1) / 2, flagged


def openpyxl_read(files: list[Path]) -> None:
    """The common alternative: openpyxl read_only, every sheet's values (no validation at all)."""
    import openpyxl

    for f in files:
        wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()


def floor_inflate(files: list[Path]) -> None:
    for f in files:
        with zipfile.ZipFile(f) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                    zf.read(name)


def collect_run(folder: Path, out: Path, jobs: int, returns: bool = False) -> None:
    from tool.collect.run import run_collect

    shutil.rmtree(out, ignore_errors=True)
    run_collect(folder, org="基准测试市人民政府", year=YEAR, outdir=out, jobs=jobs, returns=returns)


def returns_only(folder: Path, out: Path) -> float:
    """Time of writing the 退回 copies alone (they grow with the failing units only)."""
    from tool.collect.decide import decide, inspect_all
    from tool.collect.intake import find_sources
    from tool.collect.run import write_returns

    coll = decide(list(inspect_all(find_sources(folder))), None, org="基准测试市人民政府", year=YEAR)
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    write_returns(coll, out / "退回")
    return time.perf_counter() - t


def report_compare(files: list[Path], n: int, repeats: int) -> tuple[float, float, bool]:
    """(ours per report, plain docxtpl per report, same text)."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from tool.check import check_bytes
    from tool.report.context import build_context
    from tool.report.render import Renderer
    from tool.report.template import default_template

    datas = [check_bytes(f.read_bytes(), f.name)[0].data for f in files[:n]]
    spec = datas[0].spec
    renderer = Renderer(None, spec.id)
    tpl_bytes = default_template(spec.id)

    def ours() -> list[bytes]:
        return [renderer.render(d) for d in datas]

    def plain() -> list[bytes]:
        out = []
        for d in datas:
            doc = DocxTemplate(io.BytesIO(tpl_bytes))
            doc.render(build_context(d, spec), jinja_env=SandboxedEnvironment(), autoescape=True)
            buf = io.BytesIO()
            doc.save(buf)
            out.append(buf.getvalue())
        return out

    t_ours = median_time(ours, repeats) / len(datas)
    t_plain = median_time(plain, max(1, repeats // 2)) / len(datas)
    same = _doc_text(ours()[0]) == _doc_text(plain()[0])
    return t_ours, t_plain, same


def _doc_text(blob: bytes) -> list[str]:
    import docx

    d = docx.Document(io.BytesIO(blob))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        out += [c.text for row in t.rows for c in row.cells]
    return out


PDF_SAMPLE = 8


def pdf_compare(files: list[Path], n: int, work: Path) -> tuple[float, float, float] | None:
    """(pool, one soffice for all, one soffice per document): seconds per document; None without soffice."""
    from tool.check import check_bytes
    from tool.report.office import convert, has_office
    from tool.report.pdfpool import convert_each
    from tool.report.render import Renderer

    if not has_office():
        return None
    folder = work / "pdf"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    datas = [check_bytes(f.read_bytes(), f.name)[0].data for f in files[:n]]
    renderer = Renderer(None, datas[0].format)
    docs = []
    for i, d in enumerate(datas):
        p = folder / f"{i:05d}.docx"
        p.write_bytes(renderer.render(d))
        docs.append(p)
    t = time.perf_counter()
    got = convert_each(docs)
    pool = (time.perf_counter() - t) / len(docs)
    assert not got.failed, got.failed
    t = time.perf_counter()
    convert(docs, "pdf", work / "pdf_one")
    single = (time.perf_counter() - t) / len(docs)
    sample = docs[:PDF_SAMPLE]
    t = time.perf_counter()
    for d in sample:
        convert([d], "pdf", work / "pdf_each")
    each = (time.perf_counter() - t) / len(sample)
    return pool, single, each


def publish_one(files: list[Path], work: Path, repeats: int) -> float:
    """One unit's publication package without the report PDF (that is the rows above)."""
    from tool.publish.make import publish_file

    return median_time(lambda: publish_file(str(files[0]), output=str(work / "pub"), pdf=False), repeats)


def cold_check(file: Path, repeats: int) -> tuple[float, float]:
    """(a cold ``nianbao check``, the bare interpreter start on this machine). The package's bytecode is
    compiled first, as ``pip install`` of the wheel does (an editable install with PYTHONDONTWRITEBYTECODE
    set would otherwise compile every module from source on each start)."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "tool"), quiet=1)
    exe = shutil.which("nianbao")
    cmd = [exe, "check", str(file)] if exe else [sys.executable, "-m", "tool.cli", "check", str(file)]
    bare = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=False), repeats)
    return median_time(lambda: subprocess.run(cmd, capture_output=True, check=False), repeats), bare


def peak_memory(n: int, work: Path) -> tuple[float, float]:
    """Peak RSS (MB) of ``collect`` over n workbooks, in a child process: (main, largest worker).

    Read from /proc (VmHWM) in the child: getrusage's ru_maxrss would include the RSS this
    benchmark process had when it forked the child (Linux keeps it across exec). Worker
    processes of the pool count through RUSAGE_CHILDREN (they fork from the small child).
    """
    folder = work / "mem"
    if not folder.exists():
        make_departments(n, folder)
    code = ("import re,resource,sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
            "from tool.collect.run import run_collect;"
            "run_collect(Path(sys.argv[1]), org='基准测试市人民政府', year=2024, outdir=Path(sys.argv[2]), returns=False);"
            "hwm=int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
            "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    res = subprocess.run([sys.executable, "-c", code, str(folder), str(work / "mem_out"),
                          str(Path(__file__).resolve().parents[1])], capture_output=True, text=True, check=True)
    own, children = (int(x) for x in res.stdout.split()[-2:])
    return own / 1024, children / 1024


def upload_verdict(files: list[Path], work: Path, repeats: int) -> float:
    """Median seconds from sending a workbook to having its committed verdict, server running."""
    import http.client
    import uuid
    from urllib.parse import urlsplit

    from tool.collect.roster import Unit, roster_csv
    from tool.workspace.setup import init_workspace, links
    from tool.workspace.space import Workspace

    sample = files[: min(len(files), 40)]
    units = [Unit(str(i), f"基准测试第{i:05d}局", f"U{i:05d}") for i in range(1, len(sample) + 1)]
    shutil.rmtree(work / "ws", ignore_errors=True)
    (work / "ws_roster.csv").write_bytes(roster_csv(units))
    init_workspace(work / "ws", roster=work / "ws_roster.csv", year=YEAR, org="基准测试市人民政府")
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-m", "tool.cli", "serve", str(work / "ws"), "--port", "0",
                             "--no-browser"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        office = next(line.split("：", 1)[1].strip() for line in proc.stdout if "办公室链接" in line)  # type: ignore[union-attr]
        base = f"http://{urlsplit(office).netloc}"
        urls = [u["url"] for u in links(Workspace.open(work / "ws"), base)["units"]]

        def post(url: str, blob: bytes) -> float:
            b = uuid.uuid4().hex
            body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'.encode()
                    + blob + f"\r\n--{b}--\r\n".encode())
            parts = urlsplit(url)
            t = time.perf_counter()
            con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            con.request("POST", parts.path + "upload", body, {"Content-Type": f"multipart/form-data; boundary={b}",
                                                               "Accept": "application/json"})
            res = con.getresponse()
            res.read()
            con.close()
            if res.status != 200:
                raise RuntimeError(f"upload answered {res.status}")
            return time.perf_counter() - t

        blobs = [f.read_bytes() for f in sample]
        post(urls[0], blobs[0])  # warm the worker processes
        times = [post(u, b) for _ in range(max(1, repeats)) for u, b in zip(urls, blobs, strict=True)]
        return statistics.median(times)
    finally:
        proc.terminate()
        proc.wait(30)
        if proc.stdout:
            proc.stdout.close()


# -- the table ------------------------------------------------------------------------------------

def row(measure: str, ours: float | None, alt: float | None, unit: str, target: str = "") -> list[str]:
    def show(v: float | None) -> str:
        if v is not None and unit == "s" and v >= 100:
            return f"{v / 60:.0f} min"
        return "—" if v is None else (f"{v * 1000:.2f} ms" if unit == "s" else f"{v:.0f} MB")

    ratio = f"{alt / ours:.1f}×" if ours and alt else "—"
    return [measure, show(ours), show(alt), ratio, target]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="departments (default 1000)")
    ap.add_argument("--mem-n", type=int, default=10000, help="workbooks for the peak-memory run (0: skip)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--reports", type=int, default=50, help="reports rendered per repeat")
    ap.add_argument("--pdfs", type=int, default=100, help="reports converted to PDF (0: skip)")
    ap.add_argument("--work", type=Path, help="keep the generated files here (default: a temp folder)")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="nianbao_bench_"))
    cores = os.cpu_count() or 1
    t = time.perf_counter()
    files = make_departments(args.n, work / "depts")
    print(f"generated {len(files)} workbooks in {time.perf_counter() - t:.1f} s ({work})", file=sys.stderr)
    n = len(files)
    per = lambda f: median_time(f, args.repeats) / n  # noqa: E731
    ours_rv = per(lambda: ours_read_validate(files))
    text = text_checks(files, args.repeats)
    opx = per(lambda: openpyxl_read(files))
    floor = per(lambda: floor_inflate(files))
    c1 = median_time(lambda: collect_run(work / "depts", work / "out1", 1), args.repeats)
    cn = median_time(lambda: collect_run(work / "depts", work / "outn", cores), args.repeats)
    ret = returns_only(work / "depts", work / "out_ret")
    sk, idx, naive, flagged = copy_detection(work / "depts", files, min(n, 40), cores)
    copy_total = sk * n / cores + idx
    r_ours, r_plain, same = report_compare(files, min(args.reports, n), args.repeats)
    cold, bare = cold_check(files[0], args.repeats)
    mem = peak_memory(args.mem_n, work) if args.mem_n else None
    upload = upload_verdict(files, work, args.repeats)
    pdfs = pdf_compare(files, min(args.pdfs, n), work) if args.pdfs else None
    n_pdf = min(args.pdfs, n)
    pub = publish_one(files, work, max(1, args.repeats // 2))
    rows = [
        ["measure", "ours", "alternative", "ratio", "target"],
        row("read + validate, per workbook (1 core) vs openpyxl read_only", ours_rv, opx, "s", "≤ 2 ms, ≥ 5×"),
        row("  floor: open zip + inflate sheet XML, per workbook", floor, None, "s"),
        row("  of which text checks (claims, sums, readiness, preflight)", text, None, "s", "≤ 1 ms"),
        row(f"collect {n} units, 1 core (total)", c1, None, "s"),
        row(f"collect {n} units, {cores} cores (total)", cn, c1, "s", "≤ 3 s at 1,000"),
        row(f"collect {n} units, {cores} cores, per workbook", cn / n, None, "s"),
        row("退回 copies alone (failing units only)", ret, None, "s"),
        row(f"copy detection {n} units × 3 sections, {cores} cores vs difflib all pairs", copy_total, naive, "s",
            "≤ 5 s at 1,000"),
        row("  sketches, per unit (1 core, in collect's workers)", sk, None, "s"),
        row(f"  index + exact measure + re-read flagged ({flagged} units flagged)", idx, None, "s"),
        row("report, per document vs plain docxtpl", r_ours, r_plain, "s", "≤ 25 ms, ≥ 4×"),
        row("nianbao check one.xlsx, cold process", cold, None, "s", "≤ 0.35 s"),
        row("  floor: python -c pass (this machine's interpreter start)", bare, None, "s"),
        row(f"docx → PDF, {n_pdf} reports: pool of soffice vs a soffice per document, per document",
            pdfs[0] if pdfs else None, pdfs[2] if pdfs else None, "s", "≤ 0.6 s"),
        row(f"docx → PDF, {n_pdf} reports: one soffice for all, per document", pdfs[1] if pdfs else None, None, "s"),
        row("publish: one unit's package (page, fragment, data, 图解, docx)", pub, None, "s"),
        [f"peak memory, collect of {args.mem_n} workbooks (main process; largest worker)",
         "—" if mem is None else f"{mem[0]:.0f} MB; {mem[1]:.0f} MB", "—", "—", "≤ 200 MB"],
        row("upload → verdict, median, serve running, vs cold nianbao check", upload, cold, "s", "≤ 150 ms"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for i, r in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print(f"\nreport text identical to plain docxtpl: {'yes' if same else 'NO'}; cores: {cores}; "
          f"python {sys.version.split()[0]}; max RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
