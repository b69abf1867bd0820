"""The principal's view: the headline, the to-do by person and due date, the English page,
the progress after 立即同步 and the 学期报告 page, through Flask on a real state database."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from rules.kinds.rows import _due_message
from rules.model import Finding
from sync.config.loader import Config
from sync.cycle.outcome import RunResult, SourceResult
from sync.state import store as state
from tests.support import text_of
from webapp import create_app

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
CJK = re.compile(r"[\u4e00-\u9fff]")


def alert(key: str, severity: str, owner: str = "", due: date | None = None, sheet: str = "安全检查", row: int = 4) -> Finding:
    return Finding(source="D:\\后勤\\安全管理.xlsx", sheet=sheet, row=row, column="上次检查日期", cell=f"G{row}", rule="r",
                   kind="rule", severity=severity, message=f"消息{key}", message_en=f"message {key}", value=None, key=key,
                   owner=owner, due=due)


FINDINGS = [
    alert("a1", "error", "刘师傅", TODAY - timedelta(days=3)),
    alert("a2", "warning", "刘师傅", TODAY + timedelta(days=2), row=5),
    alert("a3", "warning", "刘师傅", TODAY, row=6),
    alert("a4", "warning", "陈阿姨", None, sheet="库存", row=7),
    alert("a5", "error", "", None, sheet="晨午检", row=None),
    alert("a6", "error", "陈阿姨", TODAY - timedelta(days=1), sheet="库存", row=8),
    alert("a7", "error", "陈阿姨", TODAY - timedelta(days=9), sheet="库存", row=9),
    Finding(source="D:\\后勤\\食堂管理.xlsx", sheet="库存", row=3, column="数量", cell="D3", rule="type", kind="validation",
            severity="error", message="数量（D3）“约500”不是数字", message_en="Quantity (D3) '约500' is not a number",
            value="约500", key="v1"),
]
REPORT = {"term": {"name": "2026年秋季学期", "start": "2026-09-01", "end": "2027-01-20", "today": "2026-11-25",
                   "counted_to": "2026-11-25"},
          "figures": {"admission_exam_rate": {"value": 41 / 42, "numerator": 41, "denominator": 42, "label": "入园体检率",
                                              "label_en": "Admission health exams", "parts": {}, "missing_total": 1,
                                              "missing": ["王子涵 小一班"], "rows": [{"source": "卫生保健.xlsx", "sheet": "幼儿健康档案", "row": 2}]},
                      "drills_by_type": {"value": {"火灾疏散": 2, "地震": 1}, "numerator": 3, "denominator": None,
                                         "label": "应急演练（按类型，次）", "label_en": "Drills by type", "parts": {},
                                         "missing_total": 1, "missing": ["反恐防暴"], "rows": []}}}


def record(db, findings=FINDINGS, when=NOW, report=REPORT):
    state.record_run(db, RunResult(started=when - timedelta(seconds=4), finished=when, today=when.date(), findings=findings,
                                   sources=[SourceResult(source="D:\\后勤\\安全管理.xlsx", kind="xlsx", read_ok=True)],
                                   summary={"coverage": {"入园体检率": {"id": "admission_exam_rate", "label_en": "Admission health exams", "count": 41,
                                                                 "total": 42, "percent": 97.6, "target": 100}}},
                                   term_report=report))


@pytest.fixture
def client(make_app):
    return make_app(record).test_client()


def test_headline_and_the_to_do_by_person_then_due_date(client):
    page = client.get("/").get_data(as_text=True)
    rules = [f for f in FINDINGS if f.kind == "rule"]
    overdue = sum(1 for f in rules if f.severity == "error")
    assert f"今天需要处理 {len(FINDINGS)} 项，其中逾期 {overdue} 项" in text_of(page)
    people = re.findall(r"<h3>(\S+) <span class=\"count\">", page)
    assert people == ["陈阿姨", "刘师傅", "未指定"]  # most overdue first; unassigned last
    todo = text_of(page[page.index('id="todo"'):page.index('id="validation"')])
    liu = todo[todo.index("刘师傅"):todo.index("未指定")]
    # 刘师傅: the overdue one, then today's, then the one due in two days, each with where and since when.
    assert liu.index("消息a1") < liu.index("今天到期") < liu.index("消息a3") < liu.index("2026-11-27 到期") < liu.index("消息a2")
    assert "安全管理.xlsx › 安全检查 › G4" in liu and re.search(r"2026-11-\d\d (首次发现|到期)", liu)
    chen = todo[todo.index("陈阿姨"):todo.index("刘师傅")]
    assert chen.index("消息a7") < chen.index("消息a6") < chen.index("其他问题") < chen.index("消息a4")  # older due first
    validation = text_of(page[page.index('id="validation"'):])
    assert "食堂管理.xlsx" in validation and "库存 › D3" in validation and "约500" in validation


def test_a_long_list_is_cut_and_a_person_has_all_of_theirs_on_their_own_page(tmp_path):
    config = Config(paths=[tmp_path], state_db=tmp_path / "state.sqlite3")
    many = [alert(f"k{n}", "warning", "陈阿姨", TODAY + timedelta(days=n % 30), row=n + 2) for n in range(250)]
    record(config.state_db, many)
    client = create_app(config, secret_key="test").test_client()
    page = client.get("/").get_data(as_text=True)
    assert page.count('<li class="warning') == 10 and "查看全部 250 项" in page
    assert client.get("/?all=1").get_data(as_text=True).count('<li class="warning') == 250  # the list to print
    first = client.get("/?owner=陈阿姨").get_data(as_text=True)
    second = client.get("/?owner=陈阿姨&page=3").get_data(as_text=True)
    assert first.count('<li class="warning">') == 100 and second.count('<li class="warning">') == 50


def test_the_english_page_has_no_chinese_of_its_own(client):
    data = ["后勤", "安全管理.xlsx", "食堂管理.xlsx", "安全检查", "库存", "晨午检", "刘师傅", "陈阿姨", "约500", "中文",
            "2026年秋季学期", "火灾疏散", "地震", "反恐防暴", "王子涵 小一班", "卫生保健.xlsx", "幼儿健康档案"]
    for path in ("/?tab=todo&lang=en", "/?tab=overview&lang=en", "/?tab=history&lang=en", "/?tab=list&lang=en", "/report?lang=en"):
        shown = text_of(client.get(path).get_data(as_text=True))
        for word in data:
            shown = shown.replace(word, "")
        assert not CJK.search(shown), (path, CJK.findall(shown)[:20], shown[:400])
    assert "Admission health exams" in text_of(client.get("/?tab=overview").get_data(as_text=True))
    assert "Unassigned" in text_of(client.get("/").get_data(as_text=True))


def test_english_counts_its_days():
    assert _due_message("“Slide”", "检查", "inspection", TODAY + timedelta(days=1), TODAY)[2].endswith("due in 1 day (2026-11-26)")
    assert "overdue by 1 day " in _due_message("x", "检查", "inspection", TODAY - timedelta(days=1), TODAY)[2]
    assert "due in 2 days" in _due_message("x", "检查", "inspection", TODAY + timedelta(days=2), TODAY)[2]


def test_sync_now_shows_progress_until_a_newer_run_and_the_page_follows_new_runs(client, tmp_path):
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/sync", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/?wait=1")
    waiting = client.get("/?wait=1").get_data(as_text=True)
    assert 'id="sync-progress"' in waiting and 'data-after="1"' in waiting and 'data-estimate="4"' in waiting
    assert '<script src="/static/status.js" defer></script>' in waiting
    assert "今天需要处理 8 项" in text_of(waiting)
    record(tmp_path / "state.sqlite3", FINDINGS[:2], NOW + timedelta(minutes=10))  # the cycle ends: a new run
    after = text_of(client.get("/").get_data(as_text=True))
    assert "今天需要处理 2 项，其中逾期 1 项" in after and "#2" in after  # not the cached page of run 1
    with client.get("/static/status.js") as response:
        script = response.get_data(as_text=True)
    assert "/api/status" in script and "http" not in script.replace("XMLHttpRequest", "")


def test_term_report_page_and_its_downloads(client):
    page = text_of(client.get("/report").get_data(as_text=True))
    assert "2026年秋季学期" in page and "入园体检率： 97.6%（41/42）" in page and "火灾疏散 2 次、地震 1 次" in page
    assert "幼儿健康档案 › 第2行" in page and "【请园长填写】" in page
    assert client.get("/report.json").get_json()["figures"]["admission_exam_rate"]["numerator"] == 41
    book = load_workbook(io.BytesIO(client.get("/report.xlsx").data))
    assert [(r[6], r[0]) for r in book["学期数据"].iter_rows(min_row=4, max_row=5, values_only=True)] == [
        ("admission_exam_rate", "入园体检率"), ("drills_by_type", "应急演练（按类型，次）")]
    draft = "".join(p.text for p in Document(io.BytesIO(client.get("/report.docx").data)).paragraphs)
    assert "入园体检率97.6%" in draft and "（41/42）" not in draft  # the counts stand in the 数据附表
    assert client.get("/report.pdf").status_code == 404
