"""安全 figures: inspections on time, hazards found / rectified on time / re-checked (the
closed loop), drills by type and quarter, responsibility letters, visitors approved."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from rules.calendar import quarter_of
from rules.term_report.base import Figure, Window, as_date, filled, item, rate, ref, same, value


def inspections_on_time(w: Window) -> Figure:
    """Objects whose next inspection (last + its period) is not yet overdue."""
    interval = w.param("inspection_due", "interval", {}) or {}
    rows = []
    for t, i in w.rows("inspections"):
        last = as_date(value(t, i, "上次检查日期"))
        if not w.known(last):
            continue
        days = value(t, i, "检查周期") or interval.get("by_category", {}).get(value(t, i, "类别")) \
            or interval.get("default_days", 30)
        ok = last is not None and last + timedelta(days=int(days)) >= w.as_of
        rows.append((t, i, ok, item(t, i, "检查对象", "编号")))
    return rate("inspections_on_time", "安全检查按时完成率", "Safety inspections on time", rows)


def _hazards(w: Window) -> list[tuple]:
    """Rows with a hazard dealt with in the term (found, due or rectified within it)."""
    found = []
    for t, i in w.rows("inspections"):
        if not (same(value(t, i, "检查结果"), "有隐患") or filled(value(t, i, "隐患描述"))):
            continue
        days = [as_date(value(t, i, name)) for name in ("上次检查日期", "整改期限", "整改完成日期")]
        if any(d is not None and w.term.start <= d <= w.end for d in days):
            found.append((t, i))
    return found


def hazard_figures(w: Window) -> list[Figure]:
    hazards = _hazards(w)
    on_time, rectified = [], []
    for t, i in hazards:
        done, due = as_date(value(t, i, "整改完成日期")), as_date(value(t, i, "整改期限"))
        name = item(t, i, "检查对象", "编号")
        on_time.append((t, i, done is not None and due is not None and done <= due, name))
        if done is not None:
            rectified.append((t, i, as_date(value(t, i, "复查日期")) is not None, name))
    return [
        Figure("hazards_found", "发现安全隐患（处）", "Hazards found", numerator=len(hazards), denominator=None,
               value=len(hazards), counted=[ref(t, i) for t, i in hazards]),
        rate("hazards_rectified_on_time", "隐患按期整改率", "Hazards rectified on time", on_time),
        rate("hazards_rechecked", "整改后复查率（闭环）", "Rectified hazards re-checked (closed loop)", rectified),
    ]


def drill_figures(w: Window) -> list[Figure]:
    drills = list(w.dated("drills", "日期"))
    kinds: Counter[str] = Counter()
    quarters: Counter[str] = Counter()
    for t, i, day in drills:
        kind = value(t, i, "演练类型")
        kinds[kind.strip() if isinstance(kind, str) and kind.strip() else "未填类型"] += 1
        year, quarter = quarter_of(day)
        quarters[f"{year}年第{quarter}季度"] += 1
    required = w.param("drill_types_each_term", "types", [])
    counted = [ref(t, i) for t, i, _ in drills]
    return [
        Figure("drills_by_type", "应急演练（按类型，次）", "Drills by type", numerator=len(drills), denominator=None,
               value=dict(kinds), counted=counted, missing=[k for k in required if not kinds.get(k)],
               parts={"required": required}),
        Figure("drills_by_quarter", "应急演练（按季度，次）", "Drills by quarter", numerator=len(drills),
               denominator=None, value=dict(sorted(quarters.items())), counted=list(counted)),
    ]


def responsibility_signed(w: Window) -> Figure:
    rows = [(t, i, (d := as_date(value(t, i, "签订日期"))) is not None and d in w.term, item(t, i, "姓名", "岗位"))
            for t, i in w.rows("responsibility") if w.known(as_date(value(t, i, "签订日期")))]
    return rate("responsibility_signed_rate", "安全责任书签订率", "Safety responsibility letters signed", rows)


def visitors_approved(w: Window) -> Figure:
    rows = [(t, i, filled(value(t, i, "批准人")), f"{day} {item(t, i, '姓名', '单位')}")
            for t, i, day in w.dated("visitors", "日期")]
    return rate("visitors_approved_rate", "外来人员经批准入园率", "Visitors approved", rows)


def drill_evacuation(w: Window) -> Figure:
    """The term's drills as the sheet records them: people taking part and evacuation times."""
    limit = w.param("drill_evacuation_time", "right", 120)
    drills = list(w.dated("drills", "日期"))
    people = [n for t, i, _ in drills if isinstance(n := value(t, i, "参与人数"), (int, float))]
    times = [(s, t, i) for t, i, _ in drills if isinstance(s := value(t, i, "疏散用时"), (int, float))]
    slow = [item(t, i, "日期", "演练类型") for s, t, i in times if s > limit]
    return Figure("drill_evacuation", f"应急演练疏散用时在 {limit} 秒以内", "Drill evacuations within the limit",
                  numerator=len(times) - len(slow), denominator=len(times), counted=[ref(t, i) for _, t, i in times],
                  missing=slow, parts={"participants": sum(people) if people else None,
                                       "longest_seconds": max(s for s, _, _ in times) if times else None,
                                       "limit_seconds": limit})
