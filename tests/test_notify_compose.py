"""Message building: every new alert is named once or counted, no part is over its channel's
byte budget, ID numbers are masked, people are @mentioned the way each service can."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from sync.notify.compose import Item, alert_parts, digest_parts

OPENED = datetime(2026, 11, 25, 8, 5, tzinfo=ZoneInfo("Asia/Shanghai"))

items_strategy = st.lists(
    st.builds(
        lambda n, severity, text, sheet, keeper: Item(
            id=n, severity=severity, message=f"“{text}”已过期", source="D:\\后勤\\食堂管理.xlsx", sheet=sheet,
            cell=f"I{n + 2}", row=n + 2, opened_at=OPENED, people=(("经手人", keeper),) if keeper else ()),
        st.integers(0, 10_000), st.sampled_from(["error", "warning"]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=300),
        st.sampled_from(["库存", "食品留样", "安全检查"]), st.sampled_from(["", "刘师傅", "陈阿姨"])),
    min_size=1, max_size=120, unique_by=lambda item: item.id)


@given(items=items_strategy, budget=st.sampled_from([1200, 4000, 18000]))
def test_every_alert_is_named_once_or_counted_and_parts_keep_their_budget(items, budget):
    parts = alert_parts(items, {"刘师傅": "13800000000"}, "phone", budget, page_url=None)
    assert 1 <= len(parts) <= 3
    for part in parts:
        assert part.message.size <= budget
    sent = [i for p in parts for i in p.items]
    counted = [i for p in parts for i in p.counted]
    assert sorted(sent + counted) == sorted(item.id for item in items)
    told = re.findall(r"另有 (\d+) 条，见状态页", parts[-1].message.body)
    assert (int(told[0]) if told else 0) == len(counted)
    if len(parts) > 1:
        assert parts[0].message.title.endswith(f"（1/{len(parts)}）")


def item(message: str, people=()) -> Item:
    return Item(id=1, severity="error", message=message, source="/srv/共享/安全管理.xlsx", sheet="外来人员登记",
                cell="E3", row=3, opened_at=OPENED, people=people)


def test_id_numbers_are_masked_as_on_the_page():
    parts = alert_parts([item("证件号 350102199001011234 与第 5 行重复")], {}, "name", 4000, None)
    assert "350102199001011234" not in parts[0].message.body and "350*************34" in parts[0].message.body


def test_where_since_and_who_with_the_mention_each_service_understands():
    people = (("经手人", "刘师傅"), ("经手人", "陈阿姨"))
    contacts = {"刘师傅": "13800000000", "陈阿姨": "chenayi"}
    ding = alert_parts([item("“纯牛奶”已过期 1 天", people)], contacts, "phone", 4000, "http://192.168.1.10:8000/")[0]
    assert "安全管理.xlsx › 外来人员登记 › E3 · 11-25 08:05 发现 · 经手人 刘师傅 @13800000000、@陈阿姨" in ding.message.body
    assert ding.message.mentions == ("13800000000", "chenayi")
    assert "[打开状态页](http://192.168.1.10:8000/)" in ding.message.body
    wecom = alert_parts([item("x", people)], contacts, "wecom", 4000, None)[0]
    assert "<@chenayi>" in wecom.message.body and "@刘师傅" in wecom.message.body


def test_a_digest_with_nothing_open_says_so_and_stays_within_wecom_size():
    part = digest_parts(OPENED.date(), OPENED, [], [], {}, "wecom", 4000, None)
    assert "没有未解决的问题" in part.message.body and "错误 0 个，提醒 0 个" in part.message.title
    many = [Item(id=n, severity="error", message="长" * 400, source="a.xlsx", sheet=f"表{n}", cell="A1", row=1,
                 opened_at=OPENED) for n in range(200)]
    part = digest_parts(OPENED.date(), OPENED, many, [], {}, "wecom", 4000, None)
    assert part.message.size <= 4000 and "另有" in part.message.body
