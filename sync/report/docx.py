"""The term's 后勤工作总结 draft as a Word document (python-docx), in the seed's sections; the
places left for the principal are highlighted so that none is printed unfinished by mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt

from sync.output.files import mark
from sync.report.draft import HEADING, TODO, paragraphs

FONT = "SimSun"


def write_docx(report: dict[str, Any], path: Path) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word picks CJK fonts from eastAsia
    first = True
    for kind, text in paragraphs(report):
        if kind == HEADING:
            heading = document.add_heading(text, level=0 if first else 2)
            for run in heading.runs:
                run.font.name = FONT
                run.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
            first = False
            continue
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(24)
        run = paragraph.add_run(text)
        if kind == TODO:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            run.italic = True
    mark(document.core_properties)
    document.save(str(path))
    return path
