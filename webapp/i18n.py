"""Chinese by default, English on request (`?lang=en`, remembered in the session)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, g, request, session

TEXTS = {
    "title": ("后勤表格检查", "Houqin status"),
    "sync_now": ("立即同步", "Sync now"),
    "sync_started": ("已开始同步，稍后刷新页面查看结果", "Sync started; refresh shortly to see the result"),
    "sync_busy": ("正在同步中，完成后会再同步一次", "A sync is running; another will follow"),
    "sync_unavailable": ("此页面没有连接同步服务", "No sync service is attached to this page"),
    "last_sync": ("上次同步", "Last sync"),
    "last_read": ("上次读取成功", "Last read"),
    "never_read": ("从未读取成功", "Never read"),
    "never": ("还没有同步过", "No sync yet"),
    "overview": ("概况", "Overview"),
    "source": ("表格文件", "Source"),
    "sheet": ("工作表", "Sheet"),
    "errors": ("错误", "Errors"),
    "warnings": ("提醒", "Warnings"),
    "write": ("写回", "Write-back"),
    "validation_errors": ("填写错误", "Validation errors"),
    "alerts": ("问题", "Alerts"),
    "cell": ("单元格", "Cell"),
    "value": ("填的内容", "Value"),
    "message": ("说明", "Message"),
    "severity": ("级别", "Severity"),
    "error": ("错误", "error"),
    "warning": ("提醒", "warning"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "search": ("搜索", "Search"),
    "coverage": ("覆盖率", "Coverage"),
    "target": ("目标", "target"),
    "chart": ("最近六周未解决的问题数", "Open alerts, last six weeks"),
    "history": ("同步记录", "Sync history"),
    "log_file": ("日志文件", "Log file"),
    "resolved": ("最近解决的问题", "Recently resolved"),
    "days_open": ("持续天数", "Days open"),
    "status_ok": ("成功", "ok"),
    "status_failed": ("失败", "failed"),
    "duration": ("用时", "Duration"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "password": ("密码", "Password"),
    "wrong_password": ("密码不对", "Wrong password"),
    "too_many_tries": ("密码试错太多次，请 10 分钟后再试", "Too many tries; try again in 10 minutes"),
    "login_unavailable": ("现在无法登录：状态数据库不能写入，请联系管理电脑的人", "Cannot log in: the state database is not writable"),
    "none": ("没有", "None"),
    "open_cell": ("打开", "Open"),
    "row": ("行", "Row"),
    "more": ("还有更多，请用筛选缩小范围", "More rows: narrow the filter"),
    "unreadable": ("无法读取", "Could not read"),
    "written": ("已写入提醒", "alerts written"),
    "unchanged": ("提醒没有变化", "no change"),
    "skipped": ("这次没写入", "skipped"),
    "aborted": ("这次没写入", "not written this time"),
    "failed": ("写入失败", "failed"),
    "readonly": ("只检查不写回", "checked, not written"),
    # The to-do and its tabs
    "tabs": ("页面", "Sections"),
    "tab_todo": ("今日待办", "To-do"),
    "tab_overview": ("概况", "Overview"),
    "tab_history": ("记录", "History"),
    "tab_list": ("全部问题", "All findings"),
    "tab_report": ("学期报告", "Term report"),
    "tab_settings": ("设置", "Settings"),
    "settings_precedence": ("每项设置的生效值和来源。优先顺序：规则包的默认值 < 配置文件 < 设置表（规则设置、通知人员、学期与假期、自定义表）；"
                            "配置文件 [settings_sheet] locked 锁定的设置除外。通知地址和密钥只来自配置文件或环境变量，从不从表格读取。",
                            "Each setting's value and where it comes from. Precedence: the pack's default < the config file < "
                            "the settings sheets, except what the config locks ([settings_sheet] locked). Channel URLs and "
                            "secrets only ever come from the config or the environment."),
    "settings_none": ("还没有读到设置表：下面是规则包和配置文件的值。运行 init 可生成预先填好的设置表。",
                      "No settings sheet read yet: the values below come from the pack and the config."),
    "settings_off": ("已关闭的规则", "Rules switched off"),
    "settings_off_by": ("已由 %s 关闭", "switched off by %s"),
    "settings_changes": ("设置变更", "Setting changes"),
    "settings_value": ("生效值", "Value"),
    "settings_default": ("默认值", "Default"),
    "settings_origin": ("来源", "From"),
    "settings_rule": ("规则", "Rule"),
    "settings_label": ("设置项", "Setting"),
    "origin_pack": ("默认（规则包）", "pack default"),
    "origin_config": ("配置文件 %s", "config %s"),
    "origin_sheet": ("%s", "%s"),
    "settings_people": ("通知人员（来自设置表）", "People (from the settings sheet)"),
    "settings_calendar": ("学期与假期（来自设置表）", "Terms and holidays (from the settings sheet)"),
    "settings_custom": ("自定义表", "Custom registers"),
    "settings_seen": ("发现时间", "Seen"),
    "tab_nutrition": ("膳食营养", "Menu nutrition"),
    "headline": ("今天需要处理 %d 项，其中逾期 %d 项", "%d things to deal with today, %d of them overdue"),
    "headline_detail": ("（规则发现的问题 %d 项，填写错误 %d 项）", "(%d alerts, %d validation errors)"),
    "todo": ("按负责人", "By person"),
    "unassigned": ("未指定", "Unassigned"),
    "n_items": ("%d 项", "%d items"),
    "n_overdue": ("逾期 %d 项", "%d overdue"),
    "overdue": ("已逾期或违规", "Overdue or not allowed"),
    "due_today": ("今天到期", "Due today"),
    "due_on": ("%s 到期", "Due %s"),
    "other": ("其他问题", "Other alerts"),
    "since": ("%s 首次发现", "first seen %s"),
    "due_since": ("%s 到期", "due %s"),
    "unfold": ("展开（还有 %d 项）", "Show %d more"),
    "fold": ("收起", "Show fewer"),
    "no_owner_column": ("这张表没有%s一列，无法指定负责人", "this sheet has no column naming who acts"),
    "owner_blank": ("这些行的%s没有填写", "these rows leave who acts blank"),
    "not_a_row": ("缺少的记录不属于哪一行，请后勤主管安排", "missing records belong to no row: for the office to assign"),
    "row_n": ("第%s行", "row %s"),
    "show_all": ("查看全部 %d 项", "Show all %d"),
    "next_page": ("下一页", "Next page"),
    "whole_list": ("完整清单（用于打印）", "The whole list (to print)"),
    "more_than_shown": ("另有 %d 项未列出", "%d more not listed"),
    "health_watch": ("卫生保健关注", "Health watch"),
    "health_watch_counts": ("疑似聚集 %d 起，医学观察 %d 个班", "%d suspected outbreak(s), %d class(es) under observation"),
    "outbreaks": ("疑似聚集性疫情（应在 24 小时内报告属地疾控机构）", "Suspected outbreaks (report to the local CDC within 24 hours)"),
    "under_observation": ("医学观察中的班级", "Classes under medical observation"),
    "observation": ("%s · %s：最后一例 %s 发病，观察至 %s", "%s · %s: last case fell ill on %s, under observation until %s"),
    "nothing_to_do": ("今天没有需要处理的事项", "Nothing to deal with today"),
    "syncing": ("正在同步，已用", "Syncing, elapsed"),
    "seconds": ("秒；完成后页面会自动刷新", "s; the page refreshes itself when done"),
    # The term report
    "report_title": ("学期报告", "Term report"),
    "report_none": ("还没有学期数据：下一次同步完成后再看", "No term figures yet: look again after the next sync"),
    "report_counted": ("统计区间", "Counted"),
    "figure": ("项目", "Figure"),
    "result": ("结果", "Result"),
    "rows_counted": ("计入的行", "Rows counted"),
    "missing": ("未达标的", "Not met"),
    "download": ("下载", "Download"),
    "draft_docx": ("工作总结草稿（Word）", "Summary draft (Word)"),
    "figures_xlsx": ("学期数据（Excel）", "Figures (Excel)"),
    "draft_in_chinese": ("", "The summary draft is written in Chinese, as it is filed: download it as a Word document above."),
    # The 通知 section (webapp/notify.py)
    "notify_notify": ("通知", "Notifications"),
    "notify_channel": ("渠道", "Channel"),
    "notify_time": ("时间", "Time"),
    "notify_what": ("内容", "What"),
    "notify_result": ("结果", "Result"),
    "notify_alerts": ("新问题", "new alerts"),
    "notify_digest": ("早报", "digest"),
    "notify_test": ("测试", "test"),
    "notify_sent": ("已发送", "sent"),
    "notify_failed": ("发送失败", "failed"),
    "notify_unsure": ("未确认", "unconfirmed"),
    "notify_never_sent": ("还没有发送过", "nothing sent yet"),
    "notify_waiting": ("条等待发送", "waiting"),
    "notify_items": ("条", "items"),
}

def lang() -> str:
    return g.get("lang", "zh")


def pick(zh: str, en: str) -> str:
    """The text in the page's language: the one way every view chooses."""
    return en if lang() == "en" else zh


def translator(texts: Mapping[str, tuple[str, str]]) -> Callable[[str], str]:
    """`t(key)` over one table of (Chinese, English) texts; a view with its own words makes its own."""
    return lambda key: pick(*texts[key])


t = translator(TEXTS)


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language() -> None:
        chosen = request.args.get("lang")
        if chosen in ("zh", "en"):
            session["lang"] = chosen
        g.lang = session.get("lang", "zh")

    app.jinja_env.globals.update(t=t, lang=lang)
