"""The suite never touches the user's real folders: every test process runs with HOME, XDG_*,
APPDATA and LOCALAPPDATA in a temporary folder, and a real `run` given only paths records its
state there; the real data folder gets nothing of it (its files are not created, and its state
database, if any, never hears of this run's workbook)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import platformdirs

from sync.install import places
from tests.support import REAL_USER_ENV, ROOT, USER_FOLDERS

WHERE = "import platformdirs; print(platformdirs.user_data_dir('Houqin', appauthor=False))"


def sources_recorded(database: Path) -> set[str]:
    """Every source a state database has a run of (read-only; another program may be writing)."""
    if not database.is_file():
        return set()
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=30) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT source FROM source_results")}


def real_data_folder() -> Path:
    env = {k: v for k, v in os.environ.items() if k not in USER_FOLDERS}
    env.update({k: v for k, v in REAL_USER_ENV.items() if v is not None})
    return Path(subprocess.run([sys.executable, "-c", WHERE], env=env, capture_output=True, text=True,
                               check=True).stdout.strip())


def test_every_user_folder_of_a_test_is_temporary(user_home):
    for name in USER_FOLDERS:
        assert Path(os.environ[name]).is_relative_to(user_home), name
    for folder in (Path.home(), places.home(), places.data_dir(), Path(platformdirs.user_config_dir("Houqin"))):
        assert folder.is_relative_to(user_home), folder
    real = real_data_folder()
    assert not real.is_relative_to(user_home)


def test_a_run_given_only_paths_records_its_state_in_the_temporary_data_folder(tmp_path, user_home):
    real = real_data_folder()
    existed = {p.name for p in real.iterdir()} if real.is_dir() else set()
    workbook = tmp_path / "后勤表格.xlsx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    made = subprocess.run([sys.executable, "-m", "sync", "init", "--out", str(workbook)], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    ran = subprocess.run([sys.executable, "-m", "sync", "run", str(workbook)], env=env, capture_output=True,
                         text=True, cwd=tmp_path)
    assert ran.returncode in (0, 1), ran.stderr
    assert (places.data_dir() / places.STATE_NAME).is_file()
    assert places.data_dir().is_relative_to(user_home)
    assert str(workbook) in sources_recorded(places.data_dir() / places.STATE_NAME)
    if existed:  # a real installation's folder: it keeps its files, and never hears of this run
        assert {p.name for p in real.iterdir()} <= existed | {places.STATE_NAME + "-wal", places.STATE_NAME + "-shm"}
        assert str(workbook) not in sources_recorded(real / places.STATE_NAME)
    else:
        assert not real.exists()
