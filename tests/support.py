"""What many test modules share that is not a fixture: the project's root, the fixed 'today',
the corpus beside the project, CI's no-skip rule, the stateful machines' settings, and the
user folders every test runs with (temporary ones, never the developer's own)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import Phase

from sync.sources.xlsx.file_safety import BACKUP_DIR

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TODAY = date(2026, 11, 25)

# The variables that say where a user's home, documents, data and config are, on Linux
# (HOME, XDG_*), macOS (HOME) and Windows (USERPROFILE, APPDATA, LOCALAPPDATA).
USER_FOLDERS = {"HOME": "home", "USERPROFILE": "home", "XDG_DATA_HOME": "home/.local/share",
                "XDG_CONFIG_HOME": "home/.config", "XDG_CACHE_HOME": "home/.cache",
                "XDG_STATE_HOME": "home/.local/state", "XDG_RUNTIME_DIR": "runtime",
                "APPDATA": "home/AppData/Roaming", "LOCALAPPDATA": "home/AppData/Local"}
# What they were when the suite started: the real folders, which no test may write to.
# Kept in the environment too, so that pytest-xdist's workers (started by an already isolated
# process) know them.
REAL_USER_ENV_NAME = "HOUQIN_TESTS_REAL_USER_ENV"
REAL_USER_ENV: dict[str, str | None] = (json.loads(os.environ[REAL_USER_ENV_NAME]) if REAL_USER_ENV_NAME in os.environ
                                        else {name: os.environ.get(name) for name in USER_FOLDERS})


def isolate_user_folders() -> Path:
    """Point every user folder variable at a new temporary folder, for this process and every
    process it starts; returns that folder. `houqin setup`'s documents folder (HOUQIN_HOME) is
    inside it too. Called once per test process, from conftest, before any test runs."""
    os.environ[REAL_USER_ENV_NAME] = json.dumps(REAL_USER_ENV)
    top = Path(tempfile.mkdtemp(prefix="houqin-tests-home-"))
    for name, below in USER_FOLDERS.items():
        folder = top / below
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ[name] = str(folder)
    os.environ["HOUQIN_HOME"] = str(top / "home" / "Documents" / "Houqin")
    return top


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip outside CI when something this test needs is missing; in CI that is a failure."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE (default "ci", registered in conftest).
# The stateful machines take their example counts from MACHINE_EXAMPLES: 200 per transport in
# CI keeps the suite within its time; "long" is the once-in-a-while local run (5,000 per transport).
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
MACHINE_EXAMPLES = int(os.environ.get("HOUQIN_MACHINE_EXAMPLES", {"ci": 200, "long": 5000}.get(PROFILE, 200)))
MACHINE_SETTINGS: dict = {"max_examples": MACHINE_EXAMPLES, "stateful_step_count": 6}
if os.environ.get("HOUQIN_MACHINE_SHRINK") == "0":  # exploring: report the first failure as found
    MACHINE_SETTINGS["phases"] = [Phase.explicit, Phase.reuse, Phase.generate]


def assert_one_clear_failure(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    message = done.stderr.strip()
    assert message and len(message.splitlines()) <= 2, message
    for word in words:
        assert word in message, message


BACKUPS = BACKUP_DIR  # the folder beside a workbook where Houqin keeps its backups


def leftovers(folder: Path) -> list[str]:
    """Hidden files Houqin may leave beside a workbook (temporaries, originals set aside)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != BACKUPS)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "tests" / "screenshots"


def text_of(html: str) -> str:
    """A page's words as a reader sees them: tags dropped, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
