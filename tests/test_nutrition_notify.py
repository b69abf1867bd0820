"""Unmet nutrition thresholds reach the morning digest like every other alert: a channel for
the nurse that covers 食谱用料 lists them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sync.demo import write_demo
from sync.notify.model import Channel
from tests.fake_bots import FakeBots
from tests.notify_helpers import cycle, notify_config
from tests.support import TODAY


def test_the_nurses_digest_lists_the_fat_month(tmp_path):
    write_demo(tmp_path / "books", today=TODAY)
    hook = FakeBots()
    try:
        nurse = Channel(name="保健室", url=f"json://127.0.0.1:{hook.port}/houqin", sheets=("食谱用料",), immediate="none")
        config = notify_config(tmp_path / "books", tmp_path / "state.sqlite3", nurse)
        cycle(config, TODAY, now=datetime(2026, 11, 25, 7, 35, tzinfo=ZoneInfo("Asia/Shanghai")), service=True)
        [digest] = hook.received
        assert digest.text.startswith("后勤早报") and "10月脂肪供能比为 41%，高于 30%–35% 的范围" in digest.text
        assert "食材“胡箩卜”不在食物成分表里" in digest.text  # the one error of the sheet comes first
        assert "安全检查" not in digest.text  # the nurse's channel covers her sheet only
    finally:
        hook.close()
