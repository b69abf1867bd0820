"""One declaration of every setting (sync/config/declaration.py): it checks the file, gives
the defaults, and renders houqin.example.toml and the file `houqin setup` writes."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from rules.nutrition.settings import NutritionSettings, settings_from
from sync.config import declaration
from sync.config import loader as config_module
from sync.config.loader import ConfigError
from sync.install.setup import Answers, render
from tests.support import ROOT


def answers(tmp_path: Path) -> Answers:
    return Answers(folder=tmp_path, name="阳光幼儿园", classes=["小一班"], password="", lan=False)


def with_default(monkeypatch, section: str, key: str, value) -> None:
    """The declaration as if `section.key` had been declared with another default."""
    sections = []
    for part in declaration.SECTIONS:
        if part.name == section:
            keys = tuple(dataclasses.replace(k, default=value) if k.name == key else k for k in part.keys)
            part = dataclasses.replace(part, keys=keys)
        sections.append(part)
    monkeypatch.setattr(declaration, "SECTIONS", tuple(sections))
    monkeypatch.setattr(declaration, "BY_NAME", {s.name: s for s in sections})


def test_the_shipped_example_is_the_declarations_rendering_and_a_valid_config():
    shipped = (ROOT / "houqin.example.toml").read_text(encoding="utf-8")
    assert shipped == declaration.render_example(), "run: python -m sync.config.declaration > houqin.example.toml"
    config = config_module.parse(shipped, ROOT / "houqin.example.toml")
    assert config.interval_minutes == declaration.default("sync", "interval_minutes")
    assert config.web.port == declaration.default("web", "port")


def test_a_changed_default_changes_the_example_the_wizards_file_and_the_reader(monkeypatch, tmp_path):
    with_default(monkeypatch, "sync", "interval_minutes", 25)
    with_default(monkeypatch, "web", "port", 8123)
    example = tomllib.loads(declaration.render_example())
    assert example["sync"]["interval_minutes"] == 25 and example["web"]["port"] == 8123
    wizard = render(dataclasses.replace(answers(tmp_path), port=declaration.default("web", "port")))
    assert tomllib.loads(wizard)["sync"]["interval_minutes"] == 25 and tomllib.loads(wizard)["web"]["port"] == 8123
    # A file that leaves them out gets the declared defaults.
    config = config_module.parse(f"[sources]\npaths = ['{tmp_path.as_posix()}']\n", tmp_path / "houqin.toml")
    assert (config.interval_minutes, config.web.port) == (25, 8123)


def test_the_wizards_file_is_read_back_with_its_answers_and_the_declared_defaults(tmp_path):
    target = tmp_path / "houqin.toml"
    target.write_text(render(answers(tmp_path)), encoding="utf-8")
    config = config_module.load(target)
    assert config.paths == [tmp_path] and config.school_name == "阳光幼儿园" and config.classes == ["小一班"]
    assert config.timezone == declaration.default("", "timezone")
    assert config.backups == declaration.default("sync", "backups")
    assert config.web.host == "127.0.0.1" and config.web.password is None


def test_the_nutrition_section_declares_what_the_analysis_reads_and_is_parsed_once():
    declared = declaration.section("nutrition")
    assert {k.name for k in declared.keys} == {f.name for f in dataclasses.fields(NutritionSettings)}
    # Every declared default reads back as the analysis's own default.
    assert settings_from({k.name: k.default for k in declared.keys}) == NutritionSettings()
    config = config_module.parse("[sources]\npaths = ['x']\n[nutrition]\nfat_share = [25, 45]\n", Path("houqin.toml"))
    assert isinstance(config.nutrition, NutritionSettings) and config.nutrition.fat_share == (0.25, 0.45)


@pytest.mark.parametrize("section", [s for s in declaration.SECTIONS if s.name and s.keys and not s.checked_by],
                         ids=lambda s: s.name)
def test_a_misspelt_key_of_any_section_is_refused_with_the_nearest_declared_name(section, tmp_path):
    real = max((k.name for k in section.keys), key=len)
    text = f"[sources]\npaths = ['{tmp_path.as_posix()}']\n" if section.name != "sources" else ""
    text += f"[{section.name}]\n{real}x = 1\n"
    with pytest.raises(ConfigError) as caught:
        config_module.parse(text, tmp_path / "houqin.toml")
    assert f"{section.name}.{real}x" in str(caught.value) and f"“{real}”" in str(caught.value)
