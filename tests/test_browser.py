"""The status page in a real headless Chromium, served by the real `python -m sync serve`."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from sync.demo import write_demo
from tests.service_helpers import Served
from tests.support import SCREENSHOTS, TODAY

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"


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

        # The demo's suspected outbreak heads the to-do (the service checks on the real date, so
        # the demo's class under observation may be over by now: tests/test_health_registers.py).
        assert "疑似聚集性疫情：小一班" in page.locator("#health-watch").inner_text()
        assert page.locator("#health-watch").bounding_box()["y"] < page.locator("#todo").bounding_box()["y"]

        table = page.locator("#validation").inner_text()
        for expected in ("“2026-02-30”不是有效日期", "“三十”不是整数", "“约500”不是数字", "与 A12 重复"):
            assert expected in table, expected
        assert SCRIPT in table  # shown as text...
        assert dialogs == []    # ...and never run
        assert page.locator("#validation script").count() == 0

        before = page.locator("#last-run").inner_text()
        served.wait_until_idle()  # the first cycle's process may still be closing after its run is recorded
        page.click("#sync-now")
        page.wait_for_load_state()
        assert "已开始同步" in page.locator(".flash").inner_text()
        assert page.locator("#sync-progress progress").is_visible()  # progress while the cycle runs
        page.screenshot(path=str(SCREENSHOTS / "syncing.png"))
        # The page refreshes itself when the cycle has been recorded: no reload by hand.
        page.wait_for_url(served.base + "/", timeout=90_000)
        page.wait_for_function("document.querySelector('#last-run').innerText.includes('#2')", timeout=30_000)
        after = page.locator("#last-run").inner_text()
        assert after != before and "#2" in after and page.locator("#sync-progress").count() == 0
        page.goto(served.base + "/?tab=history")
        assert page.locator("#history tbody tr").count() >= 2
        page.screenshot(path=str(SCREENSHOTS / "after_sync.png"), full_page=True)

        page.goto(served.base + "/?lang=en")
        assert "Sync now" in page.locator("#sync-now").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "english.png"))
    finally:
        served.stop()


WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ' ' + (e.innerText || '').slice(0, 30))"""
SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, select, input:not([type=hidden]), summary')]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().height < 40)
  .map(e => e.tagName + ' ' + (e.innerText || e.value || '').slice(0, 30) + ' ' + e.getBoundingClientRect().height)"""
PAGES = {"todo": "/", "overview": "/?tab=overview", "history": "/?tab=history", "list": "/?tab=list", "report": "/report"}


def test_the_page_on_an_office_screen_a_phone_and_paper(browser, tmp_path):
    folder = tmp_path / "demo"
    write_demo(folder, today=TODAY)
    served = Served(str(folder))
    try:
        served.wait_for_runs(1)
        SCREENSHOTS.mkdir(exist_ok=True)
        wide = browser.new_page(viewport={"width": 1366, "height": 900})
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                 user_agent="Mozilla/5.0 (iPhone) MicroMessenger/8.0")
        for name, path in PAGES.items():
            wide.goto(served.base + path)
            wide.screenshot(path=str(SCREENSHOTS / f"1366_{name}.png"), full_page=True)
            phone.goto(served.base + path)
            phone.screenshot(path=str(SCREENSHOTS / f"390_{name}.png"), full_page=True)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, name
            assert phone.evaluate(WIDER_THAN_SCREEN) == [], name
            assert phone.evaluate(SMALL_TARGETS) == [], name
        # The to-do heads the page: the headline, then people, each with what and where.
        wide.goto(served.base + "/")
        headline = wide.locator("#headline").inner_text()
        assert re.match(r"今天需要处理 \d+ 项，其中逾期 \d+ 项", headline), headline
        people = wide.locator("#todo .person h3").all_inner_texts()
        assert people[-1].startswith("未指定") and any(p.startswith("刘师傅") for p in people), people
        assert "安全管理.xlsx › 安全检查 › " in wide.locator("#todo").inner_text()
        # A sheet name on a phone reads on one line, not one character per line.
        phone.goto(served.base + "/?tab=overview")
        sheet_cell = phone.locator("#sheets td[data-label='工作表']").first
        assert sheet_cell.bounding_box()["height"] < 60
        # Printed for the meeting: the whole list on A4, without the controls.
        wide.click("#print-all")
        wide.emulate_media(media="print")
        alerts = int(re.search(r"问题 (\d+) 项", wide.locator("#headline").inner_text())[1])
        assert wide.locator("#todo li").count() == alerts
        assert not wide.locator("#sync-now").is_visible() and not wide.locator(".tabs").is_visible()
        wide.screenshot(path=str(SCREENSHOTS / "print_todo.png"), full_page=True)
        pdf = tmp_path / "todo.pdf"
        wide.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        pages = PdfReader(pdf).pages
        assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in pages)
        assert "今天需要处理" in pages[0].extract_text()
    finally:
        served.stop()
