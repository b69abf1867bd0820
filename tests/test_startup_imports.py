"""`check` starts with what it uses: staff run it on old office PCs beside Excel, and a district
over hundreds of kindergartens. No workbook writer, Word or web library, and the pack's JSON
Schema check (jsonschema) only while the pack's contents are new to this user's cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sync.config.pack_file import DEFAULT_SCHEMA, PackFileError, read_pack
from sync.install import places
from tests.support import ROOT, TODAY

NOT_FOR_CHECK = ("openpyxl", "docx", "flask", "jinja2", "werkzeug", "jsonschema", "filelock", "xlsxwriter")
PROBE = """
import sys
from sync.cli.entry import main
code = main(sys.argv[1:])
print("\\nLOADED " + " ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    line = done.stdout.rsplit("\nLOADED ", 1)[1]
    return done.returncode, set(line.split())


def test_check_of_a_workbook_imports_no_writer_word_web_or_schema_library(tmp_path):
    demo = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(demo), "--today", TODAY.isoformat()],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    loaded_by("check", "--today", TODAY.isoformat(), str(demo))  # the first one may check the pack's shape
    code, loaded = loaded_by("check", "--format", "json", "--today", TODAY.isoformat(), str(demo))
    assert code in (0, 1)
    assert not loaded & set(NOT_FOR_CHECK), sorted(loaded & set(NOT_FOR_CHECK))


def test_a_pack_that_breaks_its_json_schema_is_refused_even_after_a_good_one_was_cached(tmp_path):
    read_pack()  # the shipped pack, now known good
    data = json.loads(DEFAULT_SCHEMA.read_text(encoding="utf-8"))
    data["sheets"][0]["fields"][0]["type"] = "colour"
    broken = tmp_path / "sheets_schema.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for _ in range(2):  # a refusal leaves no marker behind: refused the second time too
        with pytest.raises(PackFileError, match=r"\$\.sheets\[0\]\.fields\[0\]\.type"):
            read_pack(broken)
    markers = list((places.cache_dir() / "pack-checked").iterdir())
    assert markers and all(marker.stat().st_size == 0 for marker in markers)


def test_the_pack_cache_lives_in_the_test_s_own_user_folders(user_home):
    assert Path(places.cache_dir()).is_relative_to(user_home)


def test_a_read_only_cache_folder_only_costs_the_check_again(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(places, "cache_dir", lambda: blocker / "Houqin")
    assert read_pack().sheets
    assert read_pack().sheets
