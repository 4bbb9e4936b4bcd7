"""PDF for many reports through a pool of LibreOffice processes: a document that cannot be
converted is named and costs no other; the .docx stays. The package links its report PDF."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess

import pytest

from tool.demo import synth
from tool.format import for_year
from tool.publish.make import publish_file
from tool.report.pdfpool import convert_each
from tool.report.render import Renderer
from tool.workbook import build_workbook

pytestmark = pytest.mark.office


@pytest.fixture(autouse=True)
def _office():  # type: ignore[no-untyped-def]
    if not shutil.which("soffice") and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice not installed")


def test_pool_converts_many_and_names_the_bad_one(tmp_path):
    spec = for_year(2024)
    r = Renderer(None, spec.id)
    docs = []
    for i in range(5):
        d = tmp_path / ("a" if i % 2 else "b") / "报告.docx"  # equal names in two folders
        d = d.with_name(f"报告{i}.docx") if i > 1 else d
        d.parent.mkdir(exist_ok=True)
        d.write_bytes(r.render(synth.synthetic(spec, f"测试第{i}局", 2024, random.Random(i))))
        docs.append(d)
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 not really a docx")
    got = convert_each([*docs, bad], workers=2)
    assert sorted(got.done) == sorted(docs)
    assert list(got.failed) == [bad] and "坏.docx" in got.failed[bad]
    assert bad.read_bytes().startswith(b"PK") and all(d.is_file() for d in docs)
    text = subprocess.run(["pdftotext", str(got.done[docs[3]]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "测试第3局" in text.replace(" ", "")


def test_package_holds_the_report_pdf(tmp_path):
    spec = for_year(2024)
    wb = tmp_path / "in.xlsx"
    wb.write_bytes(build_workbook(synth.synthetic(spec, "示例市财政局", 2024, random.Random(9))))
    pub = publish_file(str(wb), output=str(tmp_path / "pkg"))
    assert "pdf" in pub.files and pub.files["pdf"].stat().st_size > 10_000
    listed = json.loads(pub.files["manifest"].read_text("utf-8"))["files"]
    assert listed["pdf"] == pub.files["pdf"].name and listed["docx"] == pub.files["docx"].name
    from urllib.parse import quote

    assert quote(pub.files["pdf"].name) in pub.files["html"].read_text("utf-8")
