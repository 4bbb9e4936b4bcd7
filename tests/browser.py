"""Real headless Chromium for tests (Debian's ``chromium`` and ``chromium-driver``; no downloads).

Use::

    import pytest
    from browser import browser_session, require_browser

    pytestmark = pytest.mark.browser

    @pytest.fixture(scope="module")
    def chrome():
        require_browser()          # skip without Chromium; pytest.fail when CI=true
        with browser_session() as driver:
            yield driver

    def test_page(chrome, tmp_path):
        chrome.get("file://" + str(page))
        assert chrome.find_element("css selector", "table caption").text == "表三"
        chrome.save_screenshot(str(tmp_path / "page.png"))

``console_errors(driver)`` returns the page's console messages of level SEVERE. ``network_requests``
lists the URLs the page asked for (from the performance log), so a test can assert that a page
loads nothing from elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NIANBAO_CHROMEDRIVER", "/usr/bin/chromedriver")
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--window-size=1280,1600", "--lang=zh-CN")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(path):
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    return None


def require_browser() -> None:
    """Skip the calling test without Chromium; fail instead when CI=true."""
    problem = browser_problem()
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"CI=true but browser tests cannot run: {problem}")
    pytest.skip(problem)


@contextmanager
def browser_session() -> Iterator[Any]:
    """One headless Chromium with a throwaway profile; the driver is Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="nianbao-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


FETCHED = ("http:", "https:", "ws:", "wss:", "ftp:", "file:")  # not chrome:// internals, not data: URIs


def network_requests(driver: Any) -> list[str]:
    """URLs a page fetched since the last call (the performance log is drained by reading it)."""
    out = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if url.startswith(FETCHED):
                out.append(url)
    return out
