"""A cycle lets a sheet's rows go once validation has taken its columns (issue 26: a
1,048,576-row sheet must not hold its rows, raw columns and typed columns at once); what
validation finds and types is the same either way."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rules.tables import build_table
from rules.validate import validate
from tests.support import TODAY

CELLS = st.one_of(st.none(), st.text("米面油0123-/ ", max_size=6), st.floats(-5, 500, allow_nan=False),
                  st.integers(-3, 300), st.dates())


@given(st.lists(st.lists(CELLS, min_size=10, max_size=10), min_size=1, max_size=30))
def test_rows_let_go_after_their_columns_are_taken_change_nothing_validation_says(pack, rows):
    spec = pack.sheet("stock")
    headers = [f.header for f in spec.fields][:10]
    results = []
    for release in (False, True):
        table, problems = build_table("园.xlsx", spec.name, [headers, *[list(row[:len(headers)]) for row in rows]], spec,
                                      "系统提醒")
        assert table is not None, problems
        typed, findings = validate(table, spec, TODAY, release_rows=release)
        assert table.cells == [] or not release
        results.append((typed.columns, typed.raw, typed.invalid, [(f.key, f.message) for f in findings]))
    assert results[0] == results[1]
