"""rules/enrolment.py against a day-by-day count: whatever the stays and the window, a child
is counted exactly when one of its days (入园日期..离园日期) is inside the window, and once."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rules import enrolment
from rules.figures import figures
from tests.rules_helpers import typed_sheet

DAY0 = date(2025, 9, 1)
days = st.integers(0, 400).map(lambda n: DAY0 + timedelta(days=n))
child = st.tuples(st.sampled_from(["甲", "乙", "丙", "丁"]), st.sampled_from([date(2021, 1, 1), date(2021, 6, 1)]),
                  st.sampled_from(["小一班", "中一班"]), days, st.none() | days, st.booleans())


@given(st.lists(child, max_size=12), days, st.integers(0, 120))
def test_a_child_counts_when_a_day_of_its_stay_is_in_the_window_and_once(pack, children, first, length):
    last = first + timedelta(days=length)
    rows = [{"姓名": n, "班级": c, "出生日期": b, "入园日期": a, "离园日期": left,
             "入园体检日期": a if exam else None} for n, b, c, a, left, exam in children]
    typed, _ = typed_sheet(pack, "children", rows, DAY0)
    counted = [typed.numbers[i] for _, i in enrolment.enrolled([typed], first, last)]
    expected, seen = [], set()
    for number, (n, b, _, admitted, left, _) in enumerate(children, start=2):
        if (n, b) in seen:
            continue  # the same child written again: counted once, on its first row
        seen.add((n, b))
        inside = [first + timedelta(days=k) for k in range(length + 1)]
        if left is not None and left < admitted:
            continue
        if any(admitted <= d and (left is None or d <= left) for d in inside):
            expected.append(number)
    assert counted == expected
    coverage = figures(pack, {"children": [typed]}, last)
    if coverage:
        on_last = list(enrolment.enrolled([typed], last, last))
        assert coverage["入园体检率"]["total"] == len(on_last)
