"""A small bar chart as inline SVG, drawn here: no chart library, no CDN, nothing to load."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape


def open_alerts_svg(series: list[tuple[date, int]], narrow: bool = False) -> str:
    """Open alerts per day. The wide chart is for a screen; the narrow one (drawn 360 wide, a
    label every two weeks) for a phone, where it is shown at about its own size, so its 11 px
    labels stay 11 px (the wide one shrunk to a phone would print them at 5 px)."""
    if not series:
        return ""
    width, height, every = (360, 120, 14) if narrow else (720, 160, 7)
    top = max(count for _, count in series) or 1
    bar = width / len(series)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 24}" '
             f'class="chart {"narrow" if narrow else "wide"}" role="img">']
    for index, (day, count) in enumerate(series):
        h = round((height - 12) * count / top)
        x = round(index * bar, 1)
        parts.append(f'<rect x="{x}" y="{height - h}" width="{max(bar - 2, 1):.1f}" height="{h}" class="bar">'
                     f"<title>{escape(day.isoformat())}: {count}</title></rect>")
        if index % every == 0:
            parts.append(f'<text x="{x}" y="{height + 16}" class="axis">{escape(day.strftime("%m-%d"))}</text>')
    parts.append(f'<text x="{width - 4}" y="12" class="axis" text-anchor="end">{top}</text>')
    parts.append("</svg>")
    return "".join(parts)
