"""What the command line writes survives any console code page, and a closed pipe.

A Chinese Windows writes redirected output (`houqin check > 结果.txt`, a pipe, the Task Scheduler)
in its ANSI code page, GBK, which has no '−' or 'µ'; an English one (cp1252) has no Chinese at
all: Python would stop with a UnicodeEncodeError in the middle of a report. So output that is not
a console is UTF-8 (as Python's own UTF-8 mode, the default from 3.15, writes it), and a console
keeps its encoding but replaces what it cannot show. Windows' own console is UTF-8 already.
The log file is UTF-8 whatever this does (sync/service/logs.py).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable


def prepare_streams() -> None:
    """Make sys.stdout and sys.stderr unable to fail on a character (under pythonw they are None)."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # None (houqinw), or a test's capture
        try:
            console = stream.isatty()
        except (OSError, ValueError):
            continue
        if console:
            stream.reconfigure(errors="replace")
        elif stream.encoding.replace("-", "").lower() != "utf8" or stream.errors == "strict":
            # Lone surrogates (an undecodable file name) still must not stop the report.
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def quiet_on_closed_pipe(run: Callable[[], int]) -> int:
    """`run()`, ending quietly when the reader of our output went away (`houqin report | more`)."""
    try:
        code = run()
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit, where Python would print the error itself
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:
        # Windows reports a write into a closed pipe as EINVAL (no file name), not as EPIPE.
        if exc.errno == 22 and exc.filename is None and sys.stdout is not None and not _is_console():
            _silence_stdout()
            return 0
        raise


def _is_console() -> bool:
    try:
        return sys.stdout.isatty()
    except (OSError, ValueError):
        return False


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's final flush has nowhere to fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass
