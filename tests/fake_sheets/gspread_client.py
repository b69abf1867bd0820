"""Real gspread pointed at the fake: the same HTTP client Houqin uses, with its base address."""

from __future__ import annotations

import functools

import gspread
from google.auth.credentials import AnonymousCredentials

from sync.sources.gsheets.client import RetryingHTTPClient


def make_client(fake) -> gspread.Client:
    """A gspread Client whose requests go to the fake (gspread copies its URLs at import,
    so the redirect lives in the HTTP client, not in patched constants)."""
    http_client = functools.partial(RetryingHTTPClient, api_base=fake.base_url)
    return gspread.Client(auth=AnonymousCredentials(), http_client=http_client)
