"""Charts for the report pages: SVG drawn on the server by pygal, shown as images.

An image can run no script and needs no inline style in the page, so the strict
Content-Security-Policy holds (`img-src 'self' data:`). Suppressed cells are left out of a
chart (a gap), never drawn as a number.
"""

from __future__ import annotations

import base64
import re

import pygal
from pygal.style import Style

from .tables import TOTAL, Table

# Colours from the site's own palette, distinguishable in greyscale as well.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#0b5fa5", "#d97706", "#2f855a", "#9b2c2c", "#6b46c1"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def chart_of(table: Table) -> str:
    """The table as a bar chart, as a data: URI for an <img> (empty when there is nothing to draw)."""
    rows = [(label, cells) for label, cells in table.rows if label != TOTAL]
    columns = [(j, name) for j, name in enumerate(table.columns) if name != TOTAL]
    if not any(cells[j].value for _label, cells in rows for j, _name in columns):
        return ""
    chart = pygal.Bar(
        style=STYLE,
        width=720,
        height=360,
        js=[],  # no script files referenced
        disable_xml_declaration=True,
        show_legend=len(columns) > 1,
        legend_at_bottom=True,
        x_label_rotation=20 if len(rows) > 4 else 0,
        print_values=False,
        explicit_size=False,
    )
    chart.x_labels = [label for label, _cells in rows]
    for j, name in columns:
        chart.add(name, [None if cells[j].suppressed else cells[j].value for _label, cells in rows])
    # pygal always writes its tooltip configuration as a script; an image never runs it,
    # but a chart with no script at all is simpler to trust.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True)).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
