"""`python -m sync demo`: realistic workbooks of a small kindergarten, problems included.

Three classes, about forty children, the current term's menus and daily logs up to
yesterday, dated around the day it runs. Most rows are clean; a known sprinkling of
problems makes every validation kind and every rule of the pack show what it finds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from rules.calendar import SchoolCalendar
from sync.config.pack_file import read_pack
from sync.demo import recipes
from sync.demo.layout import add_pack_sheet, write_rows
from sync.demo.registers import Registers
from sync.output import xlsx_text

CLASSES = ["小一班", "中一班", "大一班"]
STAFF = ["张老师", "李老师", "王老师", "陈阿姨", "刘师傅", "赵园长"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["子涵", "欣怡", "梓轩", "一诺", "浩然", "雨桐", "思远", "可馨", "宇航", "若曦", "俊杰", "诗琪", "明轩", "语嫣"]
DISHES = {
    "早餐": ["牛奶、肉包", "小米粥、鸡蛋饼", "豆浆、花卷、鸡蛋", "燕麦牛奶粥、南瓜发糕", "牛奶、红豆包", "鸡蛋羹、蒸玉米、牛奶",
             "青菜肉丝面", "牛奶、葱油花卷"],
    "午餐": ["番茄炒蛋", "土豆烧牛肉", "清蒸鲈鱼", "香菇青菜", "玉米排骨汤", "胡萝卜炒肉丝", "冬瓜虾仁",
             "红烧鸡翅", "西兰花炒虾", "肉末豆腐", "木耳炒山药", "紫菜蛋花汤", "青椒土豆丝", "鱼香肉丝",
             "芹菜香干", "番茄牛腩", "虾仁滑蛋", "白菜粉丝", "黄瓜炒肉片", "菌菇鸡汤"],
    "午点": ["香蕉、蒸红薯", "苹果、小米糕", "橙子、豆沙包", "酸奶、蒸山药", "猕猴桃、玉米发糕", "葡萄、奶香馒头",
             "梨、南瓜饼", "橘子、红枣发糕"],
}
DAILY_OBJECTS = ["餐具", "毛巾水杯", "活动室", "门把手扶手", "空气"]
WEEKLY_OBJECTS = ["玩具", "寝室"]

WORKBOOKS = {
    "安全管理.xlsx": ["inspections", "drills", "responsibility", "visitors", "self_checks", "gate_duty", "pickups"],
    "食堂管理.xlsx": ["stock", "menu", "samples", "menu_ingredients", "menu_committee"],
    "卫生保健.xlsx": ["health_checks", "disinfection", "children", "bulletins", "absences", "infections", "growth",
                  "common_diseases", "injuries", "health_certificates"],
    "财务资产.xlsx": ["assets", "expenses", "food_account", "meetings", "repairs", "assessments"],
}


# When each meal's sample is taken: as it is served.
SAMPLE_TIMES = {"早餐": time(7, 50), "早点": time(9, 30), "午餐": time(11, 20), "午点": time(14, 50), "晚餐": time(17, 20)}


class DemoData:
    """Builds each sheet's rows relative to `today`, over the current term up to yesterday."""

    def __init__(self, today: date, seed: int = 20261125):
        self.today = today
        self.random = random.Random(seed)
        self.calendar = SchoolCalendar()
        self.term = self.calendar.current_term(today).start
        self.term_start = max(self.term, today - timedelta(days=120))
        self.school_days = self.calendar.school_days(self.term_start, today - timedelta(days=1))
        if len(self.school_days) < 10:  # a holiday: show the last stretch of weekdays instead
            start = today - timedelta(days=70)
            self.term_start = start
            self.school_days = [d for d in self.days(start, today - timedelta(days=1)) if d.weekday() < 5]

    @staticmethod
    def days(start: date, end: date) -> list[date]:
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]

    def d(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def inspections(self) -> list[dict[str, Any]]:
        t = self.d
        rows = [
            {"编号": "AQ-001", "检查对象": "大型滑梯", "类别": "大型玩具", "区域": "户外操场", "责任人": "刘师傅",
             "检查周期": 30, "上次检查日期": t(-10), "检查结果": "正常"},
            {"编号": "AQ-002", "检查对象": "一楼走廊灭火器", "类别": "消防器材", "区域": "一楼", "责任人": "刘师傅",
             "上次检查日期": t(-40), "检查结果": "正常"},  # overdue: 40 days, monthly
            {"编号": "AQ-003", "检查对象": "攀爬架", "类别": "大型玩具", "区域": "户外操场", "责任人": "王老师",
             "检查周期": 30, "上次检查日期": t(-28), "检查结果": "正常"},  # due in 2 days
            {"编号": "AQ-004", "检查对象": "配电箱", "类别": "电器线路", "区域": "后勤楼", "责任人": "刘师傅",
             "检查周期": 30, "上次检查日期": t(-5), "检查结果": "有隐患"},  # no description, no deadline
            {"编号": "AQ-005", "检查对象": "二楼护栏", "类别": "门窗护栏", "区域": "二楼", "责任人": "刘师傅",
             "检查周期": 30, "上次检查日期": t(-12), "检查结果": "有隐患", "隐患描述": "护栏螺丝松动",
             "整改期限": t(-3)},  # rectification overdue
            {"编号": "AQ-006", "检查对象": "秋千", "类别": "大型玩具", "区域": "户外操场", "责任人": "王老师",
             "检查周期": 30, "上次检查日期": t(-6), "检查结果": "有隐患", "隐患描述": "链条磨损",
             "整改期限": t(1)},  # rectification due tomorrow
            {"编号": "AQ-007", "检查对象": "厨房燃气管道", "类别": "设施设备", "区域": "厨房", "责任人": "陈阿姨",
             "检查周期": 30, "上次检查日期": t(-15), "检查结果": "有隐患", "隐患描述": "接口老化",
             "整改期限": t(-12), "整改完成日期": t(-10)},  # fixed, never re-checked
            {"编号": "AQ-008", "检查对象": "消防栓", "类别": "消防器材", "区域": "一楼", "责任人": "刘师傅",
             "检查周期": 30, "上次检查日期": "2026-02-30", "检查结果": "正常"},  # not a date
            {"编号": "AQ-009", "检查对象": "应急照明灯", "类别": " 消防器材 ", "区域": "楼梯间", "责任人": "刘师傅",
             "检查周期": "三十", "上次检查日期": t(-3).strftime("%Y年%m月%d日"), "检查结果": "正常"},
            {"编号": "AQ-010", "检查对象": "门卫室监控", "类别": "设施设备", "区域": "大门", "责任人": "赵园长",
             "检查周期": 30, "上次检查日期": t(-8).strftime("%Y/%m/%d"), "检查结果": "正常"},
            {"编号": "AQ-010", "检查对象": "防撞条", "类别": "设施设备", "区域": "活动室", "责任人": "王老师",
             "检查周期": 60, "上次检查日期": t(-20), "检查结果": "正常"},  # duplicate 编号
            {"编号": "AQ-012", "检查对象": "电动伸缩门", "类别": "设施设备", "区域": "大门", "责任人": "刘师傅",
             "检查周期": 90, "上次检查日期": t(-30), "检查结果": "有隐患", "隐患描述": "遥控失灵",
             "整改期限": t(-20), "整改完成日期": t(-18), "复查日期": t(-17), "复查人": "赵园长"},
        ]
        return rows

    def stock(self) -> list[dict[str, Any]]:
        t = self.d
        rows = [
            {"物品名称": "纯牛奶", "类别": "食品", "单位": "箱", "数量": 6, "最低库存": 2, "入库日期": t(-20),
             "到期日期": t(-1), "存放位置": "冷藏柜", "经手人": "陈阿姨"},  # expired yesterday
            {"物品名称": "酸奶", "类别": "食品", "单位": "箱", "数量": 4, "最低库存": 1, "入库日期": t(-3),
             "到期日期": t(5), "存放位置": "冷藏柜", "经手人": "陈阿姨"},  # expires in 5 days
            {"物品名称": "面粉", "类别": "食品", "单位": "袋", "数量": 8, "最低库存": 2, "入库日期": t(-30),
             "生产日期": t(-176), "保质期": 180, "存放位置": "干货库", "经手人": "陈阿姨"},  # 4 days left
            {"物品名称": "大米", "类别": "食品", "单位": "千克", "数量": "15千克", "最低库存": 50, "入库日期": t(-10),
             "生产日期": t(-40), "保质期": 365, "存放位置": "干货库", "经手人": "陈阿姨"},  # below minimum
            {"物品名称": "食用油", "类别": "食品", "单位": "桶", "数量": 3, "最低库存": 1, "入库日期": t(-12),
             "存放位置": "干货库", "经手人": "陈阿姨"},  # food with no expiry at all
            {"物品名称": "洗洁精", "类别": "物资", "单位": "瓶", "数量": 10, "最低库存": 4, "入库日期": t(-60),
             "到期日期": t(20), "存放位置": "物资库", "经手人": "刘师傅"},  # supplies: 20 of 30 days
            {"物品名称": "一次性手套", "类别": "物资", "单位": "盒", "数量": -3, "最低库存": 5, "入库日期": t(-15),
             "存放位置": "物资库", "经手人": "刘师傅"},  # negative quantity
            {"物品名称": "过期饼干", "类别": "食品", "单位": "箱", "数量": 0, "入库日期": t(-90),
             "到期日期": t(-30), "存放位置": "干货库", "经手人": "陈阿姨"},  # used up: no alert
        ]
        for name, days in [("鸡蛋", 20), ("土豆", 25), ("胡萝卜", 18), ("西兰花", 9), ("猪肉", 10), ("鸡翅", 60),
                           ("冻虾仁", 120), ("豆腐", 8), ("香菇", 200), ("木耳", 300), ("红豆", 300), ("燕麦", 250)]:
            rows.append({"物品名称": name, "类别": "食品", "单位": "千克", "数量": self.random.randint(5, 40),
                         "最低库存": 2, "入库日期": t(-2), "到期日期": t(days), "存放位置": "食品库", "经手人": "陈阿姨"})
        for name in ["84消毒液", "紫外线灯管", "抹布", "垃圾袋", "洗手液"]:
            rows.append({"物品名称": name, "类别": "物资", "单位": "件", "数量": self.random.randint(10, 50),
                         "最低库存": 5, "入库日期": t(-40), "到期日期": t(400), "存放位置": "物资库", "经手人": "刘师傅"})
        return rows

    def menu_and_samples(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        menu: list[dict[str, Any]] = []
        samples: list[dict[str, Any]] = []
        monday = self.today - timedelta(days=self.today.weekday())
        this_week = [monday + timedelta(days=i) for i in range(5)]
        # Every school day of the term so far, plus this week's plan (next week deliberately not yet planned).
        days = sorted(set(self.school_days) | {d for d in this_week if self.calendar.is_school_day(d)})
        for day in days:
            week = day.isocalendar()[1]
            for meal, dishes in DISHES.items():
                count = 2 if meal == "午餐" else 1
                start = (day.weekday() * count + week * 3) % len(dishes)
                for k in range(count):
                    dish = dishes[(start + k) % len(dishes)]
                    menu.append({"日期": day, "餐次": meal, "菜品名称": dish, "主要食材": recipes.ingredient_names(dish),
                                 "带量": recipes.dish_grams(dish)})
            menu.append({"日期": day, "餐次": "午餐", "菜品名称": "米饭", "主要食材": "大米", "带量": 75})
        recent = [d for d in self.school_days if d >= self.today - timedelta(days=7)]
        repeat_day = this_week[2] if this_week[2] in days else days[-1]
        menu.append({"日期": repeat_day, "餐次": "午餐", "菜品名称": "番茄炒蛋 ", "主要食材": "番茄 鸡蛋", "带量": 60})
        if this_week[0] in days:
            menu.append({"日期": this_week[0], "餐次": "午餐", "菜品名称": "番茄炒蛋", "主要食材": "番茄 鸡蛋", "带量": 60})
        menu.append({"日期": days[-1], "餐次": "午点", "菜品名称": "凉拌生黄瓜", "主要食材": "黄瓜", "带量": 50})
        menu.append({"日期": days[-1], "餐次": "早点", "菜品名称": "牛奶", "主要食材": "牛奶", "带量": 0})
        for row in menu:
            day = row["日期"]
            if day >= self.today or day not in recent:
                continue
            if day == recent[-1] and row["菜品名称"] == "米饭":
                continue  # the rice of the last school day has no sample: 缺少留样记录
            kept = datetime.combine(day, SAMPLE_TIMES.get(row["餐次"], time(11, 40)))  # kept when the meal is served
            samples.append({"日期": day, "餐次": row["餐次"], "菜品名称": row["菜品名称"].strip(), "留样量": 150,
                            "留样时间": kept, "销毁时间": kept + timedelta(hours=49), "留样人": "陈阿姨"})
        problems = [s for s in samples if s["餐次"] == "午餐"]
        if len(problems) >= 3:
            problems[0]["留样量"] = 120  # under 125 g
            problems[1]["销毁时间"] = problems[1]["留样时间"] + timedelta(hours=46)  # kept 46 h
            problems[2]["留样时间"] = problems[2]["日期"].isoformat()  # a date without the time
        return menu, samples

    def children(self) -> list[dict[str, Any]]:
        t = self.d
        rows: list[dict[str, Any]] = []
        ages = {"小一班": 3, "中一班": 4, "大一班": 5}
        admission_year = self.term_start.year if self.term_start.month >= 9 else self.term_start.year - 1
        for number in range(42):
            klass = CLASSES[number % 3]
            name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number * 5) % len(GIVEN)]
            birth = date(self.today.year - ages[klass], 1 + number % 12, 1 + number % 27)
            admitted = date(admission_year - (ages[klass] - 3), 9, 1)
            rows.append({"姓名": name, "班级": klass, "出生日期": birth, "入园日期": admitted,
                         "入园体检日期": admitted - timedelta(days=20), "接种证查验": "已查验",
                         "上次体检日期": t(-60 - number), "体弱儿": "否"})
        rows[0].update({"入园体检日期": None})  # no admission exam
        rows[1].update({"入园体检日期": rows[1]["入园日期"] + timedelta(days=5)})  # exam after admission
        rows[2].update({"接种证查验": "未查验"})  # admitted long ago, certificate unchecked
        rows[3].update({"需补种疫苗": "麻腮风"})  # catch-up pending this year
        rows[4].update({"需补种疫苗": "乙脑", "入园日期": date(admission_year - 1, 9, 1),
                        "入园体检日期": date(admission_year - 1, 8, 20)})  # pending past its year's end
        rows[5].update({"需补种疫苗": "水痘", "补种完成日期": t(-40)})
        rows[6].update({"体弱儿": "是", "下次随访日期": t(-5)})  # follow-up overdue
        rows[7].update({"体弱儿": "是"})  # follow-up date missing
        rows[8].update({"体弱儿": "是", "下次随访日期": t(20)})
        under_three = rows[9]
        under_three.update({"出生日期": self.today - timedelta(days=365 * 2 + 300), "上次体检日期": t(-190)})  # 6-month exam overdue
        rows[10].update({"上次体检日期": t(-355)})  # yearly exam due in 10 days
        rows[11].update({"出生日期": "2022.13.01"})  # no such month
        rows[12].update({"出生日期": f"{birth_text(rows[12]['出生日期'])}"})
        # A leaving date typed before the admission date: an error on the row, and no day enrolled
        # (so not in the figures: 入园体检率 stays over the 42 children above).
        admitted = date(admission_year - 2, 9, 1)
        rows.append({"姓名": "吴小雨", "班级": "大一班", "出生日期": date(self.today.year - 5, 7, 7), "入园日期": admitted,
                     "离园日期": admitted - timedelta(days=31), "入园体检日期": admitted - timedelta(days=20),
                     "接种证查验": "已查验", "上次体检日期": t(-30), "体弱儿": "否"})
        return rows

    def health_checks(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        size = {"小一班": 14, "中一班": 14, "大一班": 14}
        skip = self.school_days[-2] if len(self.school_days) >= 2 else None
        for day in self.school_days:
            for klass in CLASSES:
                if day == skip and klass == "中一班":
                    continue  # forgotten morning check
                present = size[klass] - self.random.randint(0, 2)
                rows.append({"日期": day, "班级": klass, "应到人数": size[klass], "实到人数": present,
                             "晨检人": "保健医生", "午检人": "保健医生"})
        rows[-1]["实到人数"] = rows[-1]["应到人数"] + 2  # more present than enrolled
        rows[-4].update({"异常情况": "体温37.8℃", "处理措施": None})  # no measure noted
        rows[-7].update({"异常情况": "咳嗽", "处理措施": "通知家长接回"})
        return rows

    def disinfection(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        skip_day = self.school_days[-3] if len(self.school_days) >= 3 else None
        weeks_done: set[tuple[int, int]] = set()
        last_full_week = (self.today - timedelta(days=7)).isocalendar()[:2]
        for day in self.school_days:
            for thing in DAILY_OBJECTS:
                if day == skip_day and thing == "餐具":
                    continue  # tableware not disinfected that day
                rows.append({"日期": day, "消毒对象": thing, "消毒方式": "紫外线" if thing == "空气" else "84消毒液",
                             "执行人": "陈阿姨", "检查人": "保健医生"})
            week = day.isocalendar()[:2]
            if week not in weeks_done:  # weekly objects on the week's first school day
                weeks_done.add(week)
                for thing in WEEKLY_OBJECTS:
                    if week == last_full_week and thing == "玩具":
                        continue  # toys skipped last week
                    rows.append({"日期": day, "消毒对象": thing, "消毒方式": "84消毒液", "执行人": "陈阿姨", "检查人": "保健医生"})
        return rows

    def drills(self) -> list[dict[str, Any]]:
        t = self.d
        last_spring = date(self.today.year if self.today.month > 7 else self.today.year - 1, 4, 15)
        return [
            {"日期": last_spring, "演练类型": "火灾疏散", "参与人数": 160, "疏散用时": 95, "组织人": "赵园长"},
            {"日期": last_spring + timedelta(days=30), "演练类型": "地震", "参与人数": 158, "疏散用时": 88, "组织人": "赵园长"},
            # last spring: no 反恐防暴 drill
            {"日期": t(-20), "演练类型": "火灾疏散", "参与人数": 165, "疏散用时": 150, "组织人": "赵园长"},  # slow
            {"日期": t(-12), "演练类型": "防溺水", "参与人数": 162, "疏散用时": 100, "组织人": "王老师"},
        ]

    def responsibility(self) -> list[dict[str, Any]]:
        start = self.term
        rows = [{"姓名": name, "岗位": post, "责任区域": area, "签订日期": start + timedelta(days=2)}
                for name, post, area in [("赵园长", "园长", "全园"), ("张老师", "教师", "小一班"), ("李老师", "教师", "中一班"),
                                         ("王老师", "教师", "大一班"), ("陈阿姨", "厨师", "厨房")]]
        rows.append({"姓名": "刘师傅", "岗位": "门卫", "责任区域": "大门", "签订日期": start - timedelta(days=200)})  # last term's
        rows.append({"姓名": "孙阿姨", "岗位": "保育员", "责任区域": "寝室"})  # never signed
        return rows

    def assets(self) -> list[dict[str, Any]]:
        start = self.term
        rows = [{"资产编号": f"ZC-{i:03d}", "名称": name, "所在场室": room, "保管人": keeper, "数量": count,
                 "购置日期": date(2023, 8, 20), "上次盘点日期": start - timedelta(days=60), "状态": "在用"}
                for i, (name, room, keeper, count) in enumerate([
                    ("钢琴", "音乐室", "王老师", 1), ("电视机", "小一班", "张老师", 1), ("空调", "中一班", "李老师", 2),
                    ("消毒柜", "厨房", "陈阿姨", 2), ("冰箱", "厨房", "陈阿姨", 1), ("投影仪", "多功能厅", "赵园长", 1),
                    ("儿童床", "寝室", "孙阿姨", 45), ("图书架", "阅览室", "王老师", 6)], start=1)]
        rows[3]["上次盘点日期"] = start - timedelta(days=400)  # no stocktake last term
        rows[5]["状态"] = "维修"
        rows.append({"资产编号": "ZC-008", "名称": "电子琴", "所在场室": "音乐室", "保管人": "王老师", "数量": 2,
                     "购置日期": date(2024, 3, 1), "上次盘点日期": start - timedelta(days=60), "状态": "在用"})  # duplicate
        return rows

    def expenses(self) -> list[dict[str, Any]]:
        t = self.d
        return [
            {"日期": t(-30), "事项": "购买消毒液", "金额": 320, "经手人": "刘师傅", "验收人": "陈阿姨", "园长签字": "赵园长", "收据": "有", "状态": "已报销"},
            {"日期": t(-25), "事项": "维修滑梯", "金额": 850, "经手人": "刘师傅", "验收人": "王老师", "收据": "有", "状态": "已报销"},  # no principal signature
            {"日期": t(-10), "事项": "购买图书", "金额": 1200, "经手人": "王老师", "验收人": "张老师", "园长签字": "赵园长", "收据": "无", "状态": "待报销"},
            {"日期": t(-8), "事项": "更换灯管", "金额": 260, "经手人": "刘师傅", "验收人": "刘师傅", "园长签字": "赵园长", "收据": "有", "状态": "待报销"},  # same person
            {"日期": t(-4), "事项": "购买餐具", "金额": "约500", "经手人": "陈阿姨", "验收人": "李老师", "园长签字": "赵园长", "收据": "有", "状态": "待报销"},
        ]

    def visitors(self) -> list[dict[str, Any]]:
        t = self.d
        return [
            {"日期": t(-6), "姓名": "周师傅", "单位": "燃气公司", "事由": "燃气安检", "证件号": "350582198803150011",
             "进园时间": time(9, 0), "离园时间": time(10, 10), "批准人": "赵园长"},
            {"日期": t(-5), "姓名": "钱女士", "单位": "教育局", "事由": "检查指导", "证件号": "350582197712040026",
             "进园时间": time(14, 0), "离园时间": time(15, 30)},  # nobody approved
            {"日期": t(-3), "姓名": "吴先生", "单位": "送货", "事由": "送食材", "证件号": "350582199001010033",
             "进园时间": time(7, 20), "批准人": "陈阿姨"},  # never signed out
            {"日期": t(-2), "姓名": "郑师傅", "单位": "维修公司", "事由": "维修空调", "证件号": "350582198505050044",
             "进园时间": time(15, 0), "离园时间": time(14, 0), "批准人": "赵园长"},  # left before arriving
            {"日期": t(-1), "姓名": "冯女士", "单位": "卫生院", "事由": "体检", "证件号": "350582198212120055",
             "进园时间": "8点30分", "离园时间": "11:45", "批准人": "赵园长"},
        ]

    def food_account(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        month = date(self.term_start.year, self.term_start.month, 1)
        this_month = date(self.today.year, self.today.month, 1)
        index = 0
        while month < this_month:
            income = 42000.0 + 500 * index
            spend = income * (0.97 if index == 0 else 0.975 if index == 1 else 0.99)  # early months over 2%
            end = next_month(month) - timedelta(days=1)
            published = end + timedelta(days=5) if index % 2 == 0 else None
            rows.append({"月份": month.strftime("%Y-%m"), "收入": income, "支出": round(spend, 2),
                         "结余": round(income - spend, 2), "公示日期": published})
            month, index = next_month(month), index + 1
        if rows:
            rows[0]["结余"] = round(rows[0]["结余"] + 100, 2)  # arithmetic slip
        return rows

    def meetings(self) -> list[dict[str, Any]]:
        weeks: dict[tuple[int, int], date] = {}
        for day in self.school_days:
            weeks.setdefault(day.isocalendar()[:2], day)
        rows = []
        skipped = sorted(weeks)[-2] if len(weeks) >= 2 else None
        for week, day in sorted(weeks.items()):
            if week == skipped:
                continue  # no meeting that week
            rows.append({"日期": day, "主题": self.random.choice(["卫生消毒培训", "食品安全学习", "安全隐患排查", "保育工作交流"]),
                         "参加人数": 12, "记录人": "赵园长"})
        return rows

    def bulletins(self) -> list[dict[str, Any]]:
        rows = []
        month = date(self.term_start.year, self.term_start.month, 1)
        this_month = date(self.today.year, self.today.month, 1)
        previous = None
        while month <= this_month:
            rows.append({"日期": month + timedelta(days=4), "类型": "保健宣传栏", "主题": "秋冬季传染病预防"})
            previous = month
            month = next_month(month)
        month = date(self.term_start.year, self.term_start.month, 1)
        while month <= this_month:
            if not (previous and month == previous_month(this_month)):  # 安全宣传栏 not updated last month
                rows.append({"日期": month + timedelta(days=6), "类型": "安全宣传栏", "主题": "交通安全"})
            month = next_month(month)
        rows.append({"日期": self.d(-9), "类型": "告家长书", "主题": "冬季防火告家长书"})
        # The term's first letter on road safety; the other required topics are left to remind.
        rows.append({"日期": self.term + timedelta(days=4), "类型": "告家长书", "主题": "交通安全告家长书"})
        return rows


def birth_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def write_demo(folder: Path, today: date | None = None) -> list[Path]:
    """Write the demo workbooks into `folder` (created if needed); returns their paths."""
    today = today or date.today()
    pack = read_pack()
    data = DemoData(today)
    menu, samples = data.menu_and_samples()
    children = data.children()
    recipes.sexes(children)
    health_checks, responsibility = data.health_checks(), data.responsibility()
    registers = Registers(today, data.school_days, data.term_start, children,
                          [(r["姓名"], r["岗位"], r.get("责任区域", "")) for r in responsibility])
    growth = registers.growth()
    rows_by_sheet = {
        "absences": registers.absences(health_checks), "infections": registers.infections(), "growth": growth,
        "common_diseases": registers.common_diseases(growth), "injuries": registers.injuries(),
        "health_certificates": registers.health_certificates(), "assessments": registers.assessments(),
        "self_checks": registers.self_checks(), "repairs": registers.repairs(), "menu_committee": registers.menu_committee(),
        "gate_duty": registers.gate_duty(), "pickups": registers.pickups(),
        "inspections": data.inspections(), "stock": data.stock(), "menu": menu, "samples": samples,
        "health_checks": health_checks, "disinfection": data.disinfection(), "children": children,
        "drills": data.drills(), "responsibility": responsibility, "assets": data.assets(),
        "expenses": data.expenses(), "visitors": data.visitors(), "food_account": data.food_account(),
        "meetings": data.meetings(), "bulletins": data.bulletins(),
        "menu_ingredients": recipes.menu_ingredients(menu, today),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for filename, sheet_ids in WORKBOOKS.items():
        workbook = Workbook()
        workbook.remove(workbook.active)
        for sheet_id in sheet_ids:
            spec = pack.sheet(sheet_id)
            # A title row above the header, as staff like to have, on every other sheet.
            title = f"{today.year}年{spec.name}记录" if sheet_id in ("inspections", "stock", "children", "food_account") else None
            sheet = add_pack_sheet(workbook, spec, title)
            write_rows(sheet, spec, rows_by_sheet[sheet_id], header_row=2 if title else 1)
        path = folder / filename
        temporary = path.with_name(f".{filename}.tmp")
        xlsx_text.save(workbook, temporary)
        temporary.replace(path)
        written.append(path)
    return written
