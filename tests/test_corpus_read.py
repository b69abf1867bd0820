"""Real Excel- and LibreOffice-made files from outside the project: read without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from sync.sources.base import SourceError
from sync.sources.xlsx.source import WorkbookSource
from tests.support import ROOT


def corpus_files(corpus):
    files = sorted((corpus / "calamine-xlsx").glob("*.xls*"))
    assert len(files) > 60
    return files


def test_every_corpus_file_reads_or_gives_one_clear_message(corpus, pack):
    readable = 0
    for path in corpus_files(corpus):
        source = WorkbookSource(path)
        try:
            source.read(pack)
            readable += 1
        except SourceError as exc:
            assert str(path) in exc.message and len(exc.message.splitlines()) == 1
        # Every sheet's grid is read as well, not only those that look like the pack's.
        try:
            for title, grid in source.grids(lambda _title: True):
                assert isinstance(grid, list), title
        except SourceError as exc:
            assert str(path) in exc.message
    assert readable >= 60


@pytest.mark.slow  # every corpus file, one after another
def test_check_command_on_every_corpus_file(corpus):
    def check(path):
        return path, subprocess.run([sys.executable, "-m", "sync", "check", str(path), "--format", "json"], cwd=ROOT,
                                    capture_output=True, text=True, timeout=120)

    # One real process per file, as staff would run it; as many at once as there are cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(check, corpus_files(corpus)))
    for path, done in results:
        assert "Traceback" not in done.stderr, (path, done.stderr)
        if done.returncode == 2:  # could not run: one line naming the file
            assert str(path) in done.stderr and len(done.stderr.strip().splitlines()) == 1, (path, done.stderr)
            continue
        # It ran: one JSON report, and the exit status says whether it holds an error.
        findings = json.loads(done.stdout)["findings"]
        assert done.returncode == (1 if any(f["severity"] == "error" for f in findings) else 0), path
