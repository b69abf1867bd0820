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


@given(st.lists(st.lists(CELLS, min_size=10, max_size=10), min_size=1, max_size=30))
def test_a_typed_column_is_its_raw_list_only_when_no_cell_changed(pack, rows):
    """A column whose every cell is already its typed value is kept once (8 MB a column on a
    million rows); any cell typed otherwise (trimmed, blank, a whole number) keeps its own list."""
    spec = pack.sheet("stock")
    headers = [f.header for f in spec.fields][:10]
    table, problems = build_table("园.xlsx", spec.name, [headers, *[list(row[:len(headers)]) for row in rows]], spec,
                                  "系统提醒")
    assert table is not None, problems
    typed, _ = validate(table, spec, TODAY, release_rows=True)
    for name, values in typed.columns.items():
        raw = typed.raw[name]
        same = len(values) == len(raw) and all(v is r for v, r in zip(values, raw, strict=True))
        assert (values is raw) == same, name


def test_records_are_found_by_row_number_in_order_or_not(pack):
    spec = pack.sheet("stock")
    headers = [f.header for f in spec.fields][:10]
    table, _ = build_table("园.xlsx", spec.name, [headers, ["大米", "食品", "千克", 5, 10], [], ["面粉"], ["油"]], spec, "系统提醒")
    typed, _ = validate(table, spec, TODAY)
    assert [typed.position(n) for n in (1, 2, 3, 4, 5, 6)] == [None, 0, None, 1, 2, None]
    typed.numbers, typed._positions = [9, 4, 7], None  # out of sheet order: found all the same
    assert [typed.position(n) for n in (4, 7, 9, 5)] == [1, 2, 0, None]
