"""The workspace in real headless Chromium against the real server: a department drops its workbook
in and sees its findings; the office sees the dashboard change, returns a unit with a reason (the
unit sees it), finds the 催报 notices, runs 汇总 and downloads 汇总表.xlsx. No console errors, and
nothing fetched from anywhere but the server.

With NIANBAO_SCREENSHOTS=DIR the main pages are saved there as PNG (the README's pictures).
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from browser import browser_session, console_errors, network_requests, require_browser
from webserver import get_json, make_workspace, post_file, serving, unit_book, unit_urls, units

pytestmark = pytest.mark.browser
WAIT = 60


@pytest.fixture(scope="module")
def chrome():  # type: ignore[no-untyped-def]
    require_browser()
    with browser_session() as driver:
        yield driver


def _wait(driver, css: str, text: str = "", timeout: float = WAIT):  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d):  # type: ignore[no-untyped-def]
        els = d.find_elements("css selector", css)
        return next((e for e in els if text in e.text), None) if els else None

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(found)


def _shot(driver, tmp: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp)
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script(
        "return Math.ceil(document.querySelector('footer').getBoundingClientRect().bottom + window.scrollY)"
        " + (window.outerHeight - window.innerHeight) + 8")
    driver.set_window_size(1280, min(max(600, height), 1800))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 1600)


def test_department_and_office_in_the_browser(chrome, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = make_workspace(tmp_path)
    us = units()
    broken = tmp_path / "教育局填报表.xlsx"
    broken.write_bytes(unit_book(us[1], broken=True))
    with serving(folder) as srv:
        urls = unit_urls(folder, srv.base)
        network_requests(chrome)  # drain

        # a department drops its workbook in: the verdict, grouped by sheet, cells named
        chrome.get(urls["2"])
        assert "测试市教育局" in chrome.find_element("css selector", "h1").text
        _shot(chrome, tmp_path, "单位页面")
        chrome.find_element("css selector", "input[type=file]").send_keys(str(broken))
        verdict = _wait(chrome, "#verdict", "有错误")
        caption = verdict.find_element("css selector", "table.findings caption").text
        cells = [td.text for td in verdict.find_elements("css selector", "td.c-cell")]
        assert caption == "表三" and "D30" in cells and "应等于" in verdict.text
        assert verdict.find_element("partial link text", "标注了问题的副本")
        assert "/submissions/" in chrome.current_url  # the page's address follows the upload
        _shot(chrome, tmp_path, "单位校验结果")

        # the office: the dashboard counts the upload; another unit's upload changes it
        chrome.get(srv.office)
        _wait(chrome, "#counts a[data-status=failed] b", "1")
        assert post_file(urls["1"], unit_book(us[0]))[0] == 200
        chrome.refresh()
        _wait(chrome, "#counts a[data-status=passed] b", "1")
        row = _wait(chrome, "#units tr[data-seq='1']")
        assert "通过" in row.text
        _shot(chrome, tmp_path, "办公室报送情况")

        # 退回 with a reason; the unit sees it on its page
        row.find_element("link text", "测试市财政局").click()
        reason = "表三第（三）项与去年口径不一致，请核实后重报"
        chrome.find_element("css selector", "#reason").send_keys(reason)
        chrome.find_element("css selector", "#return-form button").click()
        _wait(chrome, ".alert.returned", reason)
        _shot(chrome, tmp_path, "办公室单位详情")
        chrome.get(urls["1"])
        assert reason in _wait(chrome, "#returned").text
        status = get_json(srv.office + "api/status")
        assert {u["seq"]: u["status"] for u in status["units"]}["1"] == "已退回"

        # 催报: a notice for each unit missing, wrong or returned
        chrome.get(srv.office + "chase")
        notices = chrome.find_elements("css selector", "article.notice")
        assert len(notices) == 5 and "退回" in chrome.find_element("css selector", "#text-0").text
        _shot(chrome, tmp_path, "办公室催报")

        # 汇总: two more units pass; run it, wait for it, download 汇总表.xlsx
        for u in us[2:4]:
            assert post_file(urls[u.seq], unit_book(u))[0] == 200
        chrome.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(tmp_path / "下载")})
        chrome.get(srv.office + "runs")
        box = chrome.find_elements("css selector", "input[name=pdf]")
        if box and box[0].is_selected():
            box[0].click()  # PDF is tested elsewhere; here the run stays quick
        chrome.find_element("css selector", "#run-form button").click()
        link = _wait(chrome, "a[data-file='汇总表.xlsx']", timeout=180)
        reports = chrome.find_elements("css selector", "a[data-file$='.docx']")
        assert len(reports) == 3  # two units and the consolidated report
        _shot(chrome, tmp_path, "办公室汇总")
        link.click()
        target = tmp_path / "下载" / "汇总表.xlsx"
        deadline = time.time() + 30
        while not target.exists() and time.time() < deadline:
            time.sleep(0.2)
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
        rows = [[c for c in r] for r in wb["提交情况"].iter_rows(values_only=True)]
        by_name = {r[1]: r[2] for r in rows if r and r[1]}
        assert by_name["测试市教育局"] == "有错误" and by_name["测试市卫生健康委员会"] == "未提交"

        assert console_errors(chrome) == []
        fetched = network_requests(chrome)
        assert fetched and all(u.startswith(srv.base) for u in fetched), fetched
