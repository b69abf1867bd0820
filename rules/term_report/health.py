"""卫生保健 figures: admission exams, vaccination certificates, catch-up vaccination,
periodic exams, weak children under follow-up, morning and noon checks, disinfection."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from rules import enrolment
from rules.calendar import week_start
from rules.figures import counted_rows
from rules.kinds.base import condition_holds
from rules.term_report.base import Figure, Window, as_date, filled, item, rate, ref, value
from rules.text import fold


def declared_figures(w: Window) -> list[Figure]:
    """The children's figures the pack declares (入园体检率, 接种证查验率): the same
    conditions as the status page's coverage, with the rows counted."""
    made = []
    for sheet in w.pack.sheets:
        for spec in sheet.figures:
            rows = [(t, i, all(t.has(c["field"]) for c in spec.count) and condition_holds(t, i, list(spec.count)),
                     item(t, i, *sheet.key_fields[:1], "班级"))
                    for t, i in counted_rows(sheet.id, w.sheet(sheet.id), w.term.start, w.end)]
            made.append(rate(spec.id, spec.label, spec.label_en, rows))
    return made


def catch_up_rate(w: Window) -> Figure:
    rows = [(t, i, value(t, i, "补种完成日期") is not None, item(t, i, "姓名", "需补种疫苗"))
            for t, i in w.children() if filled(value(t, i, "需补种疫苗"))]
    return rate("catch_up_completion_rate", "补种完成率", "Catch-up vaccinations completed", rows)


def periodic_exam_rate(w: Window) -> Figure:
    """Exams done this term over exams due: done ones plus those now overdue (interval by age,
    as the periodic_exam rule counts it)."""
    interval = w.param("periodic_exam", "interval", {}) or {}
    rows = []
    for t, i in w.children():
        last = as_date(value(t, i, "上次体检日期"))
        if last is not None and last > w.end:
            continue  # examined after the window: the sheet no longer says when before
        if last is not None and w.term.start <= last <= w.end:
            rows.append((t, i, True, ""))
            continue
        base, birth = last or as_date(value(t, i, "入园体检日期")), as_date(value(t, i, "出生日期"))
        if base is None or birth is None:
            continue
        young = birth + relativedelta(years=interval.get("age_years", 3)) > w.as_of
        due = base + relativedelta(months=interval.get("months_under", 6) if young else interval.get("months_otherwise", 12))
        if due < w.as_of:
            rows.append((t, i, False, f"{item(t, i, '姓名', '班级')}（应在 {due} 前体检）"))
    return rate("periodic_exam_rate", "定期体检完成率（本学期已检/应检）", "Periodic exams done / due", rows)


def weak_children_followed(w: Window) -> Figure:
    rows = []
    for t, i in w.children():
        if value(t, i, "体弱儿") is not True:
            continue
        follow = as_date(value(t, i, "下次随访日期"))
        rows.append((t, i, follow is not None and follow >= w.as_of, item(t, i, "姓名", "班级")))
    return rate("weak_children_followed", "体弱儿在管率（随访未逾期）", "Weak children under follow-up", rows)


def _classes(w: Window) -> list[str]:
    """The classes owed a daily check: the config's list, else 幼儿健康档案's, else the sheet's own."""
    if w.classes:
        return list(dict.fromkeys(c.strip() for c in w.classes))
    stays = enrolment.class_stays(w.sheet(enrolment.CHILDREN))
    if stays:
        return [name for name, there in stays.items() if there.overlaps(w.term.start, w.end)]
    names = [v.strip() for t, i in w.rows("health_checks") if isinstance(v := value(t, i, "班级"), str) and v.strip()]
    return list(dict.fromkeys(names))


def health_check_figures(w: Window) -> list[Figure]:
    """Class-days with a morning check row (and with a noon checker) over class-days due."""
    rows = list(w.dated("health_checks", "日期"))
    start = w.counting_from([day for _, _, day in rows])
    days = w.calendar.school_days(start, w.last_day) if start and start <= w.last_day else []
    classes = _classes(w)
    # A class is owed a check only on the days it has children (入园日期..离园日期).
    stays = {} if w.classes else enrolment.class_stays(w.sheet(enrolment.CHILDREN))
    morning: dict[tuple[str, date], list] = {}
    noon: dict[tuple[str, date], list] = {}
    for t, i, day in rows:
        name = value(t, i, "班级")
        if not isinstance(name, str) or day not in days:
            continue
        key = (fold(name), day)
        morning.setdefault(key, []).append(ref(t, i))
        if filled(value(t, i, "午检人")):
            noon.setdefault(key, []).append(ref(t, i))
    figures = []
    for figure_id, label, label_en, done in (
            ("morning_check_completeness", "晨检记录完整率（班·日）", "Morning checks recorded (class-days)", morning),
            ("noon_check_completeness", "午检记录完整率（班·日）", "Noon checks recorded (class-days)", noon)):
        due = [(c, d) for d in days for c in classes if stays.get(c, enrolment.Stay()).on(d)]
        have = [key for key in due if (fold(key[0]), key[1]) in done]
        figures.append(Figure(figure_id, label, label_en, numerator=len(have), denominator=len(due),
                              counted=[r for c, d in have for r in done[(fold(c), d)]],
                              missing=[f"{c} {d}" for c, d in due if (fold(c), d) not in done],
                              parts={"classes": classes, "school_days": len(days),
                                     "from": start.isoformat() if start else None}))
    return figures


def disinfection_completeness(w: Window) -> Figure:
    """Per object, the school days (or school weeks) with enough records over those owed."""
    frequency = dict((w.param("disinfection_frequency", "members", {}) or {}).get("frequency", {}))
    outbreak = w.outbreak_mode and (w.param("disinfection_frequency", "outbreak") or {})
    rows = list(w.dated("disinfection", "日期"))
    start = w.counting_from([day for _, _, day in rows])
    days = w.calendar.school_days(start, w.last_day) if start and start <= w.last_day else []
    counts: Counter[tuple[str, date]] = Counter()
    refs: dict[tuple[str, date], list] = {}
    for t, i, day in rows:
        thing = value(t, i, "消毒对象")
        if isinstance(thing, str):
            counts[(fold(thing), day)] += 1
            refs.setdefault((fold(thing), day), []).append(ref(t, i))
    parts, counted, missing = {}, [], []
    weeks = sorted({week_start(d) for d in days if week_start(d) + timedelta(days=6) < w.today})
    for thing, period in frequency.items():
        need, key = 1, fold(thing)
        if outbreak:
            period, need = ("school_day", 1) if period == "school_week" else (period, outbreak.get("daily_min", 2))
        # A period is the days whose records count for it: one school day, or a whole week.
        spans = ([(f"第{m.isocalendar()[1]}周（{m:%m-%d}起）", [m + timedelta(days=k) for k in range(7)]) for m in weeks]
                 if period == "school_week" else [(d.isoformat(), [d]) for d in days])
        done = 0
        for name, span in spans:
            if sum(counts[(key, d)] for d in span) >= need:
                done += 1
                counted.extend(r for d in span for r in refs.get((key, d), []))
            else:
                missing.append(f"{thing} {name}")
        parts[thing] = {"numerator": done, "denominator": len(spans), "value": done / len(spans) if spans else None,
                        "period": period}
    return Figure("disinfection_completeness", "消毒记录完整率（按对象和频次）", "Disinfection records complete",
                  numerator=sum(p["numerator"] for p in parts.values()),
                  denominator=sum(p["denominator"] for p in parts.values()), counted=counted, missing=missing,
                  parts=parts)
