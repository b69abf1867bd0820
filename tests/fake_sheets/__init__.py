"""A loopback fake of the Google Sheets API for tests (see server.py and api.py)."""

from tests.fake_sheets.server import FakeSheets

__all__ = ["FakeSheets"]
