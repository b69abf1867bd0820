"""Shared fixtures: the real pack, the corpus folder beside the project; every test process's
user folders made temporary before any test runs (subprocesses inherit them)."""

from __future__ import annotations

import atexit
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sync.config.pack_file import read_pack
from tests.support import CORPUS, PROFILE, isolate_user_folders, require

# Before anything reads a user folder: `houqin serve`/`check` without arguments, the state
# database of a run given only paths, `setup`'s documents folder, the autostart unit.
USER_HOME = isolate_user_folders()
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
