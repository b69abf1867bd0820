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


def rels_part(part: str) -> str:
    """The relationships part of a part: xl/workbook.xml -> xl/_rels/workbook.xml.rels."""
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def target_member(part: str, target: str) -> str:
    """The zip member a relationship of `part` points at. Zip names are POSIX on every system:
    os.path would make `xl\\styles.xml` on Windows, a name no package holds."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> zip member name of its worksheet XML, in workbook order.

    Handles relative and absolute relationship targets and any namespace prefix.
    """
    wb_part = workbook_part(archive)
    rels_name = rels_part(wb_part)
    targets: dict[str, str] = {}
    if rels_name not in archive.NameToInfo:
        return {}
    for rel in ET.fromstring(archive.read(rels_name)):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        targets[rel.get("Id", "")] = target_member(wb_part, target)
    parts: dict[str, str] = {}
    for element in ET.fromstring(archive.read(wb_part)).iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = element.get(f"{{{NS_REL}}}id") or element.get(f"{{{NS_REL_STRICT}}}id")
        member = targets.get(rel_id or "")
        if member and member in archive.NameToInfo:
            parts[element.get("name", "")] = member
    return parts
