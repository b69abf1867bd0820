"""Figures of the health-care registers and the seed's other practices: 出勤率 by class and
month, infectious cases by disease and class, growth conditions, injuries, repairs and their
cost, 膳委会 held, 告家长书 topics covered. Every figure counts only rows inside the report's
window (`Window.dated`: the term, up to its end or today)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from rules.kinds.growth import growth_conditions
from rules.term_report.base import Figure, Window, as_date, item, rate, ref, same, value
from rules.text import fold


def attendance(w: Window) -> Figure:
    """Σ 实到人数 / Σ 应到人数 of 晨午检, in all and by class and month (儿童出勤统计分析表)."""
    present = expected = 0
    by: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    counted = []
    for t, i, day in w.dated("health_checks", "日期"):
        klass, owed, came = value(t, i, "班级"), value(t, i, "应到人数"), value(t, i, "实到人数")
        if not isinstance(klass, str) or owed is None or came is None or owed <= 0:
            continue
        present, expected = present + came, expected + owed
        cell = by[klass.strip()][f"{day:%Y-%m}"]
        cell[0], cell[1] = cell[0] + came, cell[1] + owed
        counted.append(ref(t, i))
    parts = {klass: {month: {"numerator": p, "denominator": e, "value": round(p / e, 3) if e else None}
                     for month, (p, e) in sorted(months.items())} for klass, months in sorted(by.items())}
    return Figure("attendance_rate", "幼儿出勤率（实到/应到人次）", "Attendance (present / enrolled child-days)",
                  numerator=present, denominator=expected, counted=counted, parts=parts)


def infectious_cases(w: Window) -> Figure:
    rows = list(w.dated("infections", "发病日期"))
    by_disease: Counter[str] = Counter()
    by_class: Counter[str] = Counter()
    for t, i, _ in rows:
        if isinstance(name := value(t, i, "病名"), str):
            by_disease[name.strip()] += 1
        if isinstance(klass := value(t, i, "班级"), str):
            by_class[klass.strip()] += 1
    return Figure("infectious_cases", "传染病病例数", "Infectious disease cases", numerator=len(rows), denominator=None,
                  value=len(rows), counted=[ref(t, i) for t, i, _ in rows],
                  parts={"by_disease": dict(by_disease), "by_class": dict(by_class)})


def growth_figures(w: Window) -> list[Figure]:
    """体检率 (children measured this term / enrolled) and, over the children measured, the share
    of each condition by the WHO standards (the latest exam of each child), 龋齿率."""
    params = w.params.get("growth_evaluation", {})
    facts = {fold(n): (value(t, i, "性别"), as_date(value(t, i, "出生日期")))
             for t, i in w.rows("children") if isinstance(n := value(t, i, "姓名"), str)}
    latest: dict[str, tuple[Any, int, date]] = {}
    for t, i, day in w.dated("growth", "体检日期"):
        child = value(t, i, "幼儿姓名")
        if isinstance(child, str) and (fold(child) not in latest or day >= latest[fold(child)][2]):
            latest[fold(child)] = (t, i, day)
    enrolled = [(t, i, fold(n) in latest, item(t, i, "姓名", "班级")) for t, i in w.children()
                if isinstance(n := value(t, i, "姓名"), str)]
    figures = [rate("growth_exam_rate", "体检率（本学期已测/在册）", "Children measured this term", enrolled)]
    conditions: dict[str, list] = {name: [] for name in ("低体重", "生长迟缓", "消瘦", "超重", "肥胖", "贫血")}
    caries = []
    for child, (t, i, day) in latest.items():
        sex = value(t, i, "性别") or facts.get(child, (None, None))[0]
        birth = as_date(value(t, i, "出生日期")) or facts.get(child, (None, None))[1]
        found = {c for c, _ in growth_conditions(params, sex, birth, day, value(t, i, "体重"), value(t, i, "身高"),
                                                 value(t, i, "血红蛋白"))} if birth else set()
        for name, rows in conditions.items():
            rows.append((t, i, name in found, item(t, i, "幼儿姓名", "班级")))
        if (teeth := value(t, i, "龋齿数")) is not None:
            caries.append((t, i, teeth > 0, item(t, i, "幼儿姓名", "班级")))
    for name, rows in conditions.items():
        figures.append(rate(f"growth_{_ID[name]}_rate", f"{name}率（体检幼儿中）", f"{_ID[name].capitalize()} rate", rows))
    figures.append(rate("caries_rate", "龋齿率（体检幼儿中）", "Children with caries", caries))
    return figures


_ID = {"低体重": "underweight", "生长迟缓": "stunting", "消瘦": "wasting", "超重": "overweight", "肥胖": "obesity",
       "贫血": "anaemia"}


def injuries(w: Window) -> Figure:
    rows = list(w.dated("injuries", "日期"))
    kinds: Counter[str] = Counter(str(value(t, i, "伤害类型") or "未填").strip() for t, i, _ in rows)
    places: Counter[str] = Counter(str(value(t, i, "地点") or "未填").strip() for t, i, _ in rows)
    return Figure("injuries", "幼儿伤害次数", "Injuries", numerator=len(rows), denominator=None, value=len(rows),
                  counted=[ref(t, i) for t, i, _ in rows], parts={"by_type": dict(kinds), "by_place": dict(places)})


def repairs(w: Window) -> list[Figure]:
    rows = list(w.dated("repairs", "报修日期"))
    done = [(t, i) for t, i, _ in rows if as_date(value(t, i, "完成日期")) is not None]
    cost = sum(value(t, i, "费用") or 0 for t, i, _ in rows)
    own = [(t, i, value(t, i, "自修") is True, item(t, i, "项目", "位置")) for t, i in done]
    done_ids = {(id(t), i) for t, i in done}  # tables are not hashable: known by identity
    return [Figure("repairs_done", "维修完成（已完成/报修）", "Repairs done", numerator=len(done), denominator=len(rows),
                   counted=[ref(t, i) for t, i in done], missing=[item(t, i, "项目", "位置") for t, i, _ in rows
                                                                  if (id(t), i) not in done_ids],
                   parts={"cost": round(cost, 2)}),
            rate("repairs_in_house", "自修比例（已完成的维修中）", "Repairs done in-house", own)]


def committee_held(w: Window) -> Figure:
    """Months of the term so far with a 膳委会 meeting, over the months with school days."""
    rows = list(w.dated("menu_committee", "日期"))
    # Owed from the first meeting of the term on, like the weekly meetings: none before a first record.
    start = w.counting_from([d for _, _, d in rows])
    months = (sorted({d.replace(day=1) for d in w.calendar.school_days(start, w.last_day)})
              if start is not None and start <= w.last_day else [])
    held = {d.replace(day=1) for _, _, d in rows}
    return Figure("committee_held", "膳委会按月召开（有会议的月/在园月）", "Menu committee met (months)",
                  numerator=sum(1 for m in months if m in held), denominator=len(months),
                  counted=[ref(t, i) for t, i, _ in rows], missing=[f"{m:%Y-%m}" for m in months if m not in held],
                  parts={"with_parents": sum(1 for t, i, _ in rows if (value(t, i, "家长代表") or 0) > 0)})


def letter_topics(w: Window) -> Figure:
    """The required 告家长书 topics of the term covered by a letter in the window."""
    topics = w.params.get("parent_letter_topics", {}).get("topics", {}) or {}
    season = "autumn" if w.term.start.month >= 8 else "spring"
    letters = [(t, i, fold(str(value(t, i, "主题") or ""))) for t, i, _ in w.dated("bulletins", "日期")
               if same(value(t, i, "类型"), "告家长书")]
    rows, counted = [], []
    # Judged once the window holds a letter at all, as the topic rule does (rules/kinds/health.py).
    for topic, entry in topics.items() if letters else ():
        if entry.get("terms") and season not in entry["terms"]:
            continue
        words = [fold(x) for x in entry.get("words") or [topic]]
        hits = [(t, i) for t, i, text in letters if any(x in text for x in words)]
        counted.extend(ref(t, i) for t, i in hits)
        rows.append(topic if hits else None)
    covered = [r for r in rows if r]
    return Figure("letter_topics_covered", "告家长书必讲主题已覆盖", "Parent letter topics covered",
                  numerator=len(covered), denominator=len(rows), counted=counted,
                  missing=[t for t in topics if letters and t not in covered
                           and (not topics[t].get("terms") or season in topics[t]["terms"])], parts={"covered": covered})
