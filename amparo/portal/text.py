"""Information pages are written as plain text by staff and shown as simple HTML: paragraphs,
"- " lists and "## " headings. Everything is escaped; no HTML from staff reaches a page, so a
page can never carry a script or a link to somewhere else."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def render_text(body: str) -> SafeString:
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(escape(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in (body or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            html.append(f"<h2>{escape(line[3:].strip())}</h2>")
        elif line.startswith(("- ", "* ", "• ")):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("".join(html))  # noqa: S308 (every piece above is escaped)


def plain_text(body: str) -> str:
    """The text without markers, for reading aloud."""
    lines = []
    for raw in (body or "").splitlines():
        line = raw.strip()
        for marker in ("## ", "- ", "* ", "• "):
            if line.startswith(marker):
                line = line[len(marker) :]
        lines.append(line)
    return "\n".join(lines)
