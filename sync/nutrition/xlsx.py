"""The 膳食营养分析表 the nurse files: a NEW workbook written with openpyxl, in the sections of
the 2012 norms' form (food groups; nutrients against the reference; energy sources; protein
sources; meal energy), with a bar chart of % of reference and a sheet naming each food's source."""

from __future__ import annotations

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

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
LOW_FILL = PatternFill("solid", fgColor="FFEB9C")
CHART_TITLE = "各营养素占在园推荐量的百分比（%）"
CHART_ROWS = 20  # rows left free under the chart (9 cm high)



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


def write_report(analysis: Analysis, settings: NutritionSettings, foods: FoodTable, path: Path) -> Path:
    """Write the report to `path` (a new file; the caller chose the name)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = REPORT_SHEET
    out = _Writer(sheet)
    period, basis = analysis.period, analysis.basis
    first = out.row
    out.line(f"膳食营养分析表（{period.label()}）", font=TITLE)
    out.line(f"统计时段：{period.start} 至 {period.end}，有用料的食谱 {analysis.days} 天；数值为平均每人每天在园摄入")
    out.line(f"参考值：{basis['dris']}；在园推荐量 = 全天推荐量 × {basis['in_school_share']:.0%}"
             f"（供应餐次 {basis['meals_served']}；餐次能量占比 {basis['meal_shares']}）")
    out.line(f"儿童构成：{basis['children']}")
    out.line(f"评价标准：{basis['standards']}")
    if basis.get("note"):
        out.line(f"说明：{basis['note']}")
    header_rows = range(first + 1, out.row)

    out.heading("一、平均每人每日各类食物摄入量")
    out.header("食物类别", "摄入量（克）")
    for group, grams in analysis.food_groups_g.items():
        out.line(group, round(grams, 1))

    out.heading("二、营养素摄入量与推荐量比较")
    out.header("营养素", "单位", "平均每人每日摄入", "在园推荐量", "占推荐量（%）", "要求（%）", "评价")
    chart_rows: list[int] = []
    # Nutrients with a reference first (one contiguous range for the chart), fat and carbohydrate last.
    for key in sorted(NUTRIENT_KEYS, key=lambda k: analysis.percent_of_reference[k] is None):
        percent = analysis.percent_of_reference[key]
        reference = analysis.reference[key]
        if percent is None:
            out.line(LABELS[key], UNITS[key], round(analysis.per_child_day[key], 2), None, None, None, "按供能比评价")
            continue
        limit = 100 * (settings.energy_protein_min if key in CORE else settings.other_min)
        ok = percent >= limit
        row = out.line(LABELS[key], UNITS[key], round(analysis.per_child_day[key], 2), round(reference or 0, 2),
                       round(percent, 1), f"≥{limit:.0f}", "达标" if ok else "不足", fill=None if ok else LOW_FILL)
        chart_rows.append(row)
    if chart_rows:
        out.row += 1
        _chart(sheet, chart_rows, f"A{out.row}")
        out.row += CHART_ROWS

    out.heading("三、热能来源分布")
    out.header("来源", "供能（千卡）", "占总能量（%）", "要求（%）", "评价")
    ranges = {"protein": settings.protein_share, "fat": settings.fat_share, "carbohydrate": settings.carbohydrate_share}
    factors = {"protein": ("protein_g", 4), "fat": ("fat_g", 9), "carbohydrate": ("carbohydrate_g", 4)}
    for part, share in analysis.energy_share.items():
        key, factor = factors[part]
        low, high = ranges[part]
        ok = share is not None and low <= share <= high
        out.line(SHARE_LABELS[part], round(analysis.per_child_day[key] * factor, 1), _pct(share),
                 f"{100 * low:.0f}–{100 * high:.0f}", "达标" if ok else "不符合", fill=None if ok else LOW_FILL)

    out.heading("四、蛋白质来源")
    out.header("来源", "蛋白质（克）", "占蛋白质（%）", "要求（%）")
    protein, quality = analysis.per_child_day["protein_g"], analysis.quality_protein_share
    if quality is not None:
        out.line("优质蛋白（动物性食物和大豆类）", round(protein * quality, 2), _pct(quality), f"≥{100 * settings.quality_protein_min:.0f}")
        out.line("其他", round(protein * (1 - quality), 2), _pct(1 - quality), None)

    out.heading("五、餐次能量分配")
    out.header("餐次", "能量（千卡）", "占全天在园能量（%）")
    for meal, share in analysis.meal_energy_share.items():
        out.line(meal, round(analysis.per_child_day["energy_kcal"] * share, 1), _pct(share))

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

    _layout(sheet, header_rows)
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
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 32
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


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
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
