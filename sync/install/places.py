"""Where an installed Houqin keeps its files, so nothing lands in the current folder by accident.

With a config file, state and log live in `var/` beside it. With only paths on the command line
they live in the user's data folder (on Windows `%LOCALAPPDATA%\\Houqin`). `houqin setup` writes
its config into the user's documents folder (`文档\\Houqin\\houqin.toml`), where `houqin serve`
without arguments finds it again.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "Houqin"
CONFIG_NAME = "houqin.toml"
STATE_NAME = "houqin.sqlite3"
LOG_NAME = "houqin.log"
# Points the default config folder elsewhere (a second installation, or a test).
ENV_HOME = "HOUQIN_HOME"


def home() -> Path:
    """The folder `houqin setup` writes to unless told otherwise."""
    chosen = os.environ.get(ENV_HOME)
    return Path(chosen) if chosen else Path(platformdirs.user_documents_dir()) / APP


def default_config() -> Path:
    return home() / CONFIG_NAME


def data_dir() -> Path:
    """State and log for a run given only paths: the user's data folder, not the current one."""
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """What Houqin may forget at any time (which pack contents passed their check): the user's
    cache folder (on Windows `%LOCALAPPDATA%\\Houqin\\Cache`)."""
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def var_beside(config_file: Path) -> Path:
    return config_file.parent / "var"


def log_file(state_db: Path) -> Path:
    """The log sits beside the state database: `var/houqin.log` next to `houqin.toml`."""
    return Path(state_db).parent / LOG_NAME
