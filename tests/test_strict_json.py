"""Every JSON Houqin writes is strict: no `NaN` or `Infinity` that a JSON reader would refuse."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.output import strict_json


def _refuse(constant: str):
    raise ValueError(f"not JSON: {constant}")


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_any_value_is_written_as_json_every_reader_accepts(value):
    for text in (strict_json.dumps(value), strict_json.indented(value)):
        read = json.loads(text, parse_constant=_refuse)
        assert read == json.loads(json.dumps(strict_json.finite(value), allow_nan=False))


plain = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates()
# Lists of flat records (the findings), records with nested parts, odd keys and empty containers.
records = st.lists(st.dictionaries(st.text(max_size=5), plain, max_size=5), max_size=5)
laid_out = st.recursive(
    plain | records,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(st.text(max_size=5) | st.integers() | st.floats() | st.booleans() | st.none(),
                                     inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=400)
@given(laid_out)
def test_the_indented_layout_is_the_text_python_s_own_encoder_writes(value):
    """`indented` is fast by its own layout; its text must be byte for byte what people were given."""
    try:
        reference = json.dumps(strict_json.finite(value), allow_nan=False, ensure_ascii=False, indent=2, default=str)
    except ValueError:  # a key that is not a finite float: refused by both
        try:
            strict_json.indented(value)
        except ValueError:
            return
        raise AssertionError("indented wrote a key that is not a finite number") from None
    assert strict_json.indented(value) == reference
    assert strict_json.dumps(value, indent=2, default=str) == reference


def test_findings_are_laid_out_one_field_a_line_with_text_that_looks_like_the_layout():
    findings = [{"cell": "B7", "message": "数量应为数字，实际是 \"},\n{\"", "value": float("nan"), "day": date(2026, 11, 25)},
                {"cell": "C8", "message": "} ,", "value": 1e16}]
    text = strict_json.indented({"findings": findings, "summary": {}})
    assert text == json.dumps({"findings": strict_json.finite(findings), "summary": {}}, ensure_ascii=False,
                              indent=2, default=str)
    assert '    {\n      "cell": "B7",\n' in text


def test_a_number_that_is_not_finite_is_null_and_chinese_stays_readable():
    text = strict_json.dumps({"能量": float("inf"), "蛋白质": float("nan"), "脂肪": 1.5, "名称": "纯牛奶"})
    assert json.loads(text) == {"能量": None, "蛋白质": None, "脂肪": 1.5, "名称": "纯牛奶"}
    assert "纯牛奶" in text


def test_the_status_api_answers_strict_json_for_a_non_finite_value(tmp_path):
    from sync.config.loader import Config
    from webapp import create_app

    app = create_app(Config(state_db=tmp_path / "s.sqlite3"), secret_key="k")
    with app.app_context():
        text = app.json.dumps({"比例": float("inf")})
    assert json.loads(text, parse_constant=_refuse) == {"比例": None}
