"""The session signing key: from the config or environment, else made once and kept beside
the state database with owner-only permissions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sync.config.loader import Config


def secret_key_for(config: Config) -> str:
    if config.web.secret_key:
        return config.web.secret_key
    path = Path(config.state_db).parent / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key
