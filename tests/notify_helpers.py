"""Helpers for the notification tests: a fake-bot fixture, workbooks with many alerts, a cycle
run in-process exactly as `run` does it (check, write back, record, notify)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from sync.config.loader import Config
from sync.cycle.run import run_cycle
from sync.notify.hook import after_cycle
from sync.notify.model import Channel, NotifySettings
from sync.state import store as state
from tests.fake_bots import FakeBots
from tests.support import TODAY

STOCK_HEADERS = ["物品名称", "类别", "单位", "数量", "最低库存", "入库日期", "到期日期", "存放位置", "经手人"]


def running_bots(monkeypatch):
    """The body of a `bots` fixture: a fake for every bot, apprise pointed at it."""
    fake = FakeBots()
    fake.redirect(monkeypatch)
    yield fake
    fake.close()
    assert fake.too_fast == 0  # no test ever makes a bot answer "too many requests"


def expired_stock(path: Path, count: int, today: date, keeper: str = "刘师傅") -> Path:
    """A 库存 sheet of `count` foods past their date: `count` error alerts, one per row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "库存"
    sheet.append(STOCK_HEADERS)
    for i in range(count):
        sheet.append([f"过期食品{i + 1:02d}", "食品", "箱", 3, 1, today - timedelta(days=30), today - timedelta(days=1 + i % 5),
                      "冷藏柜", keeper])
    book.save(path)
    return path


def notify_config(folder: Path, db: Path, *channels: Channel, **settings) -> Config:
    config = Config(paths=[folder], state_db=db)
    config.notify = NotifySettings(channels=list(channels), quiet_hours=settings.pop("quiet_hours", None), **settings)
    return config


def cycle(config: Config, today: date, now: datetime | None = None, service: bool = False):
    """One `run` (or, with `service`, one cycle of the service, digest included): check and
    write back, record the run, then notify."""
    result = run_cycle(config, today=today)
    state.record_run(Path(config.state_db), result)
    after_cycle(config, result, now=now, digests=service)
    return result


def set_milk_expiry(folder: Path, days_from_today: int) -> None:
    """Staff correct (or mistype) the milk's date in the canteen workbook."""
    path = folder / "books" / "食堂管理.xlsx"
    book = load_workbook(path)
    sheet = book["库存"]
    header = next(r for r in sheet.iter_rows(max_row=5) if any(c.value == "物品名称" for c in r))
    columns = {c.value: c.column for c in header}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if row[columns["物品名称"] - 1].value == "纯牛奶":
            row[columns["到期日期"] - 1].value = TODAY + timedelta(days=days_from_today)
    book.save(path)
