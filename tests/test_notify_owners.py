"""One owner concept (rules/owners.py) for the page, the digest and the @mentions: on 固定资产,
whose only role is 保管人, an overdue stocktake @mentions the keeper, and the digest counts per
person what the status page's to-do counts."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from openpyxl import Workbook

from sync.notify.commands import notify_digest
from sync.notify.model import Channel
from tests.notify_helpers import cycle, notify_config, running_bots
from tests.support import TODAY
from webapp import todo

TOKEN, SECRET = "dingtoken0123abcd", "SECa1b2c3d4e5f60789"
DINGTALK = Channel(name="园务群", url=f"dingtalk://{SECRET}@{TOKEN}/")
KEEPER, PHONE = "王会计", "13900000001"


@pytest.fixture
def bots(monkeypatch):
    yield from running_bots(monkeypatch)


def assets(path, keepers: list[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "固定资产"
    sheet.append(["资产编号", "名称", "所在场室", "保管人", "数量", "购置日期", "上次盘点日期", "状态"])
    for n, keeper in enumerate(keepers, 1):
        sheet.append([f"ZC-{n:03d}", f"钢琴{n}", "音乐室", keeper, 1, date(2024, 3, 1), date(2025, 10, 1), "在用"])
    book.save(path)


def test_the_keeper_of_an_overdue_stocktake_is_mentioned_and_counted_as_on_the_page(bots, tmp_path):
    bots.secrets[TOKEN] = SECRET
    folder = tmp_path / "books"
    folder.mkdir()
    assets(folder / "资产.xlsx", [KEEPER, KEEPER, "赵老师、钱老师"])
    config = notify_config(folder, tmp_path / "state.sqlite3", DINGTALK)
    config.notify.people = {KEEPER: PHONE, "钱老师": "13900000002"}

    cycle(config, TODAY)
    alerts = bots.by("dingtalk")
    text = "\n".join(m.text for m in alerts)
    assert f"保管人 {KEEPER} @{PHONE}" in text
    assert PHONE in {p for m in alerts for p in m.payload["at"]["atMobiles"]}
    # Everyone a row names is mentioned, the second keeper too.
    assert "保管人 赵老师、钱老师 @13900000002" in text

    with sqlite3.connect(config.state_db) as db:
        db.row_factory = sqlite3.Row
        page = {row["owner"]: row["total"] for row in todo.owners(db)}
    assert page == {KEEPER: 2, "赵老师": 1}

    assert notify_digest(config, TODAY) == 0
    digest = bots.by("dingtalk")[-1].text
    line = digest.split("**按人**：", 1)[1].split("\n", 1)[0]
    by_person = {name: int(count) for name, count in re.findall(r"([^；\s]+?)(?: @\d+)? (\d+) 条", line)
                 if name != "未注明"}  # sheet-wide problems, which the page lists apart
    assert by_person == page
