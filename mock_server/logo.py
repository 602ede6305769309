"""A report's logo: a small SVG drawn from its `IconId` and `IconColor`.

Octopus draws a Font Awesome glyph; this server ships no icon font, so it draws a rounded square
in `IconColor` with the icon's initials (`map-signs` -> `MS`), or, when the report has no icon,
the first letter of the report's name on Octopus blue.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from gateway.insights.report import Report

DEFAULT_COLOR = "#1A77CA"
_HEX_COLOR = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})\Z")


def logo_letters(report: Report) -> str:
    if report.icon_id:
        words = [word for word in re.split(r"[-_\s]+", report.icon_id) if word]
        return "".join(word[0] for word in words[:2]).upper() or "?"
    name = report.name.strip()
    return name[0].upper() if name else "?"


def logo_color(report: Report) -> str:
    if report.icon_color and _HEX_COLOR.match(report.icon_color):
        return report.icon_color
    return DEFAULT_COLOR


def logo_svg(report: Report) -> str:
    letters = escape(logo_letters(report))
    size = 56 if len(letters) == 1 else 44
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
        f"<title>{escape(report.name)}</title>"
        f'<rect width="100" height="100" rx="16" fill="{logo_color(report)}"/>'
        '<text x="50" y="52" text-anchor="middle" dominant-baseline="central" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="{size}" font-weight="bold" '
        f'fill="#FFFFFF">{letters}</text>'
        "</svg>"
    )
