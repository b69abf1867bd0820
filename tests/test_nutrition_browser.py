"""The 膳食营养 view in a real headless Chromium served by the real `python -m sync serve`, and its
empty and hostile cases through Flask's test client on a real state database."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.nutrition import FoodTable, IngredientUse, NutritionSettings, Period, analyse
from sync.config.loader import Config
from sync.cycle.outcome import RunResult, SourceResult
from sync.demo import write_demo
from sync.nutrition.data import shipped_dris
from sync.state import store as state
from tests.nutrition_helpers import FOODS
from tests.service_helpers import Served
from tests.support import SCREENSHOTS
from webapp import create_app

pytestmark = pytest.mark.browser


def test_nutrition_view_in_a_real_browser(browser, tmp_path):  # noqa: F811 - the imported fixture
    # The service judges its own today: the demo is dated the same, so its two months are this one and the last.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    folder = tmp_path / "demo"
    write_demo(folder, today=today)
    served = Served(str(folder))
    try:
        served.wait_for_runs(1)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.goto(served.base + "/")
        page.click("#nutrition-link")
        page.wait_for_load_state()
        assert page.locator("#nutrition-title").inner_text() == "膳食营养分析"
        sections = page.locator(".nutrition-month")
        assert sections.count() >= 1
        fat = page.locator(f"#month-{last_month}")
        # The demo cooks last month fatter: the view says so, and the chart has a bar per nutrient with a reference.
        assert "脂肪供能比为" in fat.locator(".nutrition-findings").inner_text()
        assert fat.locator("svg.nutrition-chart.wide rect").count() == 11
        assert "能量（kcal）" in fat.locator("table.nutrients").inner_text()
        assert page.locator("link[href*='cdn'], script[src^='http']").count() == 0
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "nutrition.png"), full_page=True)
        # The same findings are alerts on the status page (its full list, searched).
        page.goto(served.base + "/?tab=list&q=供能比")
        assert "脂肪供能比为" in page.content()
        page.goto(served.base + "/nutrition?lang=en")
        assert "Menu nutrition" in page.locator("#nutrition-title").inner_text()
    finally:
        served.stop()


def _app(tmp_path, summary):
    config = Config(paths=[tmp_path], state_db=tmp_path / "state.sqlite3")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    state.record_run(config.state_db, RunResult(started=now, finished=now, today=now.date(), findings=[],
                                                sources=[SourceResult(source="园.xlsx", kind="xlsx", read_ok=True)],
                                                summary=summary))
    return create_app(config, secret_key="test").test_client()


def test_without_ingredients_the_view_says_what_to_fill_in(tmp_path):
    page = _app(tmp_path, {}).get("/nutrition").get_data(as_text=True)
    assert 'id="no-nutrition"' in page and "食谱用料" in page


def test_an_ingredient_name_that_looks_like_a_script_is_shown_as_text(tmp_path):
    script = "<script>alert(1)</script>"
    uses = [IngredientUse(datetime(2026, 11, 2).date(), "午餐", "饭", "大米", 75),
            IngredientUse(datetime(2026, 11, 2).date(), "午餐", "饭", script, 10)]
    month = analyse(uses, FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), Period.month(2026, 11), None).as_json()
    page = _app(tmp_path, {"nutrition": {"months": [month]}}).get("/nutrition").get_data(as_text=True)
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<rect") == 2 * 11 and "2026年11月" in page  # the wide chart and the phone's narrow one
