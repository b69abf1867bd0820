"""Google Sheets: staff notes beside the data, staff conditional formats, and a write whose
answer was lost are never Houqin's to overwrite or delete (issue 11's Google breaks)."""

from __future__ import annotations

import pytest

from rules.alerts import ALERT_HEADER
from sync.cycle.run import run_cycle
from tests.gsheets_helpers import google_config
from tests.support import TODAY

HEADERS = ["编号", "检查对象", "类别", "责任人", "检查周期", "上次检查日期"]


def inspections() -> list[list]:
    """Three extinguishers, two overdue, and a staff note right of the last header."""
    return [HEADERS,
            ["A1", "灭火器一楼", "消防器材", "刘师傅", 30, "2026-08-01", "周三换过药剂"],
            ["A2", "灭火器二楼", "消防器材", "刘师傅", 30, "2026-11-20", None],
            ["A3", "滑梯", "大型玩具", "刘师傅", 30, "2026-08-01", "厂家电话 13800000000"]]


def staff_rule(formula: str, column: int = 4, color: float = 0.5) -> dict:
    return {"ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": column, "endColumnIndex": column + 1}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                            "format": {"backgroundColor": {"red": color, "green": 1.0, "blue": color}}}}


def theirs_of(fake, key: str) -> list[dict]:
    """Staff's rules (their colours have full green; Houqin's amber and red do not)."""
    return [r for r in fake.conditional_formats(key, "安全检查")
            if r["booleanRule"]["format"]["backgroundColor"]["green"] == 1.0]


def test_unheaded_staff_notes_right_of_the_headers_are_never_overwritten(fake, pack):
    key = fake.add_spreadsheet("后勤", {"安全检查": inspections()})
    config = google_config(fake, key)
    for _ in range(2):
        run_cycle(config, today=TODAY, pack=pack)
        grid = fake.values(key, "安全检查")
        assert grid[1][6] == "周三换过药剂" and grid[3][6] == "厂家电话 13800000000"
    column = grid[0].index(ALERT_HEADER)
    assert column == 7 and grid[1][7].startswith("【错误】")


@pytest.mark.parametrize("formula", ["=LEN($E2)>0", '=OR(LEFT($E2,4)="【错误】",LEFT($E2,7)="[Error]")'])
def test_a_staff_rule_that_looks_like_houqins_is_never_deleted(fake, pack, formula):
    key = fake.add_spreadsheet("后勤", {"安全检查": inspections()})
    fake.add_rule(key, "安全检查", staff_rule(formula))
    config = google_config(fake, key)
    run_cycle(config, today=TODAY, pack=pack)
    assert theirs_of(fake, key) == [staff_rule(formula)]
    fake.move_column(key, "安全检查", 7, 0)  # staff move the alert column: Houqin's rules must follow
    moved = theirs_of(fake, key)  # Sheets re-keyed their rule too ($E2 -> $F2)
    run_cycle(config, today=TODAY, pack=pack)
    run_cycle(config, today=TODAY, pack=pack)
    assert theirs_of(fake, key) == moved
    assert len(fake.conditional_formats(key, "安全检查")) == 3


def test_a_write_whose_answer_was_lost_is_not_replayed(fake, pack):
    key = fake.add_spreadsheet("后勤", {"安全检查": inspections()})
    config = google_config(fake, key)
    run_cycle(config, today=TODAY, pack=pack)
    fake.remove_rule(key, "安全检查", 1)  # staff deleted Houqin's amber rule: it must be put back
    fake.add_rule(key, "安全检查", staff_rule("=$E2>60", color=0.2), index=0)
    fake.add_rule(key, "安全检查", staff_rule("=$E2<7"), index=0)  # two staff rules above Houqin's
    staff = theirs_of(fake, key)
    fake.lose_next_write_answer(500)
    first = run_cycle(config, today=TODAY, pack=pack)  # deletes by index: replaying them would hit staff's
    assert first.sources[0].write.status != "written"
    assert theirs_of(fake, key) == staff
    run_cycle(config, today=TODAY, pack=pack)
    assert theirs_of(fake, key) == staff and len(fake.conditional_formats(key, "安全检查")) == 4


def test_a_staff_rule_added_between_read_and_write_survives_the_delete_by_index(fake, pack):
    key = fake.add_spreadsheet("后勤", {"安全检查": inspections()})
    config = google_config(fake, key)
    run_cycle(config, today=TODAY, pack=pack)
    fake.move_column(key, "安全检查", 7, 0)
    theirs = staff_rule("=$F2>60", color=0.2)
    fake.on_next_write(lambda: fake.add_rule(key, "安全检查", theirs, index=0))
    run_cycle(config, today=TODAY, pack=pack)
    assert theirs_of(fake, key) == [theirs]
    run_cycle(config, today=TODAY, pack=pack)
    assert theirs_of(fake, key) == [theirs] and len(fake.conditional_formats(key, "安全检查")) == 3
