"""The status page in a real headless Chromium, served by the real `python -m sync serve`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.demo import write_demo
from tests.conftest import ROOT, TODAY, require
from tests.service_helpers import Served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "tests" / "screenshots"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM} (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        yield launched
        launched.close()


def test_status_page_in_a_real_browser(browser, tmp_path):
    folder = tmp_path / "demo"
    write_demo(folder, today=TODAY)
    # A staff member pastes something that looks like a script into a cell.
    book_path = folder / "安全管理.xlsx"
    book = load_workbook(book_path)  # a fixture made by Houqin itself; openpyxl is fine here
    sheet = book["安全检查"]
    sheet.cell(row=5, column=7, value=SCRIPT)  # 上次检查日期 of a row: a validation error quoting the text
    book.save(book_path)

    served = Served(str(folder))
    try:
        served.wait_for_runs(1)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(served.base + "/")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "status_page.png"), full_page=True)

        table = page.locator("#validation").inner_text()
        for expected in ("“2026-02-30”不是有效日期", "“三十”不是整数", "“约500”不是数字", "与 A12 重复"):
            assert expected in table, expected
        assert SCRIPT in table  # shown as text...
        assert dialogs == []    # ...and never run
        assert page.locator("#validation script").count() == 0

        before = page.locator("#last-run").inner_text()
        page.click("#sync-now")
        page.wait_for_load_state()
        assert "已开始同步" in page.locator(".flash").inner_text()
        served.wait_for_runs(2)
        page.reload()
        after = page.locator("#last-run").inner_text()
        assert after != before and "#2" in after
        assert page.locator("#history tbody tr").count() >= 2
        page.screenshot(path=str(SCREENSHOTS / "after_sync.png"), full_page=True)

        page.goto(served.base + "/?lang=en")
        assert "Sync now" in page.locator("#sync-now").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "english.png"))
    finally:
        served.stop()
