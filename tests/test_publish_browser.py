"""The published page in real headless Chromium: tables intact (every grid row full, the official
merges), nothing fetched from anywhere, no console errors; the CMS fragment too."""

from __future__ import annotations

import pytest
from browser import browser_session, console_errors, network_requests, require_browser

from tool.demo.run import sample
from tool.format import load
from tool.publish.make import publish_file
from tool.workbook import build_workbook

pytestmark = pytest.mark.browser

GRID = """
return [...document.querySelectorAll('table')].map(t => {
  const occ = new Set(); let cols = 0;
  [...t.rows].forEach((tr, r) => { let c = 0;
    for (const cell of tr.cells) { while (occ.has(r + ',' + c)) c++;
      for (let i = 0; i < cell.rowSpan; i++) for (let j = 0; j < cell.colSpan; j++) occ.add((r + i) + ',' + (c + j));
      c += cell.colSpan; cols = Math.max(cols, c); } });
  const box = t.getBoundingClientRect();
  return {rows: t.rows.length, cols: cols, cells: occ.size, width: box.width,
          scoped: [...t.querySelectorAll('th')].every(th => th.getAttribute('scope')),
          caption: t.caption ? t.caption.textContent : ''};
});
"""


@pytest.fixture(scope="module")
def chrome():
    require_browser()
    with browser_session() as driver:
        yield driver


@pytest.fixture(scope="module")
def package(tmp_path_factory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("web")
    data = sample()
    wb = d / "ref.xlsx"
    wb.write_bytes(build_workbook(data))
    return publish_file(str(wb), output=str(d / "pkg"), pdf=False)


@pytest.mark.parametrize("kind", ["html", "fragment"])
def test_page_renders_tables_intact_and_fetches_nothing(chrome, package, kind, tmp_path):
    url = package.files[kind].resolve().as_uri()
    network_requests(chrome)  # drain
    chrome.get(url)
    spec = load(package.data.format)
    tables = chrome.execute_script(GRID)
    want = [spec.tables[s.table] for s in spec.sections if s.kind == "table"]
    assert [(t["rows"], t["cols"], t["cells"]) for t in tables] == [(w.n_rows, w.n_cols, w.n_rows * w.n_cols)
                                                                      for w in want]
    assert all(t["scoped"] for t in tables)
    assert [t["caption"] for t in tables] == [s.title for s in spec.sections if s.kind == "table"]
    assert console_errors(chrome) == []
    assert [u for u in network_requests(chrome) if u != url] == []
    text = chrome.find_element("tag name", "body").text
    assert "161804.8元" in text and package.data.org in text
    chrome.save_screenshot(str(tmp_path / f"{kind}.png"))


def test_page_prints_on_a4(chrome, package):
    import base64

    chrome.get(package.files["html"].resolve().as_uri())
    pdf = base64.b64decode(chrome.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    import re

    boxes = {tuple(round(float(x)) for x in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes == {(595, 842)}  # A4 in points, from the page's @page rule
