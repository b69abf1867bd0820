"""The [notify] section: a mistake is one message naming the setting (and the nearest right
name), secrets may come from the environment, and no message repeats a channel's URL."""

from __future__ import annotations

from datetime import time

import pytest

from sync.config import loader as config_module
from sync.config.loader import ConfigError


def load(tmp_path, text: str):
    path = tmp_path / "houqin.toml"
    path.write_text('[sources]\npaths = ["books"]\n' + text, encoding="utf-8")
    return config_module.load(path)


def refused(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_a_full_section_is_read_with_secrets_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DING_TOKEN", "abc123token")
    config = load(tmp_path, """
[notify]
digest_time = "07:45"
quiet_hours = ["22:00", "06:30"]
[[notify.channels]]
name = "园务群"
url = "dingtalk://sec0123456789@${DING_TOKEN}/"
sheets = ["库存", "食品留样"]
immediate = "warning"
[[notify.channels]]
name = "园长邮箱"
url = "mailtos://houqin:pw123456@smtp.example.com?to=yz@example.com&from=houqin@example.com"
immediate = "none"
[notify.people]
"刘师傅" = "13800000000"
""")
    notify = config.notify
    assert notify.digest_time == time(7, 45) and notify.quiet_hours == (time(22), time(6, 30))
    ding, mail = notify.channels
    assert ding.url == "dingtalk://sec0123456789@abc123token/" and ding.secrets == ("abc123token",)
    assert ding.wants("warning", "库存") and not ding.wants("error", "安全检查")
    assert not mail.wants("error", "库存") and mail.digest
    assert notify.people == {"刘师傅": "13800000000"}
    assert notify.in_quiet_hours(time(23, 0)) and notify.in_quiet_hours(time(6, 0)) and not notify.in_quiet_hours(time(7))


def test_a_misspelt_setting_names_the_right_one(tmp_path):
    message = refused(tmp_path, '[notify]\ndigest_tme = "07:30"\n')
    assert "notify.digest_tme" in message and "digest_time" in message
    message = refused(tmp_path, '[[notify.channels]]\nname = "群"\nurl = "json://127.0.0.1/x"\nimmediat = "error"\n')
    assert "notify.channels[0].immediat" in message and "immediate" in message


@pytest.mark.parametrize(("text", "words"), [
    ('[notify]\ndigest_time = "7点半"\n', ["notify.digest_time", "07:30"]),
    ('[notify]\nquiet_hours = ["21:00"]\n', ["notify.quiet_hours"]),
    ('[notify]\ndigest_time = "23:00"\n', ["notify.digest_time", "免打扰"]),
    ('[[notify.channels]]\nname = "群"\nurl = "json://127.0.0.1/x"\nimmediate = "all"\n', ["immediate", "error、warning 或 none"]),
    ('[[notify.channels]]\nname = "群"\n', ["notify.channels[0].url", "缺少"]),
    ('[[notify.channels]]\nname = "群"\nurl = "${NO_SUCH_VARIABLE_HERE}"\n', ["NO_SUCH_VARIABLE_HERE", "没有设置"]),
    ('[[notify.channels]]\nname = "群"\nurl = "smoke-signal://hilltop"\n', ["smoke-signal://", "不认识"]),
    ('[[notify.channels]]\nname = "a"\nurl = "json://127.0.0.1/x"\n[[notify.channels]]\nname = "a"\nurl = "json://127.0.0.1/y"\n',
     ["notify.channels[1].name", "重复"]),
])
def test_each_mistake_is_one_clear_message(tmp_path, text, words):
    message = refused(tmp_path, text)
    assert str(tmp_path / "houqin.toml") in message
    for word in words:
        assert word in message, message


def test_an_unquoted_chinese_name_is_explained(tmp_path):
    message = refused(tmp_path, '[notify.people]\n刘师傅 = "13800000000"\n')
    assert "第 4 行" in message and '"刘师傅" = …' in message


def test_a_wrong_url_is_explained_without_repeating_its_secret(tmp_path):
    message = refused(tmp_path, '[[notify.channels]]\nname = "企业微信群"\nurl = "wecombot://key with spaces!!"\n')
    assert "企业微信群" in message and "key with spaces" not in message


def test_a_misspelt_sheet_is_refused_when_the_pack_is_read(tmp_path):
    from sync.config.pack_file import PackFileError, pack_for

    config = load(tmp_path, '[[notify.channels]]\nname = "食堂群"\nurl = "json://127.0.0.1/x"\nsheets = ["库房"]\n')
    with pytest.raises(PackFileError) as caught:
        pack_for(config)
    assert "notify.channels[0].sheets" in str(caught.value) and "“库存”" in str(caught.value)
    config = load(tmp_path, '[[notify.channels]]\nname = "食堂群"\nurl = "json://127.0.0.1/x"\nsheets = ["库存", "samples"]\n')
    assert pack_for(config)
