"""Shared fixtures: the real pack, the corpus folder beside the project, the loopback fake of
the Sheets API, a headless Chromium, the status page's app over a recorded state database;
every test process's user folders made temporary before any test runs (subprocesses inherit
them). Helpers that are not fixtures live in tests/support.py and the *_helpers modules."""

from __future__ import annotations

import atexit
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sync.config.pack_file import read_pack
from tests.fake_sheets import FakeSheets
from tests.support import CHROMIUM, CORPUS, PROFILE, isolate_user_folders, require

# Before anything reads a user folder: `houqin serve`/`check` without arguments, the state
# database of a run given only paths, `setup`'s documents folder, the autostart unit.
USER_HOME = isolate_user_folders()

# tests/windows/ runs on Windows Python only (`make test-windows`, under Wine): elsewhere there is
# nothing for it to test, and a skipped test would only hide that.
collect_ignore_glob = [] if sys.platform == "win32" else ["windows/test_*.py"]
atexit.register(shutil.rmtree, USER_HOME, ignore_errors=True)

settings.register_profile("ci", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=1000)
settings.load_profile(PROFILE)


@pytest.fixture(scope="session")
def user_home() -> Path:
    """The temporary folder that HOME, XDG_*, APPDATA and LOCALAPPDATA point into."""
    return USER_HOME


@pytest.fixture(scope="session")
def pack():
    return read_pack()


@pytest.fixture
def corpus() -> Path:
    require(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture
def fake():
    """The loopback fake of the Google Sheets API."""
    with FakeSheets() as server:
        yield server


@pytest.fixture
def browser():
    """A real headless Chromium (Debian's), through Playwright."""
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM} (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        yield launched
        launched.close()


@pytest.fixture
def make_app(tmp_path):
    """make_app(record, **options): the real Flask app over a state database in tmp_path that
    `record(path)` filled; `app.config["calls"]` counts the 立即同步 requests."""
    from sync.config.loader import Config
    from webapp import create_app

    def make(record: Callable[[Path], object] | None = None, **options):
        config = Config(paths=[tmp_path], state_db=tmp_path / "state.sqlite3")
        if record is not None:
            record(config.state_db)
        calls: list[int] = []
        options.setdefault("trigger_sync", lambda: calls.append(1) or True)
        application = create_app(config, secret_key="test", **options)
        application.config["calls"] = calls
        return application

    return make
