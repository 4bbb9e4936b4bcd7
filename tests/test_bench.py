"""The benchmark script runs (at N = 20) and prints its full table, so it cannot rot."""

import subprocess
import sys

from conftest import REPO


def test_benchmark_runs_small(tmp_path):
    res = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench.py"), "-n", "20", "--mem-n", "24",
                          "--repeats", "1", "--reports", "3", "--pdfs", "3", "--work", str(tmp_path)],
                         capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("|")]
    assert len(lines) == 2 + 18  # header, rule, eighteen measures
    assert any("copy detection 20 units" in ln and "≤ 5 s at 1,000" in ln for ln in lines)
    assert "text checks" in lines[4] and "≤ 1 ms" in lines[4]
    assert any("upload → verdict" in ln and "ms" in ln for ln in lines)
    assert any("docx → PDF" in ln and "ms" in ln for ln in lines)
    assert "read + validate" in lines[2] and "ms" in lines[2]
    assert "peak memory, collect of 24 workbooks" in res.stdout and " MB; " in res.stdout
    assert "report text identical to plain docxtpl: yes" in res.stdout
