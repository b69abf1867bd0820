"""The 膳食营养分析表 the nurse files: a NEW workbook written with openpyxl, in the sections of
the 2012 norms' form (food groups; nutrients against the reference; energy sources; protein
sources; meal energy), with a bar chart of % of reference and a sheet naming each food's source."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from rules.nutrition import Analysis, Food, FoodTable, NutritionSettings
from rules.nutrition.analysis import CORE, REPORT_SHEET, SHARE_LABELS
from rules.nutrition.foods import LABELS, NUTRIENT_KEYS, UNITS
from sync.output import xlsx_text
from sync.output.files import mark
from sync.output.printed import fit_a4, page_break_before, title_rows, titled

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
LOW_FILL = PatternFill("solid", fgColor="FFEB9C")
CHART_TITLE = "各营养素占在园推荐量的百分比（%）"
CHART_ROWS = 20  # rows left free under the chart (9 cm high)
WIDTH = 7  # the report's columns, A to G



class _Writer:
    """Writes rows top to bottom, remembering where each table sits."""

    def __init__(self, sheet: Worksheet):
        self.sheet, self.row = sheet, 1

    def line(self, *values, font: Font | None = None, fill: PatternFill | None = None) -> int:
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=value)
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
        self.row += 1
        return self.row - 1

    def heading(self, text: str) -> None:
        self.row += 1
        self.line(text, font=BOLD)

    def header(self, *values) -> int:
        return self.line(*values, font=BOLD, fill=HEAD_FILL)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def write_report(analysis: Analysis, settings: NutritionSettings, foods: FoodTable, path: Path, school: str = "",
                 made_on: date | None = None) -> Path:
    """Write the report to `path` (a new file; the caller chose the name). `school` is the
    kindergarten's name ([school] name), `made_on` the date on the signature lines."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = REPORT_SHEET
    period, basis = analysis.period, analysis.basis
    out = _Writer(sheet)
    out.row = title_rows(sheet, [titled(school, f"膳食营养分析表（{period.label()}）")], WIDTH)
    first = out.row
    out.line(f"统计时段：{period.start} 至 {period.end}，有用料的食谱 {analysis.days} 天；{basis['intake']}")
    out.line(f"参考值：{basis['dris']}；在园推荐量 = 全天推荐量 × {basis['in_school_share']:.0%}"
             f"（供应餐次 {basis['meals_served']}；餐次能量占比 {basis['meal_shares']}）")
    out.line(f"儿童构成：{basis['children']}")
    out.line(f"评价标准：{basis['standards']}；能量、蛋白质超过推荐量的 {settings.energy_max:.0%} 为供给偏多")
    if basis.get("note"):
        out.line(f"说明：{basis['note']}")
    header_rows = range(first, out.row)
    unit = "每人日" if analysis.child_days else "每人每日"

    out.heading(f"一、平均{unit}各类食物摄入量（推荐量：{settings.food_groups_source}，按在园比例折算）")
    out.header("食物类别", "摄入量（克）", "推荐量（克）", "评价")
    judged = {j["group"]: j for j in analysis.groups_judged}
    counted: set[str] = set()
    for names, _low, _high in settings.food_groups:
        j = judged.get("+".join(names))
        if j:
            counted.update(names)
            ok = j["verdict"] == "适量"
            out.line(j["group"], j["grams"], f"{j['low']:g}–{j['high']:g}" if j["low"] != j["high"] else f"{j['low']:g}",
                     j["verdict"], fill=None if ok else LOW_FILL)
    for group, grams in analysis.food_groups_g.items():
        if group not in counted:
            out.line(group, round(grams, 1), "适量", None)

    out.heading(f"二、营养素摄入量与推荐量比较（平均{unit}）")
    out.header("营养素", "单位", "摄入量", "在园推荐量", "占推荐量（%）", "要求（%）", "评价")
    chart_rows: list[int] = []
    # Nutrients with a reference first (one contiguous range for the chart), fat and carbohydrate last.
    for key in sorted(NUTRIENT_KEYS, key=lambda k: analysis.percent_of_reference[k] is None):
        percent = analysis.percent_of_reference[key]
        reference = analysis.reference[key]
        if percent is None:
            out.line(LABELS[key], UNITS[key], round(analysis.per_child_day[key], 2), None, None, None, "按供能比评价")
            continue
        limit = 100 * (settings.energy_protein_min if key in CORE else settings.other_min)
        high = 100 * settings.energy_max if key in CORE else None
        verdict = "不足" if percent < limit else "偏多" if high is not None and percent > high else "达标"
        row = out.line(LABELS[key], UNITS[key], round(analysis.per_child_day[key], 2), round(reference or 0, 2),
                       round(percent, 1), f"{limit:.0f}–{high:.0f}" if high else f"≥{limit:.0f}", verdict,
                       fill=None if verdict == "达标" else LOW_FILL)
        chart_rows.append(row)

    out.heading("三、热能来源分布")
    out.header("来源", "供能（千卡）", "占总能量（%）", "要求（%）", "评价")
    ranges = {"protein": settings.protein_share, "fat": settings.fat_share, "carbohydrate": settings.carbohydrate_share}
    factors = {"protein": ("protein_g", 4), "fat": ("fat_g", 9), "carbohydrate": ("carbohydrate_g", 4)}
    for part, share in analysis.energy_share.items():
        key, factor = factors[part]
        low, high = ranges[part]
        verdict = "达标" if share is not None and low <= share <= high else "偏低" if share is not None and share < low else "偏高"
        out.line(SHARE_LABELS[part], round(analysis.per_child_day[key] * factor, 1), _pct(share),
                 f"{100 * low:.0f}–{100 * high:.0f}", verdict, fill=None if verdict == "达标" else LOW_FILL)

    out.heading("四、蛋白质来源")
    out.header("来源", "蛋白质（克）", "占蛋白质（%）", "要求（%）", "评价")
    sources, quality = analysis.protein_sources, analysis.quality_protein_share
    if quality is not None and sources:
        ok = quality >= settings.quality_protein_min
        out.line("动物性食物", round(sources["animal_g"], 2), _pct(sources["animal_share"]), None)
        out.line("大豆类", round(sources["soy_g"], 2), _pct(sources["soy_share"]), None)
        out.line("优质蛋白合计（动物性和大豆类）", round(analysis.per_child_day["protein_g"] * quality, 2), _pct(quality),
                 f"≥{100 * settings.quality_protein_min:.0f}", "达标" if ok else "不足", fill=None if ok else LOW_FILL)
        out.line("其他", round(sources["other_g"], 2), _pct(sources["other_share"]), None)

    out.heading("五、餐次能量分配（占在园能量）")
    out.header("餐次", "能量（千卡）", "占在园能量（%）", "应占（%）", "评价")
    meals = {j["meals"]: j for j in analysis.meal_judged}
    for group, j in meals.items():
        energy = sum(analysis.per_child_day["energy_kcal"] * analysis.meal_energy_share.get(m, 0.0) for m in group.split("+"))
        out.line(group, round(energy, 1), _pct(j["share"]), f"{100 * j['low']:.0f}–{100 * j['high']:.0f}", j["verdict"],
                 fill=None if j["verdict"] == "符合" else LOW_FILL)
    for meal, share in analysis.meal_energy_share.items():
        if not any(meal in group.split("+") for group in meals):
            out.line(meal, round(analysis.per_child_day["energy_kcal"] * share, 1), _pct(share), None, "未在餐次分配中")

    out.heading("六、膳食费")
    cost = analysis.food_cost
    if cost:
        out.header("月份", "伙食支出（元）", "就餐人日数", "每人日膳食费（元）")
        out.line("、".join(cost["months"]), cost["spent"], cost["child_days"], cost["per_child_day"])
    else:
        out.line("没有伙食账支出或晨午检实到人数，无法计算每人日膳食费。")

    if analysis.unknown:
        out.heading("未能计入的食材（食物成分表里没有）")
        out.header("写的名称", "共（克）", "位置", "相近的名称")
        for unknown in analysis.unknown:
            out.line(unknown.name, unknown.grams, "、".join(f"{p.sheet}!{p.cell}" for p in unknown.places),
                     "、".join(unknown.suggestions))
    if analysis.findings:
        out.heading("需要注意")
        for finding in analysis.findings:
            out.line(finding.message)
    out.row += 1
    signed = f"{made_on.year}年{made_on.month}月{made_on.day}日" if made_on else "    年  月  日"
    out.line("调查人：", None, None, "审核人：", None, "日期：", signed)

    if chart_rows:
        out.row += 1
        page_break_before(sheet, out.row)  # the chart on a page of its own: never cut by a page's end
        _chart(sheet, chart_rows, f"A{out.row}")
        out.row += CHART_ROWS

    _layout(sheet, header_rows)
    _menu_sheet(workbook.create_sheet("带量食谱"), analysis, school)
    _sources(workbook.create_sheet("食物来源"), [foods.find(name) for name in analysis.foods_used])
    mark(workbook.properties)
    xlsx_text.save(workbook, path)
    return path


def _layout(sheet: Worksheet, text_rows: range) -> None:
    """Column widths, the long lines of the basis wrapped across the table's width, one page wide."""
    sheet.column_dimensions["A"].width = 30
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 14
    for row in text_rows:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=WIDTH)
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 32
    fit_a4(sheet, landscape=False)


def _menu_sheet(sheet: Worksheet, analysis: Analysis, school: str) -> None:
    """The weekly 带量食谱 the analysis counted: each dish with its ingredients and grams per child."""
    period = analysis.period
    header = title_rows(sheet, [titled(school, f"带量食谱（{period.label()}，本表分析所用）"),
                                f"{period.start} 至 {period.end}；每人用量为可食部分（克）"], 5)
    dishes: dict[tuple, list[str]] = {}
    for day, meal, dish, food, grams in analysis.menu:
        dishes.setdefault((day, meal, dish), []).append(f"{food} {grams:g}")
    week = None
    row = header
    for (day, meal, dish), items in dishes.items():
        monday = day - timedelta(days=day.weekday())
        if monday != week:
            if week is not None:
                page_break_before(sheet, row)  # a week to a page: its header is never left alone at a page's end
            week = monday
            sheet.cell(row=row, column=1, value=f"{monday} 起的一周").font = BOLD
            row += 1
            for column, name in enumerate(("日期", "星期", "餐次", "菜品", "食材及每人用量（克）"), start=1):
                cell = sheet.cell(row=row, column=column, value=name)
                cell.font, cell.fill = BOLD, HEAD_FILL
            row += 1
        for column, value in enumerate((day, "一二三四五六日"[day.weekday()], meal, dish, "、".join(items)), start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        row += 1
    for letter, width in zip("ABCDE", (12, 6, 8, 18, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    fit_a4(sheet, landscape=True)


def _chart(sheet: Worksheet, rows: list[int], anchor: str) -> None:
    """Bars of % of reference, one per nutrient that has a reference (contiguous rows)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = CHART_TITLE
    chart.y_axis.title = "%"
    chart.legend = None
    chart.height, chart.width = 9, 16
    data = Reference(sheet, min_col=5, min_row=rows[0], max_row=rows[-1])
    labels = Reference(sheet, min_col=1, min_row=rows[0], max_row=rows[-1])
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(labels)
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False,
                                     showPercent=False)
    chart.x_axis.scaling.orientation = "maxMin"  # energy at the top, as in the table
    # openpyxl hides axes unless told otherwise; LibreOffice and Excel then draw bars without labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    sheet.add_chart(chart, anchor)


def _sources(sheet: Worksheet, foods: list[Food | None]) -> None:
    """Which table each counted food's values come from: checkable by anyone (NDB number)."""
    out = _Writer(sheet)
    out.line("本期用到的食物及其成分数据来源", font=TITLE)
    out.line("随程序提供的数据来自 USDA National Nutrient Database for Standard Reference, Release 28（公共领域）；"
             "本园「食物成分表」工作表里的行优先。")
    out.header("名称", "类别", "优质蛋白", "数据来源", "NDB编号", "USDA名称", "匹配", "说明")
    for food in foods:
        if food is None:
            continue
        origin = "USDA SR28" if food.origin == "shipped" else f"本园「{food.origin}」"
        out.line(food.name, food.group, "是" if food.quality_protein else "否", origin, food.ndb, food.usda_name, food.match,
                 food.note)
    for letter, width in zip("ABCDEFGH", (14, 12, 10, 16, 10, 48, 8, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    fit_a4(sheet, landscape=True, repeat="3:3")
