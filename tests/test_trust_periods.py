"""Period rules over random calendars of records: every school day / week / quarter inside
the window without a record yields exactly one finding, and one with a record none."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import SchoolCalendar, quarter_bounds, quarter_of, week_start
from sync.config.pack_file import read_pack
from tests.rules_helpers import of, run

PACK = read_pack()
CALENDAR = SchoolCalendar()
AUTUMN = CALENDAR.current_term(date(2026, 11, 25))
EARLIEST = AUTUMN.start - timedelta(days=240)


def window(records: list[date], today: date, term) -> tuple[date, date] | None:
    """The rule's window as DOMAIN.md says it: from the later of the term's start and the
    sheet's first record, up to yesterday or the term's end."""
    if not records:
        return None
    start, end = max(term.start, min(records)), min(today - timedelta(days=1), term.end)
    return (start, end) if start <= end else None


todays = st.dates(min_value=AUTUMN.start + timedelta(days=1), max_value=AUTUMN.end)
calendars = st.lists(st.dates(min_value=EARLIEST, max_value=AUTUMN.end), max_size=25)


@settings(max_examples=60)
@given(today=todays, records=calendars)
def test_every_week_without_a_meeting_yields_exactly_one_finding(today, records):
    records = [d for d in records if d < today]
    found = Counter(f.key.rsplit("|", 2)[-2] for f in of(run(PACK, {"meetings": [{"日期": d, "主题": "例会"} for d in records]}, today),
                                                        "weekly_meeting"))
    expected = set()
    span = window(records, today, AUTUMN)
    if span:
        monday = week_start(span[0])
        while monday + timedelta(days=6) < today:
            days = CALENDAR.school_days(max(monday, span[0]), min(monday + timedelta(days=6), span[1]))
            if days and not any(monday <= d <= monday + timedelta(days=6) for d in records):
                expected.add(f"week-{monday}")
            monday += timedelta(days=7)
    assert set(found) == expected and all(n == 1 for n in found.values())


@settings(max_examples=60)
@given(today=todays, records=calendars)
def test_every_school_day_without_a_morning_check_yields_exactly_one_finding(today, records):
    records = [d for d in records if d < today]
    rows = [{"日期": d, "班级": "小一班", "应到人数": 20, "实到人数": 20} for d in records]
    findings = of(run(PACK, {"health_checks": rows}, today, classes=["小一班"]), "daily_health_checks")
    found = Counter(f.key.rsplit("|", 2)[-2] for f in findings)
    span = window(records, today, AUTUMN)
    expected = {str(d) for d in CALENDAR.school_days(*span) if d not in records} if span else set()
    assert set(found) == expected and all(n == 1 for n in found.values())


@settings(max_examples=60)
@given(today=todays, records=calendars)
def test_every_past_quarter_without_a_drill_yields_exactly_one_error(today, records):
    records = [d for d in records if d < today]
    rows = [{"日期": d, "演练类型": "消防疏散", "参与人数": 100} for d in records]
    errors = [f for f in of(run(PACK, {"drills": rows}, today), "drill_every_quarter") if f.severity == "error"]
    found = Counter(f.key.rsplit("|", 2)[-2] for f in errors)
    expected = set()
    previous = CALENDAR.previous_term(today)
    for term in (previous, AUTUMN):
        span = window(records, today, term) if term else None
        if not span:
            continue
        quarter = quarter_of(span[0])
        while quarter_bounds(*quarter)[0] <= span[1]:
            first, last = quarter_bounds(*quarter)
            lived = CALENDAR.school_days(max(first, span[0]), min(last, span[1]))
            if last < today and lived and not any(first <= d <= last for d in records):
                expected.add(f"q-{quarter}")
            quarter = (quarter[0] + (quarter[1] == 4), quarter[1] % 4 + 1)
    assert set(found) == expected and all(n == 1 for n in found.values())
