"""The reference report through LibreOffice: 22 body lines on a full page, page numbers placed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tool.format.interchange import from_json
from tool.report.render import Renderer

pytestmark = pytest.mark.office
SAMPLE = Path(__file__).resolve().parents[1] / "tool" / "demo" / "samples" / "xinzhou_2019.json"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    if not shutil.which("soffice") and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice not installed")
    from tool.report.office import convert

    d = tmp_path_factory.mktemp("pdf")
    docx = d / "xinzhou.docx"
    docx.write_bytes(Renderer(None, "2019").render(from_json(json.loads(SAMPLE.read_text("utf-8")))))
    return convert([docx], "pdf", d)[0]


def _lines(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(yMin, xMin, text) of each text line on a page, from pdftotext's bounding boxes."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', out, re.S):
        words = re.findall(r">([^<]+)</word>", m.group(3))
        lines.append((float(m.group(2)), float(m.group(1)), "".join(words)))
    return lines


def test_full_page_of_body_text_has_22_lines(pdf):
    lines = _lines(pdf, 2)  # page 2 is all narrative text (一、总体情况)
    body = [ln for ln in lines if not re.fullmatch(r"—\s*\d+\s*—", ln[2])]
    assert len(body) == 22
    pitch = (body[-1][0] - body[0][0]) / 21
    assert abs(pitch - 28.9) < 0.3


def test_page_numbers_odd_right_even_left(pdf):
    nums = {}
    for page in (1, 2):
        nums[page] = next(ln for ln in _lines(pdf, page) if re.fullmatch(r"—\s*\d+\s*—", ln[2]))
    assert nums[1][2].replace(" ", "") == "—1—" and nums[2][2].replace(" ", "") == "—2—"
    a4_width_pt = 595
    assert nums[1][1] > a4_width_pt / 2 > nums[2][1]


def test_cjk_fonts_embedded(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|UKai|Song|Fang|Hei", fonts), fonts
