"""Running Houqin's command line in tests: in this process (`cli`), as a fresh process
(`houqin`), and a stand-in for `systemctl` (`fake_systemctl`)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from sync.cli.entry import main
from tests.support import ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    """The command line in this process (saves an interpreter start per call)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def houqin(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The command as staff run it: a fresh process."""
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=cwd, capture_output=True, text=True, timeout=180,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def fake_systemctl(folder: Path, code: int) -> tuple[dict[str, str], Path]:
    """systemctl stands for the user's service manager, which a test must not change."""
    calls = folder / "systemctl-calls.txt"
    bin_dir = folder / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "systemctl"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\necho enabled\nexit {code}\n', encoding="utf-8")
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "XDG_CONFIG_HOME": str(folder / "config")}, calls
