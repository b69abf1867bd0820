"""The demo's health-care registers and the seed's other practices (缺勤登记, 传染病登记,
体格检查, 常见病登记, 伤害登记, 健康证, 月考核, 安全自查, 维修保养, 膳委会, 门卫值班, 代接登记).

Clean rows around a known problem per rule: one outbreak cluster (three children of 小一班 off
with fever on the last school day), one overweight child without follow-up, one late report…
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

SYMPTOMS = ["咳嗽", "腹泻", "呕吐", "其他"]


class Registers:
    """Rows relative to `today` over the demo's school days; `children` and `health` are the
    demo's 幼儿健康档案 and 晨午检 rows (the cluster's day gets its shortfall there)."""

    def __init__(self, today: date, school_days: list[date], term_start: date, children: list[dict[str, Any]],
                 staff_zones: list[tuple[str, str, str]], seed: int = 24):
        self.today, self.days, self.term_start = today, school_days, term_start
        self.children = children
        self.zones = staff_zones  # (姓名, 岗位, 责任区域) of 安全责任书
        self.random = random.Random(seed)

    def t(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def _names(self, klass: str) -> list[str]:
        return [c["姓名"] for c in self.children if c["班级"] == klass]

    def absences(self, health: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One row per child missing from each 晨午检 row; a few sick ones traced the same day."""
        rows: list[dict[str, Any]] = []
        last = self.days[-1] if self.days else None
        cluster_day = [r for r in health if r["日期"] == last and r["班级"] == "小一班"]
        if cluster_day:
            cluster_day[0]["实到人数"] = cluster_day[0]["应到人数"] - 3
        unregistered = self.days[-6] if len(self.days) >= 6 else None
        sick = 0
        for check in health:
            day, klass = check["日期"], check["班级"]
            short = max(0, check["应到人数"] - check["实到人数"])
            names = self._names(klass)
            if day == unregistered and klass == "大一班" and short:
                short -= 1  # one absent child not registered: 缺勤未逐一登记
            for k in range(short):
                child = names[(day.toordinal() + k * 5) % len(names)]
                if day == last and klass == "小一班":
                    rows.append({"日期": day, "班级": klass, "幼儿姓名": child, "缺勤原因": "病假", "症状": "发热、咳嗽" if k == 0 else "发热",
                                 "追踪日期": day, "追踪人": "保健医生"})
                    continue
                sick += 1
                if sick % 6:
                    rows.append({"日期": day, "班级": klass, "幼儿姓名": child, "缺勤原因": "事假"})
                else:
                    rows.append({"日期": day, "班级": klass, "幼儿姓名": child, "缺勤原因": "病假",
                                 "症状": SYMPTOMS[(sick // 6) % len(SYMPTOMS)], "诊断": "上呼吸道感染", "追踪日期": day,
                                 "追踪人": "保健医生"})
        if len(self.days) >= 5:
            untraced = [r for r in rows if r["日期"] == self.days[-4] and r["缺勤原因"] == "事假"]
            if untraced:  # a sick absence nobody traced
                untraced[0].update({"缺勤原因": "病假", "症状": "呕吐"})
            back = [r for r in rows if r["日期"] == self.days[-12 if len(self.days) >= 12 else 0] and r["缺勤原因"] == "事假"]
            if back:  # back after hand-foot-mouth disease without a certificate
                back[0].update({"缺勤原因": "病假", "症状": "皮疹", "诊断": "手足口病", "追踪日期": back[0]["日期"],
                                "返园日期": back[0]["日期"] + timedelta(days=16), "复课证明": "无"})
        return rows

    def infections(self) -> list[dict[str, Any]]:
        t = self.t
        names = {k: self._names(k) for k in ("小一班", "中一班", "大一班")}
        return [
            # Under observation now; back before its isolation period ended.
            {"发病日期": t(-5), "班级": "中一班", "幼儿姓名": names["中一班"][2], "病名": "手足口病", "诊断单位": "区妇幼保健院",
             "报告日期": t(-4), "报告人": "保健医生", "隔离开始": t(-5), "返园日期": t(-1), "复课证明": "有", "班级消毒日期": t(-5)},
            # Reported three days late.
            {"发病日期": t(-40), "班级": "大一班", "幼儿姓名": names["大一班"][3], "病名": "水痘", "诊断单位": "区人民医院",
             "报告日期": t(-37), "报告人": "保健医生", "隔离开始": t(-40), "返园日期": t(-24), "复课证明": "有", "班级消毒日期": t(-40)},
            # Before the demo's disinfection log begins: no terminal disinfection on record.
            {"发病日期": self.term_start - timedelta(days=60), "班级": "大一班", "幼儿姓名": names["大一班"][5], "病名": "流行性腮腺炎",
             "诊断单位": "区人民医院", "报告日期": self.term_start - timedelta(days=60), "报告人": "保健医生",
             "返园日期": self.term_start - timedelta(days=35), "复课证明": "有"},
            {"发病日期": t(-60), "班级": "小一班", "幼儿姓名": names["小一班"][4], "病名": "流感", "诊断单位": "区人民医院",
             "报告日期": t(-60), "报告人": "保健医生", "隔离开始": t(-60), "返园日期": t(-52), "复课证明": "有", "班级消毒日期": t(-59)},
        ]

    def growth(self) -> list[dict[str, Any]]:
        """One exam per child 60 days ago, near the WHO medians; one child overweight, one anaemic."""
        rows = []
        measured = self.t(-60)
        for child in self.children:
            birth = child["出生日期"]
            if not isinstance(birth, date):
                continue
            months = (measured - birth).days / 30.4375
            height = round(96.0 + (months - 36) * 0.6 + self.random.uniform(-2, 2), 1)
            weight = round(14.3 + (months - 36) * 0.17 + self.random.uniform(-0.8, 0.8), 1)
            rows.append({"幼儿姓名": child["姓名"], "班级": child["班级"], "体检日期": measured, "身高": height, "体重": weight,
                         "血红蛋白": 122, "视力左": 4.9, "视力右": 4.9, "龋齿数": 0})
        middle = [r for r in rows if r["班级"] == "中一班"]
        if len(middle) >= 2:
            middle[0].update({"身高": 103.0, "体重": 20.6})  # overweight (weight-for-height above +2 SD), no follow-up
            middle[1].update({"血红蛋白": 102})  # anaemic, under case management below
        if rows:
            rows[-1].update({"龋齿数": 2})
        return rows

    def common_diseases(self, growth: list[dict[str, Any]]) -> list[dict[str, Any]]:
        t = self.t
        anaemic = next((r["幼儿姓名"] for r in growth if r["血红蛋白"] < 110), "")
        weak = [c for c in self.children if c.get("体弱儿") == "是"]
        rows = [{"幼儿姓名": anaemic, "班级": "中一班", "疾病": "贫血", "发现日期": t(-60), "专案": "是", "复查周期": 30,
                 "上次复查日期": t(-35), "转归": "在管"}]  # review overdue
        for child in weak[:1] + weak[2:3]:  # the second weak child has no row: 体弱儿 without 常见病登记
            rows.append({"幼儿姓名": child["姓名"], "班级": child["班级"], "疾病": "营养不良", "发现日期": t(-50), "专案": "是",
                         "复查周期": 30, "上次复查日期": t(-10), "转归": "在管"})
        rows.append({"幼儿姓名": self.children[20]["姓名"], "班级": self.children[20]["班级"], "疾病": "肥胖", "发现日期": t(-70),
                     "专案": "否", "转归": "在管"})  # obese without case management
        rows.append({"幼儿姓名": self.children[21]["姓名"], "班级": self.children[21]["班级"], "疾病": "龋齿", "发现日期": t(-80),
                     "专案": "否", "转归": "好转"})
        return rows

    def injuries(self) -> list[dict[str, Any]]:
        t = self.t
        kid = self.children
        return [
            {"日期": t(-30), "时间": time(10, 15), "班级": kid[0]["班级"], "幼儿姓名": kid[0]["姓名"], "地点": "户外操场", "伤害类型": "跌倒",
             "经过": "跑步时摔倒擦伤膝盖", "处理": "碘伏消毒", "就医": "否", "家长告知时间": datetime.combine(t(-30), time(16, 30)), "登记人": "张老师"},
            {"日期": t(-14), "时间": time(15, 40), "班级": kid[4]["班级"], "幼儿姓名": kid[4]["姓名"], "地点": "活动室", "伤害类型": "夹伤",
             "经过": "门缝夹到手指", "处理": "冷敷后送医检查", "就医": "是", "家长告知时间": datetime.combine(t(-11), time(9, 0)), "登记人": "李老师"},  # told 3 days later
            {"日期": t(-4), "时间": time(9, 20), "班级": kid[9]["班级"], "幼儿姓名": kid[9]["姓名"], "地点": "户外操场", "伤害类型": "咬伤",
             "经过": "被同伴咬到手臂", "就医": "是", "家长告知时间": datetime.combine(t(-4), time(12, 0)), "登记人": "张老师"},  # no 处理
            {"日期": t(-6), "时间": time(11, 5), "班级": kid[8]["班级"], "幼儿姓名": kid[8]["姓名"], "地点": "楼梯", "伤害类型": "碰撞",
             "经过": "下楼时碰到扶手", "处理": "观察无异常", "就医": "否", "家长告知时间": datetime.combine(t(-6), time(17, 0)), "登记人": "王老师"},
        ]

    def health_certificates(self) -> list[dict[str, Any]]:
        t = self.t
        return [
            {"姓名": "陈阿姨", "岗位": "厨师", "体检日期": t(-100), "有效期至": t(265)},
            {"姓名": "孙阿姨", "岗位": "保育员", "体检日期": t(-380), "有效期至": t(-15)},  # expired
            {"姓名": "张老师", "岗位": "教师", "体检日期": t(-345), "有效期至": t(20)},  # expires within 30 days
            {"姓名": "李老师", "岗位": "教师", "体检日期": t(-350)},  # a year from the exam: due in 15 days
            {"姓名": "赵园长", "岗位": "其他", "体检日期": t(-120), "有效期至": t(245)},
            {"姓名": "刘师傅", "岗位": "门卫", "体检日期": t(-90), "有效期至": t(275)},
            # 王老师 (教师 on 安全责任书) has no row: 没有健康证记录
        ]

    def assessments(self) -> list[dict[str, Any]]:
        rows = []
        month = date(self.term_start.year, self.term_start.month, 1)
        this_month = date(self.today.year, self.today.month, 1)
        names = list(dict.fromkeys(name for name, _, _ in self.zones))
        while month < this_month:
            for number, name in enumerate(names):
                if name == "孙阿姨" and _next_month(month) == this_month:
                    continue  # last month's assessment missing
                score = 55 if (name == "刘师傅" and _next_month(month) == this_month) else 85 + number % 10
                rows.append({"月份": month.strftime("%Y-%m"), "姓名": name, "岗位": dict((n, p) for n, p, _ in self.zones).get(name),
                             "得分": score, "考核人": "赵园长"})
            month = _next_month(month)
        return rows

    def self_checks(self) -> list[dict[str, Any]]:
        rows = []
        zones = [(zone, name) for name, _, zone in self.zones if zone]
        missed = self.days[-3] if len(self.days) >= 3 else None
        for day in self.days:
            for zone, name in zones:
                if day == missed and zone == "厨房":
                    continue  # the kitchen not self-checked that day
                rows.append({"日期": day, "责任区域": zone, "责任人": name, "检查结果": "正常"})
        if len(self.days) >= 2:
            rows.append({"日期": self.days[-2], "责任区域": "大门", "责任人": "刘师傅", "检查结果": "有隐患", "隐患描述": "门禁刷卡器失灵"})
        return rows

    def repairs(self) -> list[dict[str, Any]]:
        t = self.t
        return [
            {"报修日期": t(-40), "项目": "水龙头漏水", "位置": "小一班盥洗室", "报修人": "张老师", "维修人": "刘师傅", "完成日期": t(-39),
             "费用": 35, "验收人": "张老师", "自修": "是"},
            {"报修日期": t(-25), "项目": "空调不制热", "位置": "中一班", "报修人": "李老师", "维修人": "维修公司", "期限": t(-18),
             "完成日期": t(-19), "费用": 380, "验收人": "赵园长", "自修": "否"},
            {"报修日期": t(-12), "项目": "滑梯扶手松动", "位置": "户外操场", "报修人": "王老师", "维修人": "刘师傅", "期限": t(-5)},  # overdue
            {"报修日期": t(-8), "项目": "灯管闪烁", "位置": "寝室", "报修人": "孙阿姨", "维修人": "刘师傅", "完成日期": t(-7), "费用": 20,
             "自修": "是"},  # not accepted
            {"报修日期": t(-6), "项目": "柜门合页坏", "位置": "厨房", "报修人": "陈阿姨", "维修人": "刘师傅"},  # due tomorrow (7 days)
        ]

    def menu_committee(self) -> list[dict[str, Any]]:
        rows = []
        month = date(self.term_start.year, self.term_start.month, 1)
        this_month = date(self.today.year, self.today.month, 1)
        while month <= this_month:
            day = month + timedelta(days=14)
            if day < self.today:
                rows.append({"日期": day, "议题": "本月食谱评议", "参会人": "赵园长、陈阿姨、保健医生", "家长代表": 2,
                             "改进措施": "增加粗粮品种"})
            month = _next_month(month)
        if len(rows) >= 3:
            del rows[1]  # a month without a meeting
        if len(rows) >= 2:
            rows[0]["家长代表"] = 0  # no parent there
            rows[-1]["家长代表"] = None  # number of parents not written down
        return rows

    def gate_duty(self) -> list[dict[str, Any]]:
        rows = []
        missed = self.days[-5] if len(self.days) >= 5 else None
        for day in self.days:
            if day == missed:
                continue  # no gate duty record that day
            rows.append({"日期": day, "值班人": "刘师傅", "开门时间": time(7, 10), "关门时间": time(18, 0), "离园后巡查": "是"})
        if rows:
            rows[-1]["离园后巡查"] = "否"
        return rows

    def pickups(self) -> list[dict[str, Any]]:
        t = self.t
        kid = self.children
        return [
            {"日期": t(-9), "幼儿姓名": kid[1]["姓名"], "班级": kid[1]["班级"], "接送人": "外婆", "关系": "外祖母", "家长确认方式": "电话", "核实人": "李老师"},
            {"日期": t(-3), "幼儿姓名": kid[2]["姓名"], "班级": kid[2]["班级"], "接送人": "舅舅", "关系": "舅舅", "家长确认方式": "微信"},  # nobody verified
        ]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
