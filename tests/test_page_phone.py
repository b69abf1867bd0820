"""The status page on a phone (390 px, as in the WeChat browser), served by the real service:
the first screen shows the headline and several people, each person's first items with 展开
for the rest; the unassigned items say, per sheet, why nobody is named; every chart's labels
are at least 10 px; the kindergarten's name heads the page."""

from __future__ import annotations

import pytest

from sync.demo import write_demo
from tests.service_helpers import Served
from tests.support import SCREENSHOTS, TODAY

pytestmark = pytest.mark.browser

SCHOOL = "阳光幼儿园"
SCREEN = {"width": 390, "height": 844}
# The rendered size of every visible chart label: its font size times the chart's scale on screen.
LABEL_SIZES = """() => [...document.querySelectorAll('svg.chart')].filter(s => s.getClientRects().length).flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
})"""
ON_FIRST_SCREEN = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().bottom <= window.innerHeight)
  .map(e => e.innerText)"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone")
    write_demo(folder / "demo", today=TODAY)
    config = folder / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{(folder / 'demo').as_posix()}']\n[school]\nname = \"{SCHOOL}\"\n",
                      encoding="utf-8")
    service = Served("--config", str(config), cwd=folder)
    try:
        service.wait_for_runs(1)
        yield service
    finally:
        service.stop()


@pytest.fixture
def phone(browser):
    page = browser.new_page(viewport=SCREEN, is_mobile=True, has_touch=True,
                            user_agent="Mozilla/5.0 (iPhone) MicroMessenger/8.0")
    yield page
    page.close()


def test_the_first_screen_shows_the_headline_and_several_people(served, phone):
    phone.goto(served.base + "/")
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "390_todo_first_screen.png"))
    phone.screenshot(path=str(SCREENSHOTS / "390_todo_folded.png"), full_page=True)
    assert SCHOOL in phone.locator("header h1").inner_text()
    assert phone.evaluate(ON_FIRST_SCREEN, "#headline"), "the headline is below the first screen"
    people = phone.evaluate(ON_FIRST_SCREEN, "#todo .person h3")
    assert len(people) >= 2, people
    # The demo's outbreak stays in sight: the health watch's summary line, folded on a phone.
    watch = phone.evaluate(ON_FIRST_SCREEN, "#health-watch summary")
    assert watch and "疑似聚集 1 起" in watch[0], watch
    # Each person shows two items; 展开 shows the rest of that person's, and only theirs.
    first = phone.locator("#todo .person").first
    shown = lambda: first.locator("li:visible").count()  # noqa: E731 - read twice
    assert shown() == 2
    button = first.locator("button.unfold")
    assert button.is_visible() and button.bounding_box()["height"] >= 40
    total = first.locator("li").count()
    button.click()
    assert shown() == total > 2 and "收起" in button.inner_text()
    assert phone.locator("#todo .person").nth(1).locator("li:visible").count() <= 2


def test_unassigned_items_are_grouped_by_sheet_with_the_reason(served, phone):
    phone.goto(served.base + "/?owner=")
    heads = phone.locator("#todo .person.unassigned h4").all_inner_texts()
    assert heads and all("：" in h for h in heads), heads
    assert any("这张表没有" in h and "一列" in h for h in heads), heads
    sheets = [h.split("：")[0] for h in heads]
    assert len(sheets) == len(set(h for h in heads)), heads  # one heading per sheet and reason
    phone.screenshot(path=str(SCREENSHOTS / "390_unassigned.png"), full_page=True)


def test_since_is_the_day_it_fell_due_or_said_to_be_first_seen(served, phone):
    phone.goto(served.base + "/?all=1")
    since = phone.locator("#todo .since").all_inner_texts()
    assert since and all(s.endswith(("到期", "首次发现")) for s in since), since[:5]


@pytest.mark.parametrize("path", ["/?tab=history", "/nutrition"])
def test_chart_labels_are_legible_at_390_px(served, phone, path):
    phone.goto(served.base + path)
    sizes = phone.evaluate(LABEL_SIZES)
    assert sizes, f"no chart on {path}"
    small = [(text, round(size, 1)) for text, size in sizes if size < 10]
    assert small == [], small
    assert phone.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    phone.screenshot(path=str(SCREENSHOTS / f"390_chart_{path.strip('/?').replace('=', '_') or 'todo'}.png"),
                     full_page=True)
