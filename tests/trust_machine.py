"""The stateful test behind issue 11: generated staff sheets, staff habits, Houqin's syncs.

A `StaffSheetMachine` holds a model of one 安全检查 sheet as staff keep it (pack columns in any
order, extra columns with and without headers left and right of the alert column, staff
conditional formats including ones that look like Houqin's, a merged title) and drives a
transport (xlsx file on disk, or Google through the loopback fake) with the things staff do
between syncs. After every sync: every staff cell and staff rule is unchanged, each alert sits
on the row it describes, no two findings share a key (also in `check --format json` on the
generated workbook), and every alert still open is one the sync found (a fixed problem is
resolved). Subclasses say how a transport makes, edits and reads the sheet.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from rules.alerts import ALERT_HEADER, highlight_formulas, row_alerts
from sync.cli import entry as cli
from sync.config.loader import Config
from sync.config.pack_file import read_pack
from sync.cycle.outcome import RunResult
from sync.cycle.run import run_cycle
from sync.state import store as state

PACK = read_pack()
SHEET = "安全检查"
BASE = date(2026, 10, 1)
FIELDS = ["编号", "检查对象", "类别", "责任人", "检查周期", "上次检查日期"]
OPTIONAL = ["编号", "类别", "责任人"]
RENAMES = {"编号": ["设备编号", "编 号"], "检查对象": ["检查项目"], "责任人": ["负责人", "责任"],
           "上次检查日期": ["检查日期", "上次检查"], "检查周期": ["周期", "检查周期（天）"], "类别": ["类型"]}

codes = st.sampled_from(["AQ-001", "AQ-002", "AQ-003", "", "", "AQ-001"])
things = st.sampled_from(["滑梯", "灭火器", "秋千", "配电箱", "护栏", "滑梯"])
kinds = st.sampled_from(["大型玩具", "消防器材", "设施设备", "玩具类", "", None])
people = st.sampled_from(["刘师傅", "王老师", "", None])
periods = st.sampled_from([None, 7, 30, 90, 99999999, "三十", 0])
last_dates = st.one_of(st.dates(min_value=BASE - timedelta(days=150), max_value=BASE + timedelta(days=60)),
                       st.sampled_from(["2026-02-30", "上周", None]))
rows = st.fixed_dictionaries({"编号": codes, "检查对象": things, "类别": kinds, "责任人": people,
                              "检查周期": periods, "上次检查日期": last_dates})
notes = st.sampled_from(["周三换过药剂", "厂家电话 13800000000", "=备注", "", "【错误】这是老师自己写的"])
# The 设置 sheet (规则设置): rows staff write, right and wrong (a misspelt setting, an unknown rule).
SETTINGS_SHEET = "规则设置"
SETTING_NAMES = [("定期安全检查", "提前提醒天数"), ("定期安全检查", "开/关"), ("定期安全检查", "大型玩具检查周期天数"),
                 ("隐患整改期限", "提前提醒天数"), ("定期安全检查", "提前提醒天"), ("定期检查", "开/关")]
HOOK = "https://hook.example/robot?key=0123456789abcdef"
setting_values = st.one_of(st.integers(min_value=-2, max_value=40),
                           st.sampled_from(["三天", "关", "开", "错误", HOOK, "", "7天", None]))


def good_row(thing: str) -> dict[str, Any]:
    """A row with nothing wrong for any day the machine syncs on."""
    return {"编号": f"FX-{thing}", "检查对象": thing, "类别": "大型玩具", "责任人": "刘师傅", "检查周期": 3650, "上次检查日期": BASE}


def houqin_rules(letter: str, first_row: int) -> tuple[str, str]:
    """Houqin's two highlight conditions for an alert column, as DESIGN.md specifies them."""
    return highlight_formulas(f"${letter}{first_row}")


class StaffSheetMachine(RuleBasedStateMachine):
    """The model and the steps; transports implement the `t_*` methods."""

    # Transports with a 设置 workbook beside the sheet (t_setting, t_settings_alerts).
    supports_settings = False

    def __init__(self) -> None:
        super().__init__()
        # In memory where the system has it: the syncs' fsyncs would otherwise dominate.
        shm = Path("/dev/shm")
        self.folder = Path(tempfile.mkdtemp(prefix="houqin-machine-", dir=shm if shm.is_dir() else None))
        self.created = False
        self.db = self.folder / "state.sqlite3"
        self.synced: RunResult | None = None
        self.just_synced = False
        self.today = BASE
        self.setting_rows: dict[int, tuple[str, str, Any]] = {}  # 规则设置 row -> (规则, 设置项, 值)

    # -- the sheet staff start with --

    @initialize(headers=st.permutations(FIELDS), dropped=st.sets(st.sampled_from(OPTIONAL), max_size=2),
                data=st.lists(rows, min_size=1, max_size=6), title=st.booleans(),
                extra=st.lists(st.tuples(st.sampled_from(["备注", "", "联系电话", ""]), st.booleans()), max_size=3),
                look_alikes=st.lists(st.sampled_from(["len", "error", "value"]), max_size=3),
                offset=st.integers(min_value=0, max_value=75))
    def start(self, headers, dropped, data, title, extra, look_alikes, offset) -> None:
        self.headers = [h for h in headers if h not in dropped]
        # Extra staff columns after the pack's: ("备注", formula?) with a header, or "" without.
        self.extra = extra
        self.title = title
        self.t_create(self.headers, data, title, extra, look_alikes)
        self.created = True
        self.sync(offset)  # every generated workbook gets its first sync

    def then(self, sync: int | None) -> None:
        """After a staff step: the next sync now (a day offset), or more staff steps first."""
        self.just_synced = False
        if sync is not None:
            self.sync(sync)

    # -- staff habits --

    @rule(offset=st.integers(min_value=0, max_value=75))
    def sync_now(self, offset: int) -> None:
        self.sync(offset)

    def sync(self, offset: int) -> None:
        self.t_save()
        before = self.t_staff()
        self.today = BASE + timedelta(days=offset)
        if self.synced is None:  # the workbook as generated, through the command staff's IT helper runs
            self.check_json_keys(self.t_paths())
        result = run_cycle(self.t_config(), today=self.today, pack=PACK)
        assert all(s.read_ok for s in result.sources), [s.error for s in result.sources]
        statuses = [s.write.status for s in result.sources if s.write]
        assert all(s in ("written", "unchanged") for s in statuses), [s.write for s in result.sources]
        state.record_run(self.db, result)
        self.header_seen = self.t_header_row()
        after = self.t_staff()
        assert_same_staff(before, after)
        self.synced = result
        self.just_synced = True

    @rule(position=st.integers(min_value=0, max_value=8), row=rows, sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def insert_row(self, position: int, row: dict, sync: int | None) -> None:
        self.t_insert(position, row)
        self.then(sync)

    @precondition(lambda self: self.t_row_count() > 1)
    @rule(position=st.integers(min_value=0, max_value=8), sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def delete_row(self, position: int, sync: int | None) -> None:
        self.t_delete(position % self.t_row_count())
        self.then(sync)

    @precondition(lambda self: self.t_row_count() > 1)
    @rule(seed=st.randoms(use_true_random=False), sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def sort_rows(self, seed, sync: int | None) -> None:
        order = list(range(self.t_row_count()))
        seed.shuffle(order)
        self.t_sort(order)
        self.then(sync)

    @rule(position=st.integers(min_value=0, max_value=8), field=st.sampled_from(FIELDS), data=st.data(), sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def edit_cell(self, position: int, field: str, data, sync: int | None) -> None:
        if field not in self.headers or not self.t_row_count():
            return self.then(sync)
        value = data.draw(rows)[field]
        self.t_edit(position % self.t_row_count(), field, value)
        self.then(sync)

    @precondition(lambda self: self.synced is not None and self.t_row_count() > 0)
    @rule(position=st.integers(min_value=0, max_value=8), thing=st.sampled_from(["新滑梯", "新秋千", "新护栏"]), sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def fix_row(self, position: int, thing: str, sync: int | None) -> None:
        """Staff put right every problem of a row; its alerts must resolve at the next sync."""
        index = position % self.t_row_count()
        for field, value in good_row(thing).items():
            if field in self.headers:
                self.t_edit(index, field, value)
        self.then(sync)

    @rule(field=st.sampled_from(sorted(RENAMES)), choice=st.integers(min_value=0, max_value=1), sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def rename_header(self, field: str, choice: int, sync: int | None) -> None:
        if field not in self.headers:
            return self.then(sync)
        names = RENAMES[field]
        self.t_rename(field, names[choice % len(names)])
        self.then(sync)

    @precondition(lambda self: self.synced is not None)
    @rule(way=st.sampled_from(["insert_before", "right"]), sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def move_alert_column(self, way: str, sync: int | None) -> None:
        self.t_move_alert(way)
        self.then(sync)

    @precondition(lambda self: self.synced is not None)
    @rule(header=st.booleans(), note=notes, sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def note_right_of_alerts(self, header: bool, note: str, sync: int | None) -> None:
        """Staff type notes in the column just right of the alert column."""
        self.t_note_right_of_alerts("说明" if header else "", note)
        self.then(sync)

    @precondition(lambda self: self.supports_settings)
    @rule(slot=st.integers(min_value=0, max_value=3), names=st.sampled_from(SETTING_NAMES), value=setting_values,
          sync=st.one_of(st.none(), st.integers(min_value=0, max_value=75)))
    def edit_setting(self, slot: int, names: tuple[str, str], value: Any, sync: int | None) -> None:
        """Staff change a rule's setting in the 设置 workbook (and save it)."""
        row = slot + 2
        self.t_setting(row, names[0], names[1], value)
        self.setting_rows[row] = (names[0], names[1], value)
        self.then(sync)

    # -- what must hold after every sync --

    @invariant()
    def alerts_sit_on_their_rows_and_keys_are_unique(self) -> None:
        if not self.just_synced:
            return
        judged = self.synced  # what the sync judged is what it wrote: read back below
        keys = [f.key for f in judged.findings]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        header = self.header_seen
        if header is None:
            return  # staff renamed the headers out of recognition: the page says so, no alert cells
        # A finding about the header row itself (a missing column) belongs on the page.
        wanted = {row: alert.text for row, alert in row_alerts(judged.findings, SHEET).items() if row > header}
        shown = self.t_alerts()
        assert shown == wanted, (shown, wanted)
        # Every alert still open is one this sync found: a fixed problem resolved.
        assert self.open_keys() == set(keys), self.open_keys() ^ set(keys)
        if self.supports_settings:
            self.settings_answered(judged)
        self.just_synced = False

    def settings_answered(self, judged: RunResult) -> None:
        """Each 设置 row is either in effect (its cell is where its setting comes from) or says
        why not in its own 系统提醒; a URL typed there is in effect nowhere and stored nowhere."""
        wanted = {row: alert.text for row, alert in row_alerts(judged.findings, SETTINGS_SHEET).items() if row > 1}
        shown = self.t_settings_alerts()
        assert shown == wanted, (shown, wanted)
        entries = judged.settings.get("entries", [])
        for row, (_, _, value) in self.setting_rows.items():
            text = "" if value is None else str(value).strip()
            if not text or row in shown:
                continue
            place = f"设置.xlsx › {SETTINGS_SHEET} › C{row}"
            used = [e for e in entries if e["place"] == place]
            assert len(used) == 1, (row, value, [e for e in entries if e["origin"] == "sheet"])
            if isinstance(value, int) and used[0]["label"] != "开/关":
                assert used[0]["value"] == str(value), (row, value, used[0])
        assert all(HOOK not in e["value"] for e in entries)
        with contextlib.closing(state.connect(self.db)) as connection:
            stored = connection.execute("SELECT group_concat(message) || group_concat(coalesce(value, '')) FROM findings").fetchone()[0]
            stored = (stored or "") + "".join(r[0] for r in connection.execute("SELECT shown || coalesce(sheet_value, '') FROM settings_state"))
        assert "hook.example" not in stored

    def open_keys(self) -> set[str]:
        with contextlib.closing(state.connect(self.db)) as connection:
            return {r["key"] for r in connection.execute("SELECT key FROM alert_periods WHERE resolved_at IS NULL")}

    def check_json_keys(self, paths: list[str]) -> None:
        """`check --format json`, the command staff's IT helper runs: keys unique."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["check", *paths, "--today", self.today.isoformat(), "--format", "json"])
        assert code in (0, 1), (code, err.getvalue())
        keys = [f["key"] for f in json.loads(out.getvalue())["findings"]]
        assert len(keys) == len(set(keys))

    def teardown(self) -> None:
        try:
            if self.created:
                self.t_close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- reading the sheet back (the same for every transport) --

    def t_alerts(self) -> dict[int, str]:
        """Sheet row -> the text in its alert cell."""
        grid = self._grid()
        column = alert_column(grid)
        if column is None:
            return {}
        return {number: row[column] for number, row in enumerate(grid, start=1)
                if number > self.header_row and column < len(row) and row[column] not in ("", None)}

    def _data_rows(self) -> list[int]:
        grid = self._grid()
        return [number for number in range(self.header_row + 1, len(grid) + 1)
                if any(v not in ("", None) for v in grid[number - 1][:len(self.headers)])]

    def t_row_count(self) -> int:
        return len(self._data_rows())

    # -- transports --

    def _grid(self) -> list[list[Any]]: ...

    def t_config(self) -> Config: ...
    def t_paths(self) -> list[str]: ...
    def t_save(self) -> None: ...
    def t_header_row(self) -> int | None: ...
    def t_create(self, headers, data, title, extra, look_alikes) -> None: ...
    def t_staff(self) -> Any: ...
    def t_insert(self, position: int, row: dict) -> None: ...
    def t_delete(self, position: int) -> None: ...
    def t_sort(self, order: list[int]) -> None: ...
    def t_edit(self, position: int, field: str, value: Any) -> None: ...
    def t_rename(self, field: str, name: str) -> None: ...
    def t_move_alert(self, way: str) -> None: ...
    def t_note_right_of_alerts(self, header: str, note: str) -> None: ...
    def t_close(self) -> None: ...
    def t_setting(self, row: int, rule: str, label: str, value: Any) -> None: ...
    def t_settings_alerts(self) -> dict[int, str]: ...


def assert_same_staff(before: Any, after: Any) -> None:
    if isinstance(before, dict):
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert not changed, [(k, before.get(k), after.get(k)) for k in changed[:5]]
    else:
        assert before == after


def alert_column(grid: list[list[Any]]) -> int | None:
    for row in grid[:10]:
        if ALERT_HEADER in row:
            return row.index(ALERT_HEADER)
    return None
