"""A small autumn term of a kindergarten's sheets for the document tests: every section of the
summary has figures, some under 100 %, and the check finds what the draft must not contradict
(an unpublished food account, a dish without a sample, a slow evacuation)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from openpyxl import Workbook

TODAY = date(2026, 11, 25)
d, dt = date, datetime


def _weekdays(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5]


MENU_DAYS = _weekdays(d(2026, 11, 16), d(2026, 11, 24))
DISHES = ["番茄炒蛋", "红烧鸡块", "清炒油麦菜", "冬瓜排骨汤", "土豆牛肉", "香菇青菜", "鱼香肉丝"]
MENU = [(day, "午餐", DISHES[n % len(DISHES)]) for n, day in enumerate(MENU_DAYS)]
SAMPLES = [(day, meal, dish, 130, dt(day.year, day.month, day.day, 11, 30), dt(day.year, day.month, day.day, 11, 30) + timedelta(hours=50),
            "陈阿姨") for day, meal, dish in MENU[:-1]]  # the last dish has no sample: a finding
INGREDIENTS = [(day, meal, dish, food, grams) for day, meal, dish in MENU
               for food, grams in (("大米", 60), ("鸡蛋", 30), ("小白菜", 80), ("牛奶", 150), ("豆腐", 20))]

SHEETS: dict[str, tuple[list[str], list[tuple]]] = {
    "幼儿健康档案": (["姓名", "班级", "出生日期", "入园日期", "入园体检日期", "接种证查验", "上次体检日期", "体弱儿"], [
        ("李一", "大一班", d(2021, 3, 1), d(2024, 9, 1), d(2024, 8, 20), "已查验", d(2026, 10, 10), "否"),
        ("王二", "大一班", d(2021, 5, 1), d(2024, 9, 1), None, "未查验", d(2025, 9, 1), "否"),
        ("张三", "小一班", d(2023, 6, 1), d(2026, 9, 1), d(2026, 8, 25), "已查验", None, "否"),
        ("赵四", "小一班", d(2023, 1, 1), d(2026, 9, 1), d(2026, 8, 28), "已查验", d(2026, 9, 3), "否")]),
    "安全检查": (["编号", "检查对象", "类别", "责任人", "检查周期（天）", "上次检查日期", "检查结果", "隐患描述", "整改期限",
              "整改完成日期", "复查日期"], [
        ("A1", "滑梯", "大型玩具", "刘师傅", 30, d(2026, 11, 10), "正常", None, None, None, None),
        ("A2", "灭火器", "消防器材", "刘师傅", None, d(2026, 10, 1), "正常", None, None, None, None),
        ("A3", "配电箱", "电器线路", "王老师", 15, d(2026, 11, 15), "有隐患", "漏电", d(2026, 11, 20), d(2026, 11, 18), d(2026, 11, 19)),
        ("A4", "护栏", "门窗护栏", "王老师", 30, d(2026, 11, 1), "有隐患", "松动", d(2026, 11, 10), d(2026, 11, 12), None)]),
    "每周食谱": (["日期", "餐次", "菜品名称"], MENU),
    "食品留样": (["日期", "餐次", "菜品名称", "留样量（克）", "留样时间", "销毁时间", "留样人"], SAMPLES),
    "食谱用料": (["日期", "餐次", "菜品名称", "食材", "每人用量（克）"], INGREDIENTS),
    # September published, October not (a finding), November not yet due.
    "伙食账": (["月份", "收入（元）", "支出（元）", "公示日期"], [
        (d(2026, 9, 1), 30000, 29500, d(2026, 10, 8)), (d(2026, 10, 1), 30000, 29200, None), (d(2026, 11, 1), 31000, 30900, None)]),
    "应急演练": (["日期", "演练类型", "参与人数", "疏散用时（秒）", "组织人"], [
        (d(2026, 9, 15), "火灾疏散", 120, 95, "刘师傅"), (d(2026, 10, 20), "地震", 118, 150, "刘师傅")]),  # 150 s: a finding
    "安全责任书": (["姓名", "岗位", "签订日期"], [("赵园长", "园长", d(2026, 9, 5)), ("刘师傅", "门卫", d(2026, 9, 10)),
                                        ("陈阿姨", "厨师", d(2026, 3, 1))]),
    "固定资产": (["资产编号", "名称", "保管人", "购置日期", "上次盘点日期", "状态"], [
        ("ZC1", "钢琴", "王老师", d(2020, 1, 1), d(2026, 11, 20), "在用"), ("ZC2", "电视机", "王老师", d(2020, 1, 1), d(2026, 3, 1), "在用")]),
    "报销登记": (["日期", "事项", "金额（元）", "经手人", "验收人", "园长签字", "收据", "状态"], [
        (d(2026, 9, 10), "买菜", 100, "陈阿姨", "李老师", "赵园长", "有", "已报销"),
        (d(2026, 10, 10), "修滑梯", 500, "刘师傅", None, "赵园长", "有", "已报销")]),
    "外来人员登记": (["日期", "姓名", "单位", "事由", "批准人"], [(d(2026, 9, 20), "钱先生", "维修公司", "修空调", "赵园长"),
                                                 (d(2026, 10, 9), "孙女士", "教育局", "检查", "赵园长")]),
    "后勤例会": (["日期", "主题", "参加人数", "记录人"], [(day, topic, 12, "王老师") for day, topic in (
        (d(2026, 11, 2), "食品安全学习"), (d(2026, 11, 9), "消防器材检查"), (d(2026, 11, 16), "冬季保暖"), (d(2026, 11, 23), "期末盘点"))]),
    "宣传栏": (["日期", "类型", "主题"], [(d(2026, 9, 5), "保健宣传栏", "秋季腹泻"), (d(2026, 9, 6), "安全宣传栏", "交通安全"),
                                    (d(2026, 10, 8), "保健宣传栏", "流感预防"), (d(2026, 11, 4), "告家长书", "冬季防火")]),
    "晨午检": (["日期", "班级", "应到人数", "实到人数", "晨检人", "午检人"],
            [(day, name, 20, 18 + n % 3, "张医生", "张医生") for n, day in enumerate(_weekdays(d(2026, 11, 2), d(2026, 11, 24)))
             for name in ("大一班", "小一班")]),
}


def write_term_workbook(path, sheets: dict | None = None) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, (headers, rows) in (sheets or SHEETS).items():
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for row in rows:
            sheet.append(list(row))
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)
