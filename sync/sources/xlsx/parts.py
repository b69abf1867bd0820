"""Where things live inside an .xlsx/.xlsm zip: sheet titles to their XML parts.

Used both to read what python-calamine does not report (error values) and to edit only the
parts Houqin owns when writing alerts back.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.etree import ElementTree as ET

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def workbook_part(archive: zipfile.ZipFile) -> str:
    """The workbook part named by the package's root relationships (normally xl/workbook.xml)."""
    try:
        root = ET.fromstring(archive.read("_rels/.rels"))
    except KeyError:
        return "xl/workbook.xml"
    for rel in root:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "xl/workbook.xml").lstrip("/")
    return "xl/workbook.xml"


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> zip member name of its worksheet XML, in workbook order.

    Handles relative and absolute relationship targets and any namespace prefix.
    """
    wb_part = workbook_part(archive)
    wb_dir = posixpath.dirname(wb_part)
    rels_name = posixpath.join(wb_dir, "_rels", posixpath.basename(wb_part) + ".rels")
    targets: dict[str, str] = {}
    if rels_name not in archive.NameToInfo:
        return {}
    for rel in ET.fromstring(archive.read(rels_name)):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            member = posixpath.normpath(posixpath.join(wb_dir, target))
        targets[rel.get("Id", "")] = member
    parts: dict[str, str] = {}
    for element in ET.fromstring(archive.read(wb_part)).iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = element.get(f"{{{NS_REL}}}id") or element.get(f"{{{NS_REL_STRICT}}}id")
        member = targets.get(rel_id or "")
        if member and member in archive.NameToInfo:
            parts[element.get("name", "")] = member
    return parts
