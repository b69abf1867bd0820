"""The morning digest by e-mail to a real SMTP server on loopback (aiosmtpd, with a login):
school days only, once a day, after quiet hours, retried when the server was down; and
immediate notices held through quiet hours, then sent once."""

from __future__ import annotations

import email
import email.header
import email.policy
import warnings
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from sync.demo import write_demo
from sync.notify.model import Channel
from tests.fake_bots import FakeBots
from tests.notify_helpers import cycle, notify_config, set_milk_expiry
from tests.service_helpers import free_port
from tests.support import TODAY

ZONE = ZoneInfo("Asia/Shanghai")
USER, PASSWORD = "houqin", "Sm7pPassw0rd"


def serve_cycle(config, now: datetime):
    return cycle(config, TODAY, now=now, service=True)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


class Mailbox:
    """A real SMTP server on loopback that wants a login, keeping what it receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        self.alerts: list[email.message.EmailMessage] = []
        self.logins: list[bool] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.logins.append(bool(session.authenticated))
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        # The demo's suspected outbreak goes out at once even to a digest-only channel: kept apart.
        (self.alerts if str(message["Subject"]).startswith("后勤提醒") else self.messages).append(message)
        return "250 OK"

    @staticmethod
    def check(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())

    def start(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # login without TLS: fine on loopback
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self.check,
                                         auth_required=True, auth_require_tls=False)
            self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def html(self, number: int) -> str:
        return self.messages[number].get_body(("html",)).get_content()


@pytest.fixture
def mailbox():
    box = Mailbox(free_port())
    box.start()
    yield box
    box.stop()


def mail_channel(port: int) -> Channel:
    return Channel(name="园长邮箱", immediate="none",
                   url=f"mailto://{USER}:{PASSWORD}@127.0.0.1:{port}?to=yuanzhang@example.com&from=houqin@example.com&mode=insecure")


@pytest.fixture
def demo(tmp_path):
    write_demo(tmp_path / "books", today=TODAY)
    return tmp_path


def test_digest_by_email_on_school_days_once_a_day_with_what_was_fixed(demo, mailbox):
    config = notify_config(demo / "books", demo / "state.sqlite3", mail_channel(mailbox.port),
                           quiet_hours=(at(1, 21).time(), at(1, 7).time()))
    serve_cycle(config, now=at(25, 7, 10))  # Wednesday, before 07:30: no digest yet, only the outbreak at once
    assert mailbox.messages == [] and len(mailbox.alerts) == 1
    assert "疑似聚集性疫情" in mailbox.alerts[0].get_body(("html", "plain")).get_content()
    result = serve_cycle(config, now=at(25, 7, 35))
    assert len(mailbox.messages) == 1 and mailbox.logins == [True, True] and len(mailbox.alerts) == 1
    message = mailbox.messages[0]
    assert str(message["Subject"]).startswith("后勤早报 11月25日（周三）：错误 ")
    assert message["To"] == "yuanzhang@example.com"
    body = mailbox.html(0)
    errors = sum(1 for f in result.findings if f.severity == "error")
    assert f"错误 {errors} 个" in str(message["Subject"])
    assert "按表" in body and "按人" in body and "刘师傅" in body and "最要紧的 10 条" in body
    assert body.index("按表") < body.index("最要紧的")  # counts first
    assert body.count("【错误】") == 10 and "【提醒】" not in body  # errors are the urgent ones
    assert f"另有 {len(result.findings) - 10} 条，见状态页" in body

    serve_cycle(config, now=at(25, 9))  # the same day: no second digest
    assert len(mailbox.messages) == 1

    set_milk_expiry(demo, 30)  # the cook clears the milk
    serve_cycle(config, now=at(25, 16))
    serve_cycle(config, now=at(28, 7, 40))  # Saturday: no digest
    assert len(mailbox.messages) == 1
    serve_cycle(config, now=at(30, 7, 40))  # Monday
    assert len(mailbox.messages) == 2
    monday = mailbox.html(1)
    assert "周一" in str(mailbox.messages[1]["Subject"]) and "已解决" in monday and "纯牛奶" in monday


def test_no_digest_on_a_public_holiday_inside_the_term(demo, mailbox):
    config = notify_config(demo / "books", demo / "state.sqlite3", mail_channel(mailbox.port))
    serve_cycle(config, now=datetime(2026, 10, 1, 8, 0, tzinfo=ZONE))  # 国庆节
    serve_cycle(config, now=datetime(2026, 10, 5, 8, 0, tzinfo=ZONE))  # a Monday of the National Day week
    assert mailbox.messages == []
    serve_cycle(config, now=datetime(2026, 10, 9, 8, 0, tzinfo=ZONE))  # a Friday back at school
    assert len(mailbox.messages) == 1


def test_a_digest_the_server_refused_is_sent_later_that_day_once(demo):
    box = Mailbox(free_port())
    config = notify_config(demo / "books", demo / "state.sqlite3", mail_channel(box.port))
    serve_cycle(config, now=at(25, 7, 31))  # the mail server is down
    box.start()
    try:
        serve_cycle(config, now=at(25, 7, 33))  # too soon to try again
        assert box.messages == []
        serve_cycle(config, now=at(25, 7, 41))
        serve_cycle(config, now=at(25, 7, 52))
        assert len(box.messages) == 1
    finally:
        box.stop()


def test_alerts_opened_in_quiet_hours_wait_for_the_morning_then_go_once(demo):
    hook = FakeBots()
    try:
        channel = Channel(name="园务群", url=f"json://127.0.0.1:{hook.port}/houqin")
        config = notify_config(demo / "books", demo / "state.sqlite3", channel,
                               quiet_hours=(at(1, 21).time(), at(1, 7).time()), digest_time=None)
        serve_cycle(config, now=at(25, 22, 30))
        serve_cycle(config, now=at(26, 6, 50))
        # Only the suspected outbreak goes out at night; everything else waits for the morning.
        assert len(hook.received) == 1 and "疑似聚集性疫情" in hook.received[0].text and "纯牛奶" not in hook.received[0].text
        serve_cycle(config, now=at(26, 7, 0))
        serve_cycle(config, now=at(26, 7, 10))
        assert len(hook.received) == 2 and "纯牛奶" in hook.received[1].text
    finally:
        hook.close()
