"""The 膳食营养 view: this month's and last month's nutrition analysis, from the last
successful sync (the page never opens a spreadsheet), with a bar chart drawn here as SVG."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, render_template
from markupsafe import Markup

from rules.nutrition.foods import LABELS, LABELS_EN, NUTRIENT_KEYS, UNITS
from sync.state import store as state
from webapp.db import get_db
from webapp.i18n import lang, pick

bp = Blueprint("nutrition", __name__)

NUTRIENTS = tuple((key, LABELS[key], LABELS_EN[key], UNITS[key]) for key in NUTRIENT_KEYS)  # key, Chinese, English, unit
SHARES = {"protein": ("蛋白质", "Protein"), "fat": ("脂肪", "Fat"), "carbohydrate": ("碳水化合物", "Carbohydrate")}
WORDS = {
    "title": ("膳食营养分析", "Menu nutrition"),
    "back": ("返回状态页", "Back to the status page"),
    "none": ("最近一次同步还没有可分析的食谱用料（「食谱用料」表，或「每周食谱」的“主要食材”写明克数）。",
             "The last sync found no menu ingredients to analyse (the 食谱用料 sheet, or amounts in 每周食谱's 主要食材)."),
    "days": ("有用料的食谱天数", "menu days with ingredients"),
    "nutrient": ("营养素", "Nutrient"), "intake": ("平均每人每天", "Per child per day"),
    "reference": ("在园推荐量", "In-school reference"), "percent": ("占推荐量", "% of reference"),
    "by_share": ("按供能比", "by energy share"), "energy_share": ("供能比", "Energy from"),
    "quality": ("优质蛋白占蛋白质", "Quality protein share"), "meals": ("各餐能量", "Energy by meal"),
    "groups": ("各类食物（克/人/天）", "Food groups (g per child per day)"),
    "unknown": ("未能计入的食材", "Ingredients not counted"), "findings": ("提醒", "Alerts"),
    "basis": ("依据", "Basis"), "ok": ("各项指标均达到评价标准。", "Every figure meets its standard."),
    "chart": ("各营养素占在园推荐量（%）", "Nutrients as % of the in-school reference"),
}


def words() -> dict[str, str]:
    return {key: pick(zh, en) for key, (zh, en) in WORDS.items()}


def percent_svg(month: dict[str, Any], limit: float, english: bool, narrow: bool = False) -> str:
    """Horizontal bars of % of reference per nutrient, with the limit drawn as a line. The narrow
    chart (360 wide) is the phone's: shown at about its own size, its labels keep their 11 px."""
    width = 360 if narrow else 640
    rows = [(zh if not english else en, month["percent_of_reference"].get(key))
            for key, zh, en, _ in NUTRIENTS if month["percent_of_reference"].get(key) is not None]
    if not rows:
        return ""
    top = max(150.0, max(v for _, v in rows) * 1.05)
    left, line, bar = (70, 20, 14) if narrow else (90, 22, 16)
    scale = (width - left - 50) / top
    height = line * len(rows) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'class="chart nutrition-chart {"narrow" if narrow else "wide"}" '
             f'role="img" aria-label="{escape(WORDS["chart"][1 if english else 0])}">']
    for index, (label, value) in enumerate(rows):
        y = index * line + 4
        kind = "low" if value < limit else "ok"
        parts.append(f'<text x="{left - 6}" y="{y + 12}" class="axis" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{value * scale:.1f}" height="{bar}" class="bar-{kind}">'
                     f'<title>{escape(label)}: {value:.0f}%</title></rect>')
        parts.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + 12}" class="axis">{value:.0f}%</text>')
    for mark, css in ((limit, "limit"), (100.0, "full")):
        x = left + mark * scale
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" class="{css}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 4}" class="axis" text-anchor="middle">{mark:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _limit(month: dict[str, Any]) -> float:
    """The energy/protein limit the basis names (80 % day care, 90 % boarding)."""
    standards = month.get("basis", {}).get("standards", "")
    return 90.0 if "寄宿制" in standards else 80.0


@bp.route("/nutrition")
def view():
    _run, ok_run, _sources = state.overview(get_db())
    months = ((ok_run or {}).get("summary", {}).get("nutrition") or {}).get("months", [])
    english = lang() == "en"
    charts = [Markup(percent_svg(month, _limit(month), english) + percent_svg(month, _limit(month), english, narrow=True))
              for month in months]  # numbers and escaped labels only
    return render_template("nutrition.html", months=months, charts=charts, w=words(), nutrients=NUTRIENTS, shares=SHARES,
                           english=english, ok_run=ok_run)
