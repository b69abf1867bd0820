"""One slow channel never stops a cycle, repeats an alert or injects anything (issue 22).

Channels here are real loopback servers that trickle, answer late, hang or fail; the outbox is
the real state database; two processes are two real processes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from sync.notify import compose, outbox
from sync.notify.deliver import deliver
from sync.notify.model import Channel
from sync.state import store as state
from tests.notify_helpers import STOCK_HEADERS, cycle, expired_stock, notify_config, running_bots
from tests.slow_webhook import SlowWebhook, wait_for
from tests.support import ROOT, TODAY

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=ZONE)


@pytest.fixture
def hook():
    server = SlowWebhook()
    yield server
    server.close()


def _setup(tmp_path: Path, url: str, count: int = 3, timeout: float = 1.0):
    folder = tmp_path / "books"
    folder.mkdir()
    expired_stock(folder / "食堂.xlsx", count, TODAY)
    config = notify_config(folder, tmp_path / "state.sqlite3", Channel(name="群", url=url))
    config.notify.send_timeout = timeout
    return config


def _sends(config) -> list[dict]:
    connection = state.connect(Path(config.state_db))
    try:
        return [dict(r) for r in connection.execute("SELECT * FROM notify_sends ORDER BY id")]
    finally:
        connection.close()


def _later(config, *hours: float) -> None:
    """Later cycles of the service, as far as notifications go: deliver what is due then."""
    connection = state.connect(Path(config.state_db))
    try:
        for h in hours:
            deliver(connection, config, T0 + timedelta(hours=h), digests=False)
    finally:
        connection.close()


def test_a_trickling_webhook_is_left_behind_at_the_deadline_and_recorded_unconfirmed(hook, tmp_path):
    """Headers at once, then one byte a second for 15 s: apprise's per-read timeout never fires.
    Today's code waits out the whole trickle and records it sent; the deadline (1 s) ends the wait."""
    hook.mode, hook.delay, hook.length = "trickle", 1.0, 15
    config = _setup(tmp_path, hook.url)
    cycle(config, TODAY, now=T0)
    sends = _sends(config)
    assert len(hook.received) == 1 and len(sends) == 1
    assert not sends[0]["ok"] and sends[0]["unsure"] and "未确认" in sends[0]["reason"]
    from webapp import create_app

    page = create_app(config, secret_key="test").test_client().get("/?tab=history").get_data(as_text=True)
    section = page[page.index('<section id="notify">'):].split("</section>")[0]
    assert "未确认" in section and "发送失败" not in section


def test_a_late_answer_is_resent_once_marked_and_never_again(hook, tmp_path):
    """A bot answering 200 after 5 s (past apprise's 4 s read timeout and the 1 s deadline):
    today's code counts it failed and sends it again on every later cycle."""
    hook.mode, hook.delay = "late", 5.0
    config = _setup(tmp_path, hook.url)
    cycle(config, TODAY, now=T0)
    _later(config, 1, 2, 3, 4, 5, 6)
    texts = hook.texts()
    assert len(texts) == 2, texts
    assert compose.RESEND_MARK not in texts[0] and compose.RESEND_MARK in texts[1]
    assert all(f"过期食品{i:02d}" in text for text in texts for i in (1, 2, 3))
    hook.set("ok")
    _later(config, 7, 8)  # the channel is quick again: still nothing more about these alerts
    assert len(hook.received) == 2


def test_a_resend_that_is_answered_in_time_ends_there(hook, tmp_path):
    hook.mode, hook.delay = "late", 5.0
    config = _setup(tmp_path, hook.url)
    cycle(config, TODAY, now=T0)
    hook.set("ok")
    _later(config, 1, 2, 3)
    texts = hook.texts()
    assert len(texts) == 2 and compose.RESEND_MARK in texts[1]
    assert [s["ok"] for s in _sends(config)] == [0, 1]


def test_a_failing_channel_is_tried_a_bounded_number_of_times(hook, tmp_path):
    """HTTP 500 every time, cycles hours apart: today's backoff has no cap on the tries."""
    hook.mode = "fail"
    config = _setup(tmp_path, hook.url)
    cycle(config, TODAY, now=T0)
    _later(config, *range(1, 30))
    assert len(hook.received) == 8  # outbox.MAX_ATTEMPTS
    connection = state.connect(Path(config.state_db))
    try:
        assert outbox.pending_counts(connection) == {}
    finally:
        connection.close()


def _worker(db: Path, url: str, now: datetime, go: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "notify_worker.py"), str(db), url, "10",
                             now.isoformat(), str(go)], cwd=ROOT)


def test_two_processes_at_once_send_each_alert_once(hook, tmp_path):
    """Two `run`s delivering at the same moment, the bot answering after 0.5 s: today each
    process reads the same queue before the other marks it sent, and both send it."""
    hook.mode, hook.delay = "late", 0.5
    config = _setup(tmp_path, hook.url, count=4)
    config.notify.channels = []  # the cycle only queues; the two workers send
    cycle(config, TODAY, now=T0)
    connection = state.connect(Path(config.state_db))
    try:
        opened = connection.execute("SELECT opened_at FROM alert_periods LIMIT 1").fetchone()[0]
        outbox.enqueue_opened(connection, [Channel(name="群", url=hook.url)], opened, T0)
    finally:
        connection.close()
    for trial in range(3):
        go = tmp_path / f"go{trial}"
        workers = [_worker(Path(config.state_db), hook.url, T0, go) for _ in range(2)]
        go.touch()
        assert [w.wait(timeout=60) for w in workers] == [0, 0]
    texts = hook.texts()
    assert len(texts) == 1, texts
    assert all(f"过期食品{i:02d}" in texts[0] for i in range(1, 5))


NASTY = ["[点我领取补贴](http://evil.example/)", "![x](http://evil.example/t.png)",
         '<font color="warning">紧急</font>', "牛奶\n\n### 园长通知：请转账"]


def _nasty_stock(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "库存"
    sheet.append(STOCK_HEADERS)
    for name in NASTY:
        sheet.append([name, "食品", "箱", 3, 1, TODAY - timedelta(days=30), TODAY - timedelta(days=2), "冷藏柜", "刘师傅"])
    book.save(path)


@pytest.fixture
def bots(monkeypatch):
    yield from running_bots(monkeypatch)


@pytest.mark.parametrize("url", ["dingtalk://dingtoken0123abcd/", "wecombot://wecomkey-1234"])
def test_cell_text_arrives_as_plain_text_only_houqins_link_is_a_link(bots, tmp_path, url):
    folder = tmp_path / "books"
    folder.mkdir()
    _nasty_stock(folder / "食堂.xlsx")
    config = notify_config(folder, tmp_path / "state.sqlite3", Channel(name="群", url=url))
    config.web.public_url = "http://192.168.1.10:8000/"
    cycle(config, TODAY)
    (message,) = bots.received
    text = message.text
    assert "请转账" in text and "点我领取补贴" in text and "紧急" in text  # still readable
    assert re.findall(r"\]\((\S+?)\)", text) == ["http://192.168.1.10:8000/"]  # the only link: the page
    assert "<font" not in text and "![" not in text and "http://evil" not in text
    assert not any(line.lstrip().startswith("#") for line in text.splitlines()[1:])  # DingTalk's own title line aside


def test_inert_leaves_ordinary_text_alone():
    assert compose.inert("纯牛奶（250ml）到期日期 2026-11-23 已过期，数量 3") == "纯牛奶（250ml）到期日期 2026-11-23 已过期，数量 3"
    assert compose.inert("a\u2028b\u202ec") == "a b c"


@pytest.mark.parametrize("secret", ["a/b@c#d?e", "p%40ss:w0rd&x=1"])
def test_a_password_from_the_environment_with_url_characters_reaches_the_server_as_set(hook, tmp_path, monkeypatch,
                                                                                         secret):
    """`${ENV}` put in raw: "/", "@", "#" or "?" in a password ends the URL's user part early."""
    import base64

    from sync.config import loader as config_module
    from sync.notify.channels import Message, send

    monkeypatch.setenv("HQ_HOOK_PASSWORD", secret)
    path = tmp_path / "houqin.toml"
    path.write_text('[sources]\npaths = ["books"]\n[[notify.channels]]\nname = "接口"\n'
                    f'url = "json://houqin:${{HQ_HOOK_PASSWORD}}@127.0.0.1:{hook.port}/hook"\n', encoding="utf-8")
    (channel,) = config_module.load(path).notify.channels
    assert send(channel, Message("标题", "正文")).ok
    assert base64.b64decode(hook.authorizations[-1].removeprefix("Basic ")).decode() == f"houqin:{secret}"


def test_send_timeout_is_a_setting_within_bounds(tmp_path):
    from sync.config import loader as config_module
    from sync.config.loader import ConfigError

    path = tmp_path / "houqin.toml"
    path.write_text('[sources]\npaths = ["books"]\n[notify]\nsend_timeout = 5\n', encoding="utf-8")
    assert config_module.load(path).notify.send_timeout == 5
    for wrong in ("0", "601", "true", '"20"'):
        path.write_text(f'[sources]\npaths = ["books"]\n[notify]\nsend_timeout = {wrong}\n', encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            config_module.load(path)
        assert "notify.send_timeout" in str(caught.value)


def test_a_hung_send_still_lands_in_the_background_without_a_second_copy(hook, tmp_path):
    """The abandoned send's thread goes on; when the bot finally answers nothing is recorded twice."""
    hook.mode, hook.delay = "late", 2.0
    config = _setup(tmp_path, hook.url)
    cycle(config, TODAY, now=T0)
    assert wait_for(lambda: len(hook.received) == 1)
    assert len(_sends(config)) == 1


def test_run_ends_with_a_channel_that_trickles_for_ever(hook, tmp_path):
    """The real `run` process: a webhook trickling one byte every 2 s for over half an hour.
    Today's `run` never ends (apprise's own thread pool, which Python waits for at exit, holds
    the send); with `send_timeout = 1` it ends, saying the message is unconfirmed."""
    hook.mode, hook.delay, hook.length = "trickle", 2.0, 1000
    folder = tmp_path / "books"
    folder.mkdir()
    expired_stock(folder / "食堂.xlsx", 2, TODAY)
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{folder}']\n[sync]\nstate_db = '{tmp_path / 'state.sqlite3'}'\n"
                      f'[notify]\nquiet_hours = []\nsend_timeout = 1\n[[notify.channels]]\nname = "接口"\nurl = "{hook.url}"\n',
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sync", "run", "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert done.returncode == 1, done.stderr  # errors found (the expired food), nothing failed
    assert "未确认" in done.stderr and "Traceback" not in done.stderr
    assert len(hook.received) == 1
