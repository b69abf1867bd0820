"""Setup's answers with invisible characters: refused by name, and every text the config
writer renders (TOML) reads back as it was, whatever the characters."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.config import declaration
from tests.cli_helpers import houqin


@pytest.mark.parametrize("flag", ["--name", "--password", "--classes"])
@pytest.mark.parametrize("char, named", [("\r", "回车符"), ("\x01", "\\x01"), ("\x7f", "删除符"), ("\x85", "\\x85")])
def test_an_answer_with_a_control_character_is_refused_by_name(tmp_path, flag, char, named):
    target = tmp_path / "houqin.toml"
    value = f"阳光{char}幼儿园"
    done = houqin("setup", "--config", str(target), "--folder", str(tmp_path), flag, value, "--no-lan", "--no-blank",
                  *(["--no-password"] if flag != "--password" else []), cwd=tmp_path)
    if flag == "--classes" and char.isspace():  # between class names it separates them, like a space
        assert done.returncode == 0 and "阳光" in target.read_text(encoding="utf-8"), done.stderr
        return
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert named in done.stderr and "第 3 个字符" in done.stderr and "houqin.toml.tmp" not in done.stderr
    assert not target.exists() and not (tmp_path / "houqin.toml.tmp").exists()


@given(st.text())
def test_any_text_the_config_writer_renders_reads_back_as_it_was(text):
    for string in (declaration.literal_string, declaration.basic_string):
        assert tomllib.loads(f"v = {string(text)}\n")["v"] == text
