"""The 设置 sheets: staff change the rules' settings in a sheet (规则设置), checked with the
kinds' own declarations, answered in the row's 系统提醒, remembered in the state database."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from rules.kinds import KINDS
from rules.kinds.settings import COMMON
from rules.settings_sheet.rule_settings import HEADERS, tunables
from sync.config.loader import Config
from sync.cycle.run import run_cycle
from sync.state import store as state
from tests.support import TODAY

STOCK = ["物品名称", "类别", "数量", "到期日期", "经手人"]
RULE = "过期和临期物品"
FOOD_DAYS = "食品提前提醒天数"


def every_setting(declared, prefix=""):
    for name, setting in declared.items():
        yield prefix + name, setting
        yield from every_setting(setting.fields, prefix + name + ".")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_setting_of_every_kind_has_a_chinese_label_and_help(kind):
    for name, setting in every_setting({**COMMON, **KINDS[kind].settings}):
        assert setting.label and setting.help, f"{kind}.{name} needs label= and help= in its declaration"
        assert not setting.label.isascii(), f"{kind}.{name}: the label is what staff read, in Chinese"


def test_each_rule_names_its_settings_once(pack):
    seen: dict[str, set[str]] = {}
    for tunable in tunables(pack):
        labels = seen.setdefault(tunable.rule.id, set())
        assert tunable.label not in labels, f"{tunable.rule.id}: two settings labelled {tunable.label}"
        labels.add(tunable.label)
    assert "食品提前提醒天数" in seen["stock_expiry"] and "开/关" in seen["stock_expiry"]


def stock_book(folder: Path) -> Path:
    """Milk five days from its date: a warning while food is flagged 7 days ahead, none at 3."""
    book = Workbook()
    sheet = book.active
    sheet.title = "库存"
    sheet.append(STOCK)
    sheet.append(["纯牛奶", "食品", 10, TODAY + timedelta(days=5), "刘师傅"])
    sheet.append(["面粉", "食品", 4, TODAY + timedelta(days=60), "刘师傅"])
    path = folder / "食堂.xlsx"
    book.save(path)
    return path


def settings_book(folder: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "规则设置"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    path = folder / "设置.xlsx"
    book.save(path)
    return path


def set_value(path: Path, row: int, value) -> None:
    book = load_workbook(path)
    book["规则设置"].cell(row=row, column=3).value = value
    book.save(path)


def alerts_of(path: Path, sheet: str) -> dict[int, str]:
    """Row -> the text of its 系统提醒 cell, as staff see it."""
    grid = load_workbook(path)[sheet]
    header = [c.value for c in grid[1]]
    column = header.index("系统提醒") + 1
    return {r: grid.cell(row=r, column=column).value for r in range(2, grid.max_row + 1)
            if grid.cell(row=r, column=column).value}


def cycle(config: Config):
    result = run_cycle(config, today=TODAY)
    state.record_run(Path(config.state_db), result)
    return result


def milk_warnings(result) -> list[str]:
    return [f.message for f in result.findings if f.rule == "stock_expiry" and "纯牛奶" in f.message]


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "books").mkdir()
    stock_book(tmp_path / "books")
    return tmp_path


def test_food_warning_days_changed_in_the_sheet_change_the_next_run(folder):
    settings = settings_book(folder / "books", [[RULE, FOOD_DAYS, 7, 7, "到期前几天开始提醒"]])
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    assert milk_warnings(cycle(config))  # 5 days left, flagged from 7
    set_value(settings, 2, 3)
    result = cycle(config)
    assert milk_warnings(result) == []
    assert alerts_of(folder / "books" / "食堂.xlsx", "库存") == {}
    connection = state.connect(folder / "state.sqlite3")
    view = state.settings_view(connection)
    entry = next(e for e in view["entries"] if e["key"] == "stock_expiry.warn_days.食品")
    assert (entry["value"], entry["origin"], entry["place"]) == ("3", "sheet", "设置.xlsx › 规则设置 › C2")
    changes = state.settings_changes(connection)
    assert [(c["old"], c["new"]) for c in changes if c["key"] == "stock_expiry.warn_days.食品"] == [("7", "3")]
    cycle(config)  # nothing moved: no second change
    assert len(state.settings_changes(connection)) == len(changes)


def test_bad_rows_are_answered_in_their_own_row_and_the_rule_keeps_its_last_value(folder):
    settings = settings_book(folder / "books", [[RULE, FOOD_DAYS, 3]])
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    assert milk_warnings(cycle(config)) == []  # 3 days: the milk (5 days) is not flagged
    stock_alerts = alerts_of(folder / "books" / "食堂.xlsx", "库存")
    set_value(settings, 2, "三天")
    book = load_workbook(settings)
    sheet = book["规则设置"]
    sheet.append([RULE, "食品提前提醒天", 5])       # misspelt setting
    sheet.append(["过期临期物品", FOOD_DAYS, 5])     # unknown rule, near a real one
    sheet.append(["疏散用时", "比较值", -1])          # fine: no range on a comparison
    sheet.append([RULE, "物资提前提醒天数", 99999])   # out of range
    book.save(settings)
    result = cycle(config)
    assert milk_warnings(result) == []  # still 3, the last valid value
    assert alerts_of(folder / "books" / "食堂.xlsx", "库存") == stock_alerts
    said = alerts_of(settings, "规则设置")
    assert "应为整数" in said[2] and "三天" in said[2] and "仍按上次有效的值 3" in said[2]
    assert "是不是“食品提前提醒天数”" in said[3]
    assert "是不是“过期和临期物品”" in said[4]
    assert 5 not in said
    assert "0 到 3650" in said[6] and "仍按默认值 30" in said[6]


def test_a_url_or_secret_typed_in_the_sheet_is_refused_and_never_used(folder):
    settings = settings_book(folder / "books", [[RULE, FOOD_DAYS, "https://oapi.dingtalk.com/robot/send?access_token=abc"],
                                                [RULE, "物资提前提醒天数", "token=0123456789abcdef0123456789"]])
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    result = cycle(config)
    said = alerts_of(settings, "规则设置")
    assert "不能填网址或密钥" in said[2] and "不能填网址或密钥" in said[3]
    assert milk_warnings(result)  # the default 7 holds
    for item in result.findings:
        assert "dingtalk" not in (item.value or "") + item.message and "0123456789abcdef" not in (item.value or "")


def test_a_rule_switched_off_in_the_sheet_says_where(folder):
    settings_book(folder / "books", [[RULE, "开/关", "关"]])
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    result = cycle(config)
    assert milk_warnings(result) == []
    entry = next(e for e in result.settings["entries"] if e["key"] == "stock_expiry.enabled")
    assert (entry["value"], entry["place"]) == ("关", "设置.xlsx › 规则设置 › C2")


def test_a_locked_setting_keeps_the_config_value(folder):
    settings_book(folder / "books", [[RULE, FOOD_DAYS, 3]])
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3", settings_locked=["stock_expiry.warn_days"])
    result = cycle(config)
    assert milk_warnings(result)
    assert "已在配置文件中锁定" in alerts_of(folder / "books" / "设置.xlsx", "规则设置")[2]


def test_the_settings_tab_shows_the_value_the_sheet_set_and_its_cell(folder, make_app):
    settings = settings_book(folder / "books", [[RULE, FOOD_DAYS, 7], [RULE, "开/关", "开"]])
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    cycle(config)
    set_value(settings, 2, 3)
    set_value(settings, 3, "关")
    cycle(config)
    app = make_app(lambda db: None)
    app.config["HOUQIN_DB"] = config.state_db
    html = app.test_client().get("/?tab=settings").get_data(as_text=True)
    row = re.search(r'<tr data-key="stock_expiry.warn_days.食品">(.*?)</tr>', html, re.S)[1]
    assert ">3<" in row and "设置.xlsx › 规则设置 › C2" in row
    assert "已由 设置.xlsx › 规则设置 › C3 关闭" in html
    assert "库存 过期和临期物品 · 食品提前提醒天数" in html and "7 → 3" in html
    assert "规则包的默认值 &lt; 配置文件 &lt; 设置表" in html


def test_the_next_digest_lists_the_change_once(folder, monkeypatch):
    from sync.notify.model import Channel, NotifySettings
    from tests.notify_helpers import running_bots

    bots_gen = running_bots(monkeypatch)
    bots = next(bots_gen)
    try:
        token, secret = "dingtoken0123abcd", "SECa1b2c3d4e5f60789"
        bots.secrets[token] = secret
        settings = settings_book(folder / "books", [[RULE, FOOD_DAYS, 7]])
        config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
        config.notify = NotifySettings(channels=[Channel(name="园务群", url=f"dingtalk://{secret}@{token}/")])
        from tests.notify_helpers import cycle as notify_cycle

        tz = config.zone
        notify_cycle(config, TODAY, now=datetime(2026, 11, 25, 7, 50, tzinfo=tz), service=True)  # Wednesday's digest
        set_value(settings, 2, 3)
        notify_cycle(config, TODAY, now=datetime(2026, 11, 25, 10, 0, tzinfo=tz), service=True)
        notify_cycle(config, TODAY, now=datetime(2026, 11, 26, 7, 50, tzinfo=tz), service=True)  # Thursday's
        notify_cycle(config, TODAY, now=datetime(2026, 11, 27, 7, 50, tzinfo=tz), service=True)  # Friday's
        texts = [m.text for m in bots.by("dingtalk") if "后勤早报" in m.text]
        line = "设置变更：库存 过期和临期物品 · 食品提前提醒天数 7 → 3（设置.xlsx › 规则设置 › C2）"
        assert len(texts) == 3 and [line in text for text in texts] == [False, True, False]
    finally:
        bots_gen.close()


def add_sheet(path: Path, title: str, headers: list[str], rows: list[list]) -> None:
    book = load_workbook(path)
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_people_in_the_sheet_replace_the_config_and_receive_their_sheets(folder, monkeypatch):
    from sync.notify.model import Channel, NotifySettings
    from tests.notify_helpers import cycle as notify_cycle
    from tests.notify_helpers import running_bots

    bots_gen = running_bots(monkeypatch)
    bots = next(bots_gen)
    try:
        token, secret = "dingtoken0123abcd", "SECa1b2c3d4e5f60789"
        bots.secrets[token] = secret
        settings = settings_book(folder / "books", [])
        add_sheet(settings, "通知人员", ["姓名", "手机号", "企业微信账号", "接收哪些表"],
                  [["刘师傅", "138 0000 0000", "", ""], ["王园长", "13900000000", "", "库存"],
                   ["张老师", "12345", "", "留样"]])
        config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
        channel = Channel(name="园务群", url=f"dingtalk://{secret}@{token}/", immediate="warning")
        config.notify = NotifySettings(channels=[channel], people={"刘师傅": "13711111111"}, digest_time=None)
        notify_cycle(config, TODAY, now=datetime(2026, 11, 25, 10, 0, tzinfo=config.zone))
        text = "\n".join(m.text for m in bots.by("dingtalk"))
        assert "经手人 刘师傅 @13800000000" in text and "13711111111" not in text  # the sheet, not the config
        assert "接收人 王园长 @13900000000" in text
        said = alerts_of(settings, "通知人员")
        assert "11 位手机号码" in said[4] and "是不是“食品留样”" in said[4]
    finally:
        bots_gen.close()


CUSTOM = ["表名", "列名", "类型", "必填", "选项", "到期提醒天数", "填了哪列时必填", "记录频次", "说明"]


def test_a_custom_sheet_defined_in_the_settings_gets_checked_and_its_alerts_written(folder):
    settings = settings_book(folder / "books", [])
    add_sheet(settings, "自定义表", CUSTOM, [
        ["校车检查", "车牌", "文字", "是"],
        ["校车检查", "检查日期", "日期"],
        ["校车检查", "下次检查日期", "日期", None, None, 3],
        ["校车检查", "检查人", "文字", None, None, None, "检查日期"],
        ["校车检查", "车牌", "文字"],                       # the same column twice
        ["校车检查", "状态", "选项"],                        # options missing
        ["校车检查", "备注", "文字", None, None, 5],         # a due date that is no date
    ])
    book = Workbook()
    sheet = book.active
    sheet.title = "校车检查"
    sheet.append(["车牌", "检查日期", "下次检查日期", "检查人"])
    sheet.append(["沪A12345", TODAY - timedelta(days=28), TODAY + timedelta(days=2), "刘师傅"])
    sheet.append(["沪B67890", TODAY - timedelta(days=40), TODAY - timedelta(days=1), None])
    sheet.append(["沪C24680", TODAY - timedelta(days=20), TODAY + timedelta(days=10), "王师傅"])
    book.save(folder / "books" / "车辆.xlsx")
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    cycle(config)
    alerts = alerts_of(folder / "books" / "车辆.xlsx", "校车检查")
    assert "沪A12345" in alerts[2] and "2 天" in alerts[2] and alerts[2].startswith("【提醒】")
    assert "沪B67890" in alerts[3] and "【错误】" in alerts[3] and "检查人" in alerts[3]
    assert 4 not in alerts
    said = alerts_of(settings, "自定义表")
    assert "已在第 2 行定义" in said[6] and "选项" in said[7] and "不是日期列" in said[8]
    assert set(said) == {6, 7, 8}


def test_terms_holidays_and_classes_from_the_sheet(folder):
    from datetime import date

    settings = settings_book(folder / "books", [])
    add_sheet(settings, "学期与假期", ["项目", "名称", "开始日期", "结束日期", "说明"], [
        ["学期", "2026年秋季学期", date(2026, 11, 16), date(2027, 1, 20)],
        ["放假", "园所检修", date(2026, 11, 23), date(2026, 11, 24)],
        ["班级", "小一班"], ["班级", "中一班"], ["责任区域", "二楼走廊"],
        ["学期", "重叠的学期", date(2026, 12, 1), date(2027, 1, 1)],
        ["放假", "写错的年份", date(2026, 11, 1), date(2027, 11, 1)],
    ])
    book = Workbook()
    sheet = book.active
    sheet.title = "晨午检"
    sheet.append(["日期", "班级", "应到人数", "实到人数", "晨检人"])
    for day in range(16, 21):
        sheet.append([date(2026, 11, day), "小一班", 20, 19, "王老师"])
    book.save(folder / "books" / "保健.xlsx")
    config = Config(paths=[folder / "books"], state_db=folder / "state.sqlite3")
    result = cycle(config)
    missing = sorted(f.message for f in result.findings if f.rule == "daily_health_checks")
    assert missing and all("中一班" in m for m in missing), missing  # 小一班's 23rd and 24th were holidays
    assert not any("11-23" in m or "11-24" in m for m in missing)
    said = alerts_of(settings, "学期与假期")
    assert "重叠" in said[7] and "60 天以内" in said[8] and set(said) == {7, 8}
    assert "责任区域：二楼走廊" in result.settings["calendar"]


def test_init_writes_the_settings_sheet_prefilled_with_dropdowns(tmp_path, pack):
    from sync.cli.entry import main

    out = tmp_path / "后勤表格.xlsx"
    assert main(["init", "--out", str(out)]) == 0
    book = load_workbook(out)
    sheet = book["规则设置"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(tunables(pack))
    food = rows[(RULE, FOOD_DAYS)]
    assert food[2] is None and food[3] == "7" and "库存" in food[4]
    assert rows[(RULE, "开/关")][3] == "开"
    lists = {v.formula1: str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert '"开,关"' in lists and '"错误,提醒"' in lists
    assert '"文字,数字,日期,选项"' in {v.formula1 for v in book["自定义表"].data_validations.dataValidation}
    # As written, the sheet changes nothing and says nothing.
    folder = tmp_path / "books"
    folder.mkdir()
    out.rename(folder / "设置.xlsx")
    result = cycle(Config(paths=[folder], state_db=tmp_path / "state.sqlite3"))
    assert not [f for f in result.findings if f.sheet_id and f.sheet_id.startswith("settings")]
    assert all(e["origin"] == "pack" for e in result.settings["entries"])


def test_a_misspelt_lock_in_the_config_is_refused_with_the_nearest_name(tmp_path):
    from sync.config.loader import parse
    from sync.config.pack_file import PackFileError, pack_for

    config = parse('[sources]\npaths = ["x"]\n[settings_sheet]\nlocked = ["stock_expiry.warn_dys"]\n', tmp_path / "houqin.toml")
    with pytest.raises(PackFileError, match="warn_days"):
        pack_for(config)


def test_a_second_row_for_the_same_setting_is_never_used(folder):
    settings = settings_book(folder / "books", [[RULE, FOOD_DAYS, "三天"], [RULE, FOOD_DAYS, 3]])
    result = cycle(Config(paths=[folder / "books"], state_db=folder / "state.sqlite3"))
    assert milk_warnings(result)  # row 2 is wrong, so the default 7 holds: row 3 does not sneak in
    said = alerts_of(settings, "规则设置")
    assert "仍按默认值 7" in said[2] and "已在第 2 行" in said[3]
