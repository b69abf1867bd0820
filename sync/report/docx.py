"""The term's 后勤工作总结 draft as a Word document (python-docx), laid out as a Chinese school's
work summary usually is (GB/T 9704 is the model): A4, margins 37/35/28/26 mm, the title centred
in Song, headings in Hei, the body in FangSong 16 pt (三号) with a two-character first-line indent
and fixed line spacing, page numbers, the 数据附表 and the sign-off at the end. The fonts are those
a Windows PC has, set for East Asian text (Word picks a CJK run's face from w:eastAsia). The
places left for the principal are highlighted so that none is printed unfinished by mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from sync.output.files import mark
from sync.report.draft import HEADING, SIGNOFF, TITLE, TODO, appendix, paragraphs

SONG, HEI, FANGSONG = "SimSun", "SimHei", "FangSong"
BODY_PT, TITLE_PT, TABLE_PT, PAGE_NUMBER_PT = 16, 22, 12, 14  # 三号, 二号, 小四, 四号
LINE_PT = 28  # fixed spacing: 22 lines on the page, as the standard's grid
INDENT = Pt(2 * BODY_PT)  # two characters
APPENDIX = "附：数据附表"
APPENDIX_HEAD = ("项目", "结果", "符合/计数", "应有")
WIDTHS = (Mm(64), Mm(48), Mm(22), Mm(22))  # 156 mm: the text width between the margins


def _font(run, face: str, size: float, bold: bool = False) -> None:
    """One run's face, its size and weight. The face is set for East Asian text and for the
    digits and Latin letters among it too (the Windows faces have both), so a line is one face."""
    run.font.name, run.font.size, run.font.bold = face, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)


def _spacing(paragraph, line_pt: float = LINE_PT, indent=INDENT) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line_pt)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = indent


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), SONG, PAGE_NUMBER_PT)
    _field(footer, "PAGE")
    _font(footer.add_run(" —"), SONG, PAGE_NUMBER_PT)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE): begin, instruction, separate, a placeholder, end."""
    run = paragraph.add_run()
    _font(run, SONG, PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == code else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def _table(document, rows: list[tuple[str, str, str, str]]) -> None:
    table = document.add_table(rows=1, cols=len(APPENDIX_HEAD))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = width
    for cell, text in zip(table.rows[0].cells, APPENDIX_HEAD, strict=True):
        _cell(cell, text, HEI)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            _cell(cell, text, FANGSONG)
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width


def _cell(cell, text: str, face: str) -> None:
    paragraph = cell.paragraphs[0]
    _spacing(paragraph, line_pt=18, indent=Pt(0))
    _font(paragraph.add_run(text), face, TABLE_PT)


def write_docx(report: dict[str, Any], path: Path) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FANGSONG, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    _page(document)
    parts = paragraphs(report)
    body, signoff = [p for p in parts if p[0] != SIGNOFF], [text for kind, text in parts if kind == SIGNOFF]
    for kind, text in body:
        paragraph = document.add_paragraph()
        if kind == TITLE:
            _spacing(paragraph, line_pt=36, indent=Pt(0))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(LINE_PT)
            _font(paragraph.add_run(text), SONG, TITLE_PT, bold=True)
        elif kind == HEADING:
            _spacing(paragraph)
            paragraph.paragraph_format.keep_with_next = True
            _font(paragraph.add_run(text), HEI, BODY_PT)
        else:
            _spacing(paragraph)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            run = paragraph.add_run(text)
            _font(run, FANGSONG, BODY_PT)
            if kind == TODO:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    heading = document.add_paragraph()
    _spacing(heading, indent=Pt(0))
    heading.paragraph_format.space_before = Pt(LINE_PT)
    heading.paragraph_format.keep_with_next = True
    _font(heading.add_run(APPENDIX), HEI, BODY_PT)
    _table(document, appendix(report))
    for index, text in enumerate(signoff):
        paragraph = document.add_paragraph()
        _spacing(paragraph, indent=Pt(0))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(4 * BODY_PT)  # 右空四字
        paragraph.paragraph_format.keep_with_next = index < len(signoff) - 1
        if index == 0:
            paragraph.paragraph_format.space_before = Pt(2 * LINE_PT)
        _font(paragraph.add_run(text), FANGSONG, BODY_PT)
    mark(document.core_properties)
    document.save(str(path))
    return path
