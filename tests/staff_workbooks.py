"""Workbooks as staff's spreadsheet programs make them, with everything that a careless save
would lose: pictures, charts, text boxes, extension-list features, comments, formulas..."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter

HEADERS = ["物品名称", "类别", "单位", "数量", "最低库存", "到期日期", "金额（元）"]
HEADER_ROW = 3  # a merged title row 1 and a note in row 2 above it
ROWS = 30

# An Excel 2010 list validation kept in the sheet's extension list (as Excel writes it when
# the list lives on another sheet).
X14_VALIDATION = (
    '<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" allowBlank="1">'
    "<x14:formula1><xm:f>选项!$A$1:$A$2</xm:f></x14:formula1><xm:sqref>B4:B40</xm:sqref></x14:dataValidation>"
    "</x14:dataValidations></ext>"
)


def tiny_png() -> bytes:
    """A 2×2 red PNG, made here so the test needs no image file."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_staff_workbook(path: Path, date_1904: bool = False) -> Path:
    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0.00", "bold": True, "bg_color": "#DDEBF7"})
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    sheet = book.add_worksheet("库存")
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "2026年秋季学期食堂库存", title)
    sheet.write(1, 0, "填表人：陈阿姨")
    sheet.write_row(HEADER_ROW - 1, 0, HEADERS, book.add_format({"bold": True}))
    start = datetime(2026, 11, 1)
    for i in range(ROWS):
        row = HEADER_ROW + i
        sheet.write_string(row, 0, f"食材{i}")
        sheet.write_string(row, 1, "食品" if i % 4 else "物资")
        sheet.write_string(row, 2, "千克")
        sheet.write_number(row, 3, 10 + i)
        sheet.write_number(row, 4, 12)
        sheet.write_datetime(row, 5, start + timedelta(days=i), dates)
        sheet.write_formula(row, 6, f"=D{row + 1}*3.5", money, (10 + i) * 3.5)
    sheet.write_formula(HEADER_ROW + ROWS, 6, f"=SUM(G{HEADER_ROW + 1}:G{HEADER_ROW + ROWS})", money,
                        sum((10 + i) * 3.5 for i in range(ROWS)))
    sheet.freeze_panes(HEADER_ROW, 0)
    sheet.autofilter(HEADER_ROW - 1, 0, HEADER_ROW + ROWS - 1, len(HEADERS) - 1)
    sheet.data_validation(HEADER_ROW, 2, HEADER_ROW + 40, 2, {"validate": "list", "source": ["千克", "箱", "瓶"]})
    sheet.write_comment(HEADER_ROW, 0, "这批食材周三到货")
    sheet.conditional_format(HEADER_ROW, 3, HEADER_ROW + ROWS, 3,
                             {"type": "cell", "criteria": "<", "value": 12, "format": book.add_format({"font_color": "#0000FF"})})
    sheet.conditional_format(HEADER_ROW, 4, HEADER_ROW + ROWS, 4, {"type": "data_bar", "data_bar_2010": True})
    sheet.add_sparkline(1, len(HEADERS) + 3, {"range": f"库存!D{HEADER_ROW + 1}:D{HEADER_ROW + 10}"})
    sheet.insert_image(HEADER_ROW + ROWS + 3, 0, "hazard.png", {"image_data": io.BytesIO(tiny_png())})
    sheet.insert_textbox(HEADER_ROW + ROWS + 3, 3, "检查时发现货架松动", {"width": 200, "height": 40})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": f"=库存!$D${HEADER_ROW + 1}:$D${HEADER_ROW + 10}"})
    sheet.insert_chart(HEADER_ROW + ROWS + 6, 0, chart)
    sheet.protect("", {"autofilter": True, "format_cells": True})
    sheet.unprotect_range(f"A{HEADER_ROW + 1}:G{HEADER_ROW + ROWS}", "可编辑区域")

    options = book.add_worksheet("选项")
    options.write_column(0, 0, ["食品", "物资"])
    options.hide()
    table_sheet = book.add_worksheet("物品清单")
    table_sheet.add_table(0, 0, 4, 2, {"columns": [{"header": "名称"}, {"header": "规格"}, {"header": "备注"}],
                                       "data": [["米", "25kg", ""], ["面", "10kg", ""], ["油", "5L", ""], ["盐", "1kg", ""]]})
    book.close()
    _inject_x14_validation(path)
    return path


def _inject_x14_validation(path: Path) -> None:
    """Put an Excel 2010 data validation into the sheet's extension list, as Excel would."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                text = re.sub(r"</extLst>", X14_VALIDATION + "</extLst>", text, count=1)
                data = text.encode("utf-8")
            target.writestr(info, data)


def cells_by_ref(xml: bytes) -> dict[str, bytes]:
    """Every <c> element of a sheet by its reference, exactly as written."""
    found = {}
    for match in re.finditer(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+\d+)\"[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", xml, re.S):
        found[match[1].decode()] = match[0]
    return found


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}
