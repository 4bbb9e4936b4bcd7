"""The browser harness itself: a local page renders in headless Chromium, its console errors and
network requests are seen, and nothing is fetched that the page did not ask for."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser_session, console_errors, network_requests, require_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chrome():  # type: ignore[no-untyped-def]
    require_browser()
    with browser_session() as driver:
        yield driver


def test_local_page_text_errors_and_requests(chrome, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "页.html"
    page.write_text("<!doctype html><meta charset=utf-8><title>测试</title>"
                    "<table><caption>表三</caption><tr><th scope=col>自然人</th></tr></table>"
                    "<script>console.error('坏了')</script>", "utf-8")
    chrome.get(page.as_uri())
    assert chrome.find_element("css selector", "table caption").text == "表三"
    assert any("坏了" in m for m in console_errors(chrome))
    assert network_requests(chrome) == [page.as_uri()]
    shot = tmp_path / "page.png"
    chrome.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")
