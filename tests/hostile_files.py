"""Workbooks a careless or hostile hand could put in the shared folder: a single cell far out
at XFD1048576, a zip bomb, a lying zip directory. Small to store, huge to parse naively.
Used by the tests (small sizes) and by bench/hostile_inputs.py (full sizes)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import xlsxwriter

STOCK_HEADERS = ["物品名称", "类别", "单位", "数量", "最低库存", "入库日期", "生产日期", "保质期（天）", "存放位置", "经手人"]
SHEET = "xl/worksheets/sheet1.xml"


def stock_sheet(path: Path, rows: int = 3) -> Path:
    """A small, ordinary 库存 workbook (the neighbour that must still be checked and written)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("库存")
    sheet.write_row(0, 0, STOCK_HEADERS)
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [f"大米{r}", "食品", "千克", 5, 10])  # below the minimum: an alert per row
        sheet.write_string(r, 5, "2026-11-01")
        sheet.write_string(r, 6, "2026-10-01")
        sheet.write_row(r, 7, [365, "1号库", "陈阿姨"])
    book.close()
    return path


def far_cell(path: Path, row: int, column: int = 16383, keep_dimension: bool = True) -> Path:
    """A 库存 sheet with one stray cell at (row, column), 1-based row: XFD1048576 by default.

    `keep_dimension=False` drops the `<dimension>` element, as a hand-made file could: a
    guard must look at the cells themselves, not trust the sheet's own summary."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("库存")
    sheet.write_row(0, 0, STOCK_HEADERS)
    sheet.write_row(1, 0, ["大米", "食品", "千克", 50, 10, "2026-11-01", "2026-10-01", 365, "1号库", "陈阿姨"])
    sheet.write_string(row - 1, column, "x")
    book.close()
    if not keep_dimension:
        _rewrite_member(path, SHEET, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    return path


def zip_bomb(path: Path, inflated_bytes: int, lie_about_size: bool = False) -> Path:
    """A real workbook whose sheet XML inflates to `inflated_bytes` of rows (about 1000:1).

    With `lie_about_size` the zip directory claims the sheet is small, as a crafted file can."""
    stock_sheet(path)
    filler = b"".join(b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>' for _ in range(64))
    head_tail = _member(path, SHEET).split(b"</sheetData>")
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info))
                continue
            member = zipfile.ZipInfo(SHEET, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with target.open(member, "w", force_zip64=inflated_bytes > 1 << 30) as sheet:
                sheet.write(head_tail[0])
                written = 0
                while written < inflated_bytes:
                    sheet.write(filler)
                    written += len(filler)
                sheet.write(b"</sheetData>" + head_tail[1])
    shutil.move(temporary, path)
    if lie_about_size:
        _understate_sizes(path, SHEET)
    return path


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _rewrite_member(path: Path, name: str, change) -> None:
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == name else data)
    shutil.move(temporary, path)


def _understate_sizes(path: Path, name: str) -> None:
    """Patch the uncompressed size of `name` to 1,000 bytes in its local header and in the
    central directory (zip64 extra fields included), keeping everything else."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            length_at = 26 if signature == b"PK\x03\x04" else 28
            name_length = int.from_bytes(data[start + length_at:start + length_at + 2], "little")
            extra_length = int.from_bytes(data[start + length_at + 2:start + length_at + 4], "little")
            if bytes(data[start + name_offset:start + name_offset + name_length]) == name.encode():
                if int.from_bytes(data[start + size_offset:start + size_offset + 4], "little") == 0xFFFFFFFF:
                    # zip64: the real sizes sit in the extra field (id 1), uncompressed first
                    extra = start + name_offset + name_length
                    end = extra + extra_length
                    while extra < end:
                        tag = int.from_bytes(data[extra:extra + 2], "little")
                        size = int.from_bytes(data[extra + 2:extra + 4], "little")
                        if tag == 1:
                            data[extra + 4:extra + 12] = (1000).to_bytes(8, "little")
                        extra += 4 + size
                else:
                    data[start + size_offset:start + size_offset + 4] = (1000).to_bytes(4, "little")
            start += 4
    assert info.file_size != 1000
    path.write_bytes(bytes(data))


def repeated_ods(path: Path, empty_rows: int, empty_columns: int) -> Path:
    """A 1.5 KB .ods whose one text cell comes after `empty_rows` repeated empty rows and
    `empty_columns` repeated empty cells: what a spreadsheet program writes compactly and a
    reader laying out the range whole must allocate."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="库存">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>物品名称</text:p></table:table-cell></table:table-row>'
        f'<table:table-row table:number-rows-repeated="{empty_rows}"><table:table-cell table:number-columns-repeated="{empty_columns}"/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="{empty_columns}"/>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/manifest.xml", manifest)
        book.writestr("content.xml", content)
    return path
