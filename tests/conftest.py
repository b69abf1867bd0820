"""Shared fixtures: the real pack, a fixed 'today', the corpus folder beside the project."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from sync.config.pack_file import read_pack

ROOT = Path(__file__).resolve().parents[1]
# `houqin serve`/`check` without arguments read the config `houqin setup` wrote; never the
# developer's own one during tests (subprocesses inherit this).
os.environ["HOUQIN_HOME"] = str(Path(tempfile.gettempdir()) / f"houqin-tests-{os.getpid()}" / "no-home")
CORPUS = ROOT.parent / "shared" / "corpus"
TODAY = date(2026, 11, 25)

# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE (default "ci"). The stateful machines
# take their example counts from MACHINE_EXAMPLES: 200 per transport in CI keeps the suite
# within its time; "long" is the once-in-a-while local run (5,000 per transport).
settings.register_profile("ci", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=1000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
MACHINE_EXAMPLES = int(os.environ.get("HOUQIN_MACHINE_EXAMPLES", {"ci": 200, "long": 5000}.get(PROFILE, 200)))
MACHINE_SETTINGS = {"max_examples": MACHINE_EXAMPLES, "stateful_step_count": 6}
if os.environ.get("HOUQIN_MACHINE_SHRINK") == "0":  # exploring: report the first failure as found
    MACHINE_SETTINGS["phases"] = [Phase.explicit, Phase.reuse, Phase.generate]


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
