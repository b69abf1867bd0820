"""膳食 figures: food samples for every dish served, a menu without repeats in a week, and
the children's food account against the ±2 % limit."""

from __future__ import annotations

from datetime import date, timedelta

from rules.calendar import month_end, week_start
from rules.term_report.base import Figure, Window, as_date, rate, ref, value
from rules.text import fold


def _dish_key(t, i) -> tuple | None:
    day, meal, dish = as_date(value(t, i, "日期")), value(t, i, "餐次"), value(t, i, "菜品名称")
    if day is None or not isinstance(dish, str) or not dish.strip():
        return None
    return day, fold(meal) if isinstance(meal, str) else "", fold(dish)


def sample_compliance(w: Window) -> Figure:
    """Dishes served on school days of the term that have a sample of at least 125 g kept at
    least 48 hours (the thresholds of the sample rules), over dishes served."""
    min_grams = w.param("sample_weight", "right", 125)
    min_hours = w.param("sample_duration", "min_hours", 48)
    samples: dict[tuple, list] = {}
    for t, i, _ in w.dated("samples", "日期"):
        key = _dish_key(t, i)
        if key is not None:
            samples.setdefault(key, []).append((t, i))
    start = w.counting_from([key[0] for key in samples])
    served, present, heavy, long_kept, counted, missing = 0, 0, 0, 0, [], []
    for t, i, day in w.dated("menu", "日期"):
        key = _dish_key(t, i)
        if key is None or start is None or not (start <= day <= w.last_day) or not w.calendar.is_school_day(day):
            continue
        served += 1
        found = samples.get(key, [])
        grams = any((value(s, j, "留样量") or 0) >= min_grams for s, j in found)
        hours = any(_kept_hours(s, j) >= min_hours for s, j in found)
        present += bool(found)
        heavy += grams
        long_kept += hours
        if found and grams and hours:
            counted.extend(ref(s, j) for s, j in found)
        else:
            why = "无留样" if not found else "留样量不足" if not grams else "留样时间不足"
            missing.append(f"{day} {value(t, i, '餐次') or ''} {value(t, i, '菜品名称').strip()}（{why}）")
    return Figure("sample_compliance", f"留样合格率（有留样、≥{min_grams}克、≥{min_hours}小时）",
                  "Food samples compliant", numerator=served - len(missing), denominator=served, counted=counted,
                  missing=missing, parts={"present": present, "weight_ok": heavy, "hours_ok": long_kept,
                                          "from": start.isoformat() if start else None})


def _kept_hours(t, i) -> float:
    kept, destroyed = value(t, i, "留样时间"), value(t, i, "销毁时间")
    if kept is None or destroyed is None:
        return 0.0
    return (destroyed - kept).total_seconds() / 3600


def menu_non_repetition(w: Window) -> Figure:
    """Menu weeks of the term in which no dish (off the allow-list) is served twice."""
    allowed = {fold(a) for a in w.param("menu_no_repeat", "allow", [])}
    weeks: dict[date, dict[str, list]] = {}
    for t, i, day in w.dated("menu", "日期"):
        dish = value(t, i, "菜品名称")
        if isinstance(dish, str) and fold(dish) and fold(dish) not in allowed:
            weeks.setdefault(week_start(day), {}).setdefault(fold(dish), []).append(ref(t, i))
    counted, missing = [], []
    for monday, dishes in sorted(weeks.items()):
        repeated = [name for name, refs in dishes.items() if len(refs) > 1]
        if repeated:
            missing.append(f"{monday} 那一周：{'、'.join(repeated)} 重复")
        else:
            counted.extend(r for refs in dishes.values() for r in refs)
    return Figure("menu_non_repetition", "食谱每周不重复（不重复的周/有食谱的周）", "Menu weeks without a repeated dish",
                  numerator=len(weeks) - len(missing), denominator=len(weeks), counted=counted, missing=missing)


def food_account_figures(w: Window) -> list[Figure]:
    """Surplus (or deficit, negative) as a signed fraction of income, per month and for the term."""
    limit = w.param("surplus_limit", "term_limit", 0.02)
    month_limit = w.param("surplus_limit", "month_limit", 0.02)
    months: dict[str, dict] = {}
    total_in = total_out = 0.0
    counted = []
    for t, i in w.rows("food_account"):
        month, income, spent = value(t, i, "月份"), value(t, i, "收入"), value(t, i, "支出")
        if month is None or income is None or spent is None or not (w.term.start.replace(day=1) <= month <= w.term.end):
            continue
        total_in, total_out = total_in + income, total_out + spent
        counted.append(ref(t, i))
        months[f"{month:%Y-%m}"] = {"income": income, "spent": spent, "surplus": round(income - spent, 2),
                                    "value": (income - spent) / income if income else None,
                                    "within_limit": bool(income) and abs(income - spent) / income <= month_limit + 1e-12}
    by_month = Figure("food_account_by_month", "伙食费每月结余占收入比例", "Food account surplus by month",
                      numerator=None, denominator=None, value={m: p["value"] for m, p in months.items()},
                      counted=list(counted), parts=months)
    surplus = round(total_in - total_out, 2)
    term = Figure("food_account_term_ratio", f"本学期伙食费结余占收入比例（限 ±{limit:.0%}）",
                  f"Food account surplus for the term (limit ±{limit:.0%})",
                  numerator=surplus, denominator=round(total_in, 2), counted=counted,
                  value=(total_in - total_out) / total_in if total_in else None,
                  parts={"limit": limit, "within_limit": bool(total_in) and abs(surplus) / total_in <= limit + 1e-12,
                         "spent": round(total_out, 2)})
    return [by_month, term]


def food_account_published(w: Window) -> Figure:
    """Months of the term whose publication date has passed (month end + the rule's days, as
    `account_published` judges), and how many of them carry a 公示日期."""
    days = w.param("account_published", "due", {}).get("days", 10)
    rows = []
    for t, i in w.rows("food_account"):
        month = value(t, i, "月份")
        if not t.has("公示日期"):
            continue  # a sheet without the column says nothing either way (check says the column is missing)
        if month is None or not (w.term.start.replace(day=1) <= month <= w.term.end):
            continue
        due = month_end(month) + timedelta(days=days)
        if due < w.as_of:
            rows.append((t, i, value(t, i, "公示日期") is not None, f"{month:%Y-%m}（应在 {due} 前公示）"))
    return rate("food_account_published", "伙食账按月公示率", "Food account published monthly", rows)
