"""How the workspace's web framework was chosen: the same upload endpoint (multipart POST → check →
JSON verdict) on Flask + waitress and on Starlette + uvicorn, measured with the server running.

    pip install starlette uvicorn python-multipart      # not dependencies of nianbao
    python benchmarks/web_frameworks.py [workbook.xlsx] [--rounds 3]

Prints, per stack and round: start-up to first answer, the median and 95th percentile of 200
sequential uploads, and 8 concurrent clients × 40 uploads (median latency, uploads per second).
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def verdict(blob: bytes, name: str) -> dict:
    from tool.check import check_bytes

    _, res = check_bytes(blob, name)
    return {"status": "ok" if res.ok else "bad", "findings": [f.to_dict() for f in res.findings]}


def flask_app():  # type: ignore[no-untyped-def]
    from flask import Flask, jsonify, request

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024

    @app.post("/u/<tok>/upload")
    def up(tok: str):  # type: ignore[no-untyped-def]
        f = request.files["file"]
        return jsonify(verdict(f.read(), f.filename or ""))

    return app


def starlette_app():  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def up(request):  # type: ignore[no-untyped-def]
        form = await request.form()
        f = form["file"]
        return JSONResponse(await run_in_threadpool(verdict, await f.read(), f.filename))

    return Starlette(routes=[Route("/u/{tok}/upload", up, methods=["POST"])])


def serve(kind: str, port: int) -> None:
    if kind == "flask":
        from waitress import serve as waitress_serve

        waitress_serve(flask_app(), host="127.0.0.1", port=port, threads=8, _quiet=True)
    else:
        import uvicorn

        uvicorn.run(starlette_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def post(port: int, blob: bytes) -> float:
    b = uuid.uuid4().hex
    body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + blob + f"\r\n--{b}--\r\n".encode()
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t = time.perf_counter()
    con.request("POST", "/u/x/upload", body, {"Content-Type": f"multipart/form-data; boundary={b}"})
    res = con.getresponse()
    res.read()
    con.close()
    assert res.status == 200, res.status
    return time.perf_counter() - t


def measure(kind: str, port: int, blob: bytes) -> str:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                post(port, blob)
                break
            except OSError:
                time.sleep(0.05)
        start = time.perf_counter() - t0
        for _ in range(20):
            post(port, blob)
        seq = sorted(post(port, blob) for _ in range(200))
        t = time.perf_counter()
        with ThreadPoolExecutor(8) as ex:
            conc = list(ex.map(lambda _: post(port, blob), range(320)))
        wall = time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait()
    return (f"{kind:10s} start {start * 1000:5.0f} ms | sequential median {statistics.median(seq) * 1000:5.2f} ms, "
            f"p95 {seq[189] * 1000:5.2f} ms | 8 clients: median {statistics.median(conc) * 1000:5.1f} ms, "
            f"{320 / wall:4.0f} uploads/s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("workbook", nargs="?")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--serve")
    ap.add_argument("--port", type=int, default=18801)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0
    if args.workbook:
        blob = Path(args.workbook).read_bytes()
    else:
        import random

        from tool.demo.synth import synthetic
        from tool.format import for_year
        from tool.workbook import build_workbook

        blob = build_workbook(synthetic(for_year(2024), "某某局", 2024, random.Random(1)))
    for r in range(args.rounds):
        for i, kind in enumerate(("flask", "starlette") if r % 2 == 0 else ("starlette", "flask")):
            print(measure(kind, args.port + i, blob), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
