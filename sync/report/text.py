"""The term summary as plain text for the console: one line per figure, then the draft."""

from __future__ import annotations

from typing import Any

from sync.report.draft import HEADING, paragraphs
from sync.report.wording import shown_value


def format_text(report: dict[str, Any]) -> str:
    term = report["term"]
    lines = [f"{term['name']}（{term['start']} 至 {term['end']}，统计到 {term['counted_to']}）", ""]
    width = max((len(f["label"]) for f in report["figures"].values()), default=0)
    for figure in report["figures"].values():
        lines.append(f"  {figure['label']:\u3000<{width}}  {shown_value(figure)}")
    for kind, text in paragraphs(report):
        lines.extend(["", text] if kind == HEADING else ["  " + text])
    return "\n".join(lines)
