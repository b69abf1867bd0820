"""资产 and 队伍 figures: the term's stocktake, expenses with complete signatures, the weekly
logistics meeting and the monthly bulletins."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from rules.calendar import week_start
from rules.term_report.base import Figure, Window, as_date, filled, item, rate, ref, same, value


def asset_stocktake(w: Window) -> Figure:
    """Assets in use (not 报废, bought before the term ended) counted in this term's stocktake."""
    rows = []
    for t, i in w.rows("assets"):
        bought = as_date(value(t, i, "购置日期"))
        if same(value(t, i, "状态"), "报废") or (bought is not None and bought > w.end):
            continue
        done = as_date(value(t, i, "上次盘点日期"))
        if done is not None and done > w.end:
            continue  # counted after the window: the sheet no longer says whether it was then
        rows.append((t, i, done is not None and done in w.term, item(t, i, "资产编号", "名称")))
    return rate("asset_stocktake_rate", "固定资产学期盘点率", "Assets counted in the term's stocktake", rows)


def expenses_complete(w: Window) -> Figure:
    """Reimbursed expenses of the term with 经手人, 验收人, 园长签字 and a receipt."""
    rows = []
    for t, i, day in w.dated("expenses", "日期"):
        if not same(value(t, i, "状态"), "已报销"):
            continue
        ok = all(filled(value(t, i, n)) for n in ("经手人", "验收人", "园长签字")) and same(value(t, i, "收据"), "有")
        rows.append((t, i, ok, f"{day} {item(t, i, '事项')}"))
    return rate("expenses_complete_rate", "已报销单据签字、收据齐全率", "Reimbursed expenses fully signed", rows)


def meetings_per_week(w: Window) -> Figure:
    """School weeks already over in which a logistics meeting was held."""
    rows = list(w.dated("meetings", "日期"))
    start = w.counting_from([day for _, _, day in rows])
    days = w.calendar.school_days(start, w.last_day) if start and start <= w.last_day else []
    weeks = sorted({week_start(d) for d in days if week_start(d) + timedelta(days=6) < w.today})
    held: dict = {}
    for t, i, day in rows:
        held.setdefault(week_start(day), []).append(ref(t, i))
    return Figure("meetings_per_week", "每周后勤例会召开率（开会的周/在园周）", "School weeks with a logistics meeting",
                  numerator=sum(1 for m in weeks if m in held), denominator=len(weeks),
                  counted=[r for m in weeks for r in held.get(m, [])],
                  missing=[f"第{m.isocalendar()[1]}周（{m:%m-%d}起）" for m in weeks if m not in held],
                  parts={"meetings": len(rows)})


LETTER = "告家长书"  # a 宣传栏 row of this type is a letter to parents, not a board update


def bulletins_per_month(w: Window) -> Figure:
    """Board updates (保健/安全宣传栏) per month; 告家长书 rows are parent_letters, not counted here."""
    rows = [r for r in w.dated("bulletins", "日期") if not same(value(r[0], r[1], "类型"), LETTER)]
    per_month: Counter[str] = Counter(f"{day:%Y-%m}" for _, _, day in rows)
    by_type: dict[str, Counter] = {}
    for t, i, day in rows:
        kind = value(t, i, "类型")
        by_type.setdefault(kind.strip() if isinstance(kind, str) else "未填类型", Counter())[f"{day:%Y-%m}"] += 1
    return Figure("bulletins_per_month", "宣传栏更新（每月次数）", "Bulletin updates per month", numerator=len(rows),
                  denominator=None, value=dict(sorted(per_month.items())), counted=[ref(t, i) for t, i, _ in rows],
                  parts={k: dict(sorted(v.items())) for k, v in by_type.items()})


def _topics(rows: list[tuple]) -> list[str]:
    """The rows' 主题 in date order, each once."""
    seen: dict[str, None] = {}
    for t, i, _ in sorted(rows, key=lambda r: r[2]):
        if (topic := t.raw_text(i, "主题")) and topic.strip():
            seen.setdefault(topic.strip(), None)
    return list(seen)


def parent_letters(w: Window) -> Figure:
    """告家长书 sent in the term (rows of 宣传栏 typed 告家长书), with their topics."""
    rows = [r for r in w.dated("bulletins", "日期") if same(value(r[0], r[1], "类型"), LETTER)]
    return Figure("parent_letters", "告家长书（份）", "Letters to parents", numerator=len(rows), denominator=None,
                  value=len(rows), counted=[ref(t, i) for t, i, _ in rows], parts={"topics": _topics(rows)})


def meetings_held(w: Window) -> Figure:
    """Logistics meetings held in the term, with their topics (what the training covered)."""
    rows = list(w.dated("meetings", "日期"))
    people = [n for t, i, _ in rows if isinstance(n := value(t, i, "参加人数"), (int, float))]
    return Figure("meetings_held", "后勤例会（次）", "Logistics meetings held", numerator=len(rows), denominator=None,
                  value=len(rows), counted=[ref(t, i) for t, i, _ in rows],
                  parts={"topics": _topics(rows), "attendance": sum(people) if people else None})
