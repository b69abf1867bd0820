"""Group bots through apprise against loopback fakes of DingTalk, WeCom and Feishu: signatures,
size limits, the 20-a-minute limit kept by batching, and refusals reported, not swallowed."""

from __future__ import annotations

import re

import apprise
import pytest

from sync.notify import outbox
from sync.notify.channels import Message, send
from sync.notify.model import Channel
from sync.state import store as state
from tests.notify_helpers import cycle, expired_stock, notify_config, running_bots
from tests.support import TODAY

TOKEN, SECRET = "dingtoken0123abcd", "SECa1b2c3d4e5f60789"
DINGTALK = Channel(name="园务群", url=f"dingtalk://{SECRET}@{TOKEN}/")


@pytest.fixture
def bots(monkeypatch):
    yield from running_bots(monkeypatch)


def test_sixty_new_alerts_reach_dingtalk_signed_in_at_most_three_messages(bots, tmp_path):
    bots.secrets[TOKEN] = SECRET
    folder = tmp_path / "books"
    folder.mkdir()
    expired_stock(folder / "食堂.xlsx", 60, TODAY)
    config = notify_config(folder, tmp_path / "state.sqlite3", DINGTALK)
    config.notify.people = {"刘师傅": "13800000000"}

    cycle(config, TODAY)
    messages = bots.by("dingtalk")
    assert 1 <= len(messages) <= 3 and all(m.ok for m in messages), [m.answer for m in messages]
    text = "\n".join(m.text for m in messages)
    # Every one of the 60 is named or counted, none twice; the keeper is @mentioned by phone.
    named = [i for i in range(1, 61) if f"过期食品{i:02d}" in text]
    counted = sum(int(n) for n in re.findall(r"另有 (\d+) 条", text))
    assert len(named) + counted == 60
    assert "食堂.xlsx › 库存 › " in text and "经手人 刘师傅 @13800000000" in text
    assert "13800000000" in messages[0].payload["at"]["atMobiles"]

    cycle(config, TODAY)  # the same alerts, still open: nothing new
    assert len(bots.by("dingtalk")) == len(messages)
    assert bots.too_fast == 0


def test_apprise_own_dingtalk_signature_is_refused_so_houqin_signs_itself(bots):
    """apprise 2.3.0 URL-encodes `sign` twice; the real service (and this fake) refuse it."""
    bots.secrets[TOKEN] = SECRET
    plain = apprise.Apprise()
    plain.add(f"dingtalk://{SECRET}@{TOKEN}/")
    plain.notify("测试", title="标题")
    assert bots.received[-1].answer["errcode"] == 310000

    assert send(DINGTALK, Message("标题", "正文")).ok
    assert bots.received[-1].answer == {"errcode": 0, "errmsg": "ok"}


def test_a_refusal_in_the_body_is_a_failure_with_its_reason_and_no_secret(bots):
    bots.secrets[TOKEN] = "SECsomethingelse000"
    outcome = send(DINGTALK, Message("标题", "正文"))
    assert not outcome.ok and "310000" in outcome.reason and "sign not match" in outcome.reason
    assert SECRET not in outcome.reason and TOKEN not in outcome.reason


def test_wecom_gets_markdown_within_4096_bytes_and_a_count_of_the_rest(bots, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    expired_stock(folder / "食堂.xlsx", 90, TODAY)
    config = notify_config(folder, tmp_path / "state.sqlite3", Channel(name="企业微信群", url="wecombot://wecomkey-1234"))
    cycle(config, TODAY)
    messages = bots.by("wecom")
    assert 1 <= len(messages) <= 3 and all(m.ok for m in messages), [m.answer for m in messages]
    assert all(m.payload["msgtype"] == "markdown" for m in messages)
    assert all(len(m.text.encode("utf-8")) <= 4096 for m in messages)
    text = "\n".join(m.text for m in messages)
    named = [i for i in range(1, 91) if f"过期食品{i:02d}" in text]
    counted = re.findall(r"另有 (\d+) 条，见状态页", messages[-1].text)
    assert len(messages) == 3 and counted and len(named) + int(counted[0]) == 90


def test_wecom_refuses_oversized_markdown_and_houqin_says_so(bots):
    outcome = send(Channel(name="企业微信群", url="wecombot://wecomkey-1234"), Message("标题", "很长的消息" * 400))
    assert not outcome.ok and "40058" in outcome.reason


def test_feishu_receives_a_markdown_card(bots):
    assert send(Channel(name="飞书群", url="feishu://feishutoken123"), Message("后勤提醒", "**【错误】** 纯牛奶已过期")).ok
    card = bots.by("feishu")[-1]
    assert card.payload["msg_type"] == "interactive" and "纯牛奶已过期" in card.text


def test_past_the_bots_minute_the_rest_waits_for_the_next_cycle_never_refused(bots, tmp_path):
    """Many cycles' worth of queued messages: at most 20 requests a minute reach one bot; the
    rest stay queued (sent later), none is refused by the service or dropped."""
    bots.secrets[TOKEN] = SECRET
    folder = tmp_path / "books"
    folder.mkdir()
    config = notify_config(folder, tmp_path / "state.sqlite3", DINGTALK)
    sent_before = 0
    for number in range(24):  # 24 cycles within the same minute, each opening one new alert
        expired_stock(folder / f"食堂{number:02d}.xlsx", 1, TODAY)
        cycle(config, TODAY)
    assert bots.too_fast == 0
    assert len(bots.by("dingtalk")) == 20 > sent_before
    connection = state.connect(config.state_db)
    assert sum(outbox.pending_counts(connection).values()) >= 4  # waiting, not lost
    connection.close()
