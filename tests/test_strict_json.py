"""Every JSON Houqin writes is strict: no `NaN` or `Infinity` that a JSON reader would refuse."""

from __future__ import annotations

import json

from hypothesis import given
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
