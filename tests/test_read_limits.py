"""The cell-reference check before calamine parses a sheet (sync/sources/xlsx/limits.py): a far
cell is found however its reference is written, and the quick tests that choose the pattern
agree with plain searches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.sources.xlsx.limits import Extent, ReadLimits, _holds, _unusual

ORDINARY = b'<row r="5"><c r="A5"><v>1</v></c>'
PIECES = [b"r='", b"\tr=", b"\nr=", b"\rr=", b"r =", b' r="', b"'", b"\n", b"\t", b"\r", b"r", b"=", b"<c ", b"abc"]


@pytest.mark.parametrize("written", [b"r='XFD5'", b'\tr="XFD5"', b'\nr="XFD5"', b'\rr="XFD5"', b'r ="XFD5"',
                                     b' r="XFD5"'])
def test_a_far_cell_is_found_however_its_reference_is_written(written):
    xml = b"<?xml version='1.0'?>\n<sheetData>" + ORDINARY * 50 + b"<c " + written + b"><v>1</v></c></row>"
    assert Extent(ReadLimits()).beyond(xml) == "XFD5"


def test_an_ordinary_sheet_takes_the_quick_pattern():
    assert not _unusual(b"<?xml version=\"1.0\"?>\n<sheetData>" + ORDINARY * 50)


@given(parts=st.lists(st.sampled_from(PIECES), max_size=60), tries=st.integers(1, 5))
def test_the_quick_searches_agree_with_plain_ones(parts, tries):
    xml = b"".join(parts)
    assert _unusual(xml) == any(needle in xml for needle in (b"r='", b"\tr=", b"\nr=", b"\rr=", b"r ="))
    for needle, rare in ((b"r='", 2), (b"\tr=", 0), (b"\nr=", 0), (b"\rr=", 0)):
        assert _holds(xml, needle, rare, tries) == (needle in xml)
