"""The exit codes of every command (DESIGN.md's contract) and the one error base: a failure
the user is told about in one plain message, never a traceback."""

from __future__ import annotations

EXIT_OK = 0  # done; no error-level findings
EXIT_FINDINGS = 1  # done, and some findings are errors (or some channels/parts failed)
EXIT_FAILED = 2  # could not run: bad arguments, config, schema, output file, unreadable source
EXIT_INTERRUPTED = 130  # Ctrl-C


class HouqinError(Exception):
    """Raised where the reason is known; `cli.main` prints `str(exc)` and exits `exit_code`."""

    exit_code = EXIT_FAILED
