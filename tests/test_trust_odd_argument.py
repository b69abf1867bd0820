"""One odd argument: a date, month or term the command line cannot use is one Chinese message
and exit 2, never a traceback or an English sentence, and never silently something else."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.cli import arguments
from tests.cli_helpers import cli
from tests.support import assert_one_clear_failure


@pytest.mark.parametrize("args, words", [
    (["check", "--today", "9999-12-31"], ["--today", "1900", "2099", "9999-12-31"]),
    (["run", "--today", "0001-01-01"], ["--today", "1900", "0001-01-01"]),
    (["report", "--from", "9999-01-01", "--to", "9999-12-31"], ["--from", "2099"]),
    (["report", "--today", "9999-12-31"], ["--today", "2099"]),
    (["nutrition", "--month", "0000-01"], ["--month", "1900", "0000-01"]),
    (["nutrition", "--month", "9999-12"], ["--month", "2099"]),
    (["nutrition", "--from", "9999-12-01", "--to", "9999-12-31"], ["--from", "2099"]),
    (["notify", "digest", "--today", "9999-12-31"], ["--today", "2099"]),
    (["demo", "--today", "9999-12-31"], ["--today", "2099"]),
    (["check", "--today", "2026-02-30"], ["--today", "没有这一天"]),
    (["report", "--term", ""], ["--term", "学期名称不能为空"]),
    (["report", "--term", "  "], ["--term", "学期名称不能为空"]),
])
def test_an_odd_argument_is_one_chinese_message_and_exit_2(tmp_path, args, words):
    done = cli(*args, str(tmp_path)) if args[0] != "notify" else cli(*args)
    assert_one_clear_failure(done, *words)
    assert "year" not in done.stderr and "invalid" not in done.stderr and "value" not in done.stderr


@given(st.dates())
def test_any_date_is_read_or_refused_in_chinese(day):
    text = day.isoformat() if day.year >= 1000 else f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    if arguments.FIRST_YEAR <= day.year <= arguments.LAST_YEAR:
        assert arguments.day(text) == day
    else:
        with pytest.raises(argparse.ArgumentTypeError, match="年份应在"):
            arguments.day(text)
