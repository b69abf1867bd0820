"""Google spreadsheets as a source, through real gspread, within the API quota.

Per spreadsheet and cycle: one `spreadsheets.get` with a field mask (values with their number
formats, sheet ids and conditional formats together), and at most one
`spreadsheets.batchUpdate`, none when no alert text changed. Only the alert column, its
header and Houqin's two conditional-format rules are ever written.
"""

from __future__ import annotations

from typing import Any

from rules.alerts import Alert
from rules.pack.spec import Pack
from sync.config.loader import Config, GoogleSpreadsheet
from sync.sources.base import ReadResult, SourceError, WriteOutcome
from sync.sources.gsheets.client import RetryingHTTPClient, credentials_from_file
from sync.sources.gsheets.reading import read_spreadsheet
from sync.sources.gsheets.writing import write_spreadsheet


def google_sources(config: Config, auth: Any = None) -> list[GoogleSheetsSource]:
    """One source per configured spreadsheet, sharing one HTTP client."""
    if auth is None and config.google.api_base and not config.google.credentials:
        # An emulator or the tests' loopback fake: no Google account involved.
        from google.auth.credentials import AnonymousCredentials

        auth = AnonymousCredentials()
    if auth is None:
        if not config.google.credentials:
            raise SourceError("配置了 Google 表格，但没有提供服务账号密钥（[google] credentials 或环境变量 HOUQIN_GOOGLE_CREDENTIALS）",
                              "Google spreadsheets are configured but no service-account key is given")
        auth = credentials_from_file(config.google.credentials)
    client = RetryingHTTPClient(auth, api_base=config.google.api_base)
    return [GoogleSheetsSource(sheet, client) for sheet in config.google.spreadsheets]


class GoogleSheetsSource:
    """One Google spreadsheet, by key."""

    kind = "gsheets"

    def __init__(self, settings: GoogleSpreadsheet, client: RetryingHTTPClient):
        self.settings = settings
        self.client = client
        self.key = settings.key
        self.name = settings.name or f"Google 表格 {settings.key}"
        self.url = f"https://docs.google.com/spreadsheets/d/{settings.key}/edit"

    def read(self, pack: Pack) -> ReadResult:
        # Spreadsheet tab title -> the pack sheet name it stands for, from the config's mapping.
        renamed = {title: name for name, title in self.settings.sheet_names.items()}
        read = read_spreadsheet(self.client, self.key, self.name, pack, renamed)
        read.url, read.sheet_ids = self.url, dict(read.state.sheet_ids)
        return read

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        return write_spreadsheet(self.client, self.key, read, alerts)
