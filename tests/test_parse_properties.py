"""Random cell values through the parsers: they never raise, and never invent a date."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import parse
from rules.model import CellError
from rules.parse import Bad

TODAY = date(2026, 11, 25)

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet="0123456789０１２３４５６７８９-/.年月日号:：点时分 ", max_size=16),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)),
    st.sampled_from(["#REF!", "#DIV/0!", "#VALUE!", "#N/A"]).map(CellError),
)

PARSERS = [
    lambda v: parse.parse_date(v, TODAY),
    lambda v: parse.parse_datetime(v, TODAY),
    parse.parse_time,
    parse.parse_yearmonth,
    parse.parse_number,
    parse.parse_integer,
    parse.parse_string,
    lambda v: parse.parse_boolean(v, ("是",), ("否",)),
]


@settings(max_examples=400, deadline=None)
@given(cell_values)
def test_parsers_never_raise(value):
    for parser in PARSERS:
        result = parser(value)
        if isinstance(result, Bad):
            assert result.zh and result.en


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**9, 10**9)))
def test_a_bare_number_typed_as_text_is_never_a_date(number):
    text = repr(number) if isinstance(number, float) else str(number)
    result = parse.parse_date(text, TODAY)
    # Only the eight-digit form DOMAIN.md lists (20261125) may be a date.
    if not re.fullmatch(r"\d{8}", text):
        assert isinstance(result, Bad), (text, result)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()))
def test_a_fractional_number_is_never_a_date(number):
    assert isinstance(parse.parse_date(number, TODAY), Bad)
    assert isinstance(parse.parse_date(str(number), TODAY), Bad)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_every_typed_form_of_a_date_reads_back_as_that_date(day):
    forms = [
        day.isoformat(), day.strftime("%Y/%m/%d"), day.strftime("%Y.%m.%d"), f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day}号", day.strftime("%Y%m%d"),
        day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    ]
    for form in forms:
        assert parse.parse_date(form, TODAY) == day, form
    assert parse.parse_date(datetime.combine(day, time(9)), TODAY) == day


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1, 31))
def test_month_and_day_take_the_context_year_and_say_so(month, day):
    result = parse.parse_date(f"{month}月{day}日", TODAY)
    if isinstance(result, Bad):
        return
    assert isinstance(result, parse.GuessedYearDate) and result.year == 2026


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_date_without_its_time_is_refused_with_an_example_on_that_date(day):
    for typed in (day, f"{day:%Y-%m-%d}", f"{day.year}年{day.month}月{day.day}日"):
        result = parse.parse_datetime(typed, TODAY)
        assert isinstance(result, Bad)
        assert f"如 {day:%Y-%m-%d} 11:30" in result.zh
