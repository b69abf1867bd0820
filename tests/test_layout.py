"""The layout keeps its promises: no import cycle, rules/ pure, every rule kind's settings
declared once and enforced for the pack and for a config's overrides, and the architecture
page names only folders that exist."""

from __future__ import annotations

import ast
import copy
import json
import re
import sys
from pathlib import Path

import pytest

from rules.kinds import KINDS
from rules.pack.load import SchemaError, check_overrides, load_pack
from sync.cli.entry import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rules", "sync", "webapp")
# What rules/ may never import: the outer layers and anything that reads, writes or talks.
IMPURE = {"sync", "webapp", "flask", "gspread", "openpyxl", "sqlite3", "requests", "python_calamine", "waitress",
          "socket", "http", "urllib", "subprocess", "shutil", "zipfile", "tempfile", "io", "os", "pathlib", "smtplib",
          "apprise", "multiprocessing", "threading", "logging"}


def module_graph() -> dict[str, set[str]]:
    """Each project module -> the project modules it imports (resolved to the nearest module)."""
    files = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            files[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def external_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_no_import_cycle_among_the_projects_modules():
    graph = module_graph()
    assert len(graph) > 40  # the walk found the project
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for other in sorted(graph[node]):
            if state.get(other) == 1:
                cycles.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, path + [other])
        state[node] = 2

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_rules_import_nothing_with_io_nor_an_outer_layer():
    offenders = {str(p.relative_to(ROOT)): sorted(external_imports(p) & IMPURE) for p in (ROOT / "rules").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_test_module_imports_another_and_fixtures_are_shared_through_conftest():
    """Helpers live in tests/support.py and the *_helpers modules, fixtures in conftest.py."""
    offenders = {}
    for path in (ROOT / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(("tests.test_", "tests.conftest")):
                offenders.setdefault(path.name, []).append(node.module)
    assert offenders == {}


def test_only_the_service_imports_the_web_app():
    graph = module_graph()
    assert sorted(m for m, imported in graph.items() if m.startswith("sync") and any(
        i.startswith("webapp") for i in imported)) == ["sync.service.runner"]


def test_at_most_a_few_modules_directly_in_sync():
    assert len(list((ROOT / "sync").glob("*.py"))) <= 8


def test_architecture_page_names_only_folders_that_exist():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    folders = set(re.findall(r"`((?:rules|sync|webapp|tests|bench)(?:/[\w.]+)*/)`", text))
    assert {"rules/", "rules/pack/", "rules/kinds/", "sync/sources/xlsx/", "sync/sources/gsheets/", "sync/demo/"} <= folders
    assert sorted(f for f in folders if not (ROOT / f).is_dir()) == []
    files = set(re.findall(r"`((?:rules|sync|webapp)/[\w/]+\.(?:py|json))`", text))
    assert sorted(f for f in files if not (ROOT / f).is_file()) == []


# --- settings: declared once, enforced for the pack and for config overrides -----------------

def shipped_pack() -> dict:
    return json.loads((ROOT / "rules" / "pack" / "sheets_schema.json").read_text(encoding="utf-8"))


def a_rule_of_each_kind(data: dict) -> dict[str, tuple[int, int]]:
    """kind -> (sheet index, rule index) of the first shipped rule of that kind."""
    found: dict[str, tuple[int, int]] = {}
    for s_index, sheet in enumerate(data["sheets"]):
        for r_index, rule in enumerate(sheet.get("rules", [])):
            found.setdefault(rule["kind"], (s_index, r_index))
    return found


def test_the_shipped_pack_uses_every_kind_and_only_declared_settings():
    data = shipped_pack()
    assert set(a_rule_of_each_kind(data)) == set(KINDS)
    load_pack(data)


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_an_unknown_setting_in_the_pack_is_refused_with_the_nearest_name(kind_name):
    data = shipped_pack()
    s_index, r_index = a_rule_of_each_kind(data)[kind_name]
    rule = data["sheets"][s_index]["rules"][r_index]
    declared = sorted(KINDS[kind_name].settings)
    real = next(n for n in declared if len(n) > 3)
    rule[real[:-1] + real[-1].upper() + "x"] = rule.get(real, 1)  # a typo of a real setting
    with pytest.raises(SchemaError) as caught:
        load_pack(data)
    assert caught.value.path.startswith(f"$.sheets[{s_index}].rules[{r_index}].")
    assert rule["id"] in caught.value.message and f"是不是“{real}”" in caught.value.message


@pytest.mark.parametrize("kind_name", sorted(k for k in KINDS if any(s.required for s in KINDS[k].settings.values())))
def test_a_missing_required_setting_in_the_pack_is_refused(kind_name):
    data = shipped_pack()
    s_index, r_index = a_rule_of_each_kind(data)[kind_name]
    rule = data["sheets"][s_index]["rules"][r_index]
    required = next(n for n, s in KINDS[kind_name].settings.items() if s.required)
    rule.pop(required, None)
    with pytest.raises(SchemaError) as caught:
        load_pack(data)
    assert caught.value.path == f"$.sheets[{s_index}].rules[{r_index}].{required}"
    assert rule["id"] in caught.value.message and f"缺少必填的设置“{required}”" in caught.value.message


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_config_overrides_are_checked_against_the_rules_kind(kind_name):
    data = shipped_pack()
    pack = load_pack(copy.deepcopy(data))
    s_index, r_index = a_rule_of_each_kind(data)[kind_name]
    rule_id = data["sheets"][s_index]["rules"][r_index]["id"]
    declared = sorted(KINDS[kind_name].settings)
    real = next(n for n in declared if len(n) > 3)
    place, message = check_overrides(pack, {rule_id: {real + "s": 3}})
    assert place == f"[rules.{rule_id}] {real}s" and rule_id in message and f"是不是“{real}”" in message
    assert check_overrides(pack, {rule_id: {"enabled": False}}) is None
    # A value of the wrong type is refused too, naming the setting.
    place, message = check_overrides(pack, {rule_id: {"enabled": "否"}})
    assert place == f"[rules.{rule_id}] enabled" and "true 或 false" in message


def test_an_override_of_a_rule_that_does_not_exist_suggests_the_nearest(tmp_path, capsys):
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{tmp_path.as_posix()}']\n[rules.stock_expiry]\nwarn_days = {{ '食品' = 3 }}\n"
                      "[rules.stock_expry]\nwarn_days = 3\n", encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "[rules.stock_expry]" in err and "是不是“stock_expiry”" in err and "Traceback" not in err
