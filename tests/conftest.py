"""Shared fixtures: the real pack, a fixed 'today', the corpus folder beside the project."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

from sync.pack_file import read_pack

ROOT = Path(__file__).resolve().parents[1]
# `houqin serve`/`check` without arguments read the config `houqin setup` wrote; never the
# developer's own one during tests (subprocesses inherit this).
os.environ["HOUQIN_HOME"] = str(Path(tempfile.gettempdir()) / f"houqin-tests-{os.getpid()}" / "no-home")
CORPUS = ROOT.parent / "shared" / "corpus"
TODAY = date(2026, 11, 25)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip outside CI when something this test needs is missing; in CI that is a failure."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pack():
    return read_pack()


@pytest.fixture
def corpus() -> Path:
    require(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    return CORPUS
