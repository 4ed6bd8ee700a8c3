"""Bar charts as inline SVG for the PDF: drawn here, in Python, so the PDF needs no JavaScript and no network."""

from collections.abc import Sequence
from html import escape

BAR_COLOUR = "#b5121b"
ROW_HEIGHT = 22
LABEL_WIDTH = 150
BAR_WIDTH = 300
VALUE_WIDTH = 70


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> str:
    """A horizontal bar chart of (label, value) pairs; an empty string when there is nothing to draw."""
    items = [(label, float(value or 0)) for label, value in items]
    if not items or not any(value for _, value in items):
        return ""
    top = max(value for _, value in items)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = 30 + ROW_HEIGHT * len(items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="12" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = 26 + index * ROW_HEIGHT
        bar = BAR_WIDTH * value / top if top else 0
        shown = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" font-size="10" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar:.1f}" height="{ROW_HEIGHT - 8}" '
                     f'fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + 14}" font-size="10">'
                     f'{shown}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
