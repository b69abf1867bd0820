"""The term summary as plain text for the console: one line per figure, then the draft."""

from __future__ import annotations

from typing import Any

from sync.report.draft import FACT, HEADING, SIGNOFF, TITLE, TODO, appendix, paragraphs
from sync.report.wording import shown_value


def format_text(report: dict[str, Any]) -> str:
    term = report["term"]
    lines = [f"{term['name']}（{term['start']} 至 {term['end']}，统计到 {term['counted_to']}）", ""]
    width = max((len(f["label"]) for f in report["figures"].values()), default=0)
    for figure in report["figures"].values():
        lines.append(f"  {figure['label']:\u3000<{width}}  {shown_value(figure)}")
    for kind, text in paragraphs(report):
        if kind in (TITLE, HEADING):
            lines.extend(["", text])
        elif kind in (FACT, TODO):
            lines.append("  " + text)
    lines.extend(["", "附：数据附表"])
    lines.extend(f"  {label}  {result}  {counted}{'/' + due if due else ''}" for label, result, counted, due in appendix(report))
    lines.append("")
    lines.extend(" " * 40 + text for kind, text in paragraphs(report) if kind == SIGNOFF)  # after the table, as in the docx
    return "\n".join(lines)
