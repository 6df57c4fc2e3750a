"""The user guide: docs/guide/*.md shown as GOV.UK pages, without signing in (the
guide holds no case data).

The Markdown is the small part of it the guide uses, converted here rather than with a
library: headings, paragraphs, bulleted and numbered lists, images alone on a line,
inline links and bold. Every piece of text is escaped before any tag is added, so
nothing in a file reaches the page as HTML.
"""

import re
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
SLUG = re.compile(r"^[a-z0-9-]+$")

_HEADING = re.compile(r"^(#{1,3}) (.+)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
_BULLET = re.compile(r"^[-*] (.+)$")
_NUMBERED = re.compile(r"^\d+\. (.+)$")
# Matched on escaped text: the brackets and parentheses survive escaping unchanged.
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
HEADING_CLASS = {1: "govuk-heading-xl", 2: "govuk-heading-m", 3: "govuk-heading-s"}


def _href(target: str) -> str:
    """Another page of the guide (coordinator.md), a static file (/static/...), a path
    of the service, or an https address; anything else goes nowhere."""
    page = re.fullmatch(r"([a-z0-9-]+)\.md", target)
    if page:
        slug = page.group(1)
        return reverse("guide-index") if slug == "index" else reverse("guide-page", args=[slug])
    if target.startswith("/static/"):
        return static(target.removeprefix("/static/"))
    # A path of this service (not '//host' or '/\\host', which leave it), or https.
    if re.match(r"/(?![/\\])", target) or target.startswith("https://"):
        return target
    return "#"


def _inline(text: str) -> str:
    out = escape(text)
    out = _LINK.sub(
        lambda m: f'<a class="govuk-link" href="{escape(_href(m.group(2)))}">{m.group(1)}</a>', out
    )
    return _BOLD.sub(r"<strong>\1</strong>", out)


def markdown_to_html(text: str) -> SafeString:
    """The guide's Markdown as GOV.UK HTML. Safe to mark safe: every character of the
    source is escaped, and the only tags are the ones added here."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal kind
        if paragraph:
            blocks.append(f'<p class="govuk-body">{_inline(" ".join(paragraph))}</p>')
            paragraph.clear()
        if items:
            tag, style = ("ol", "number") if kind == "ol" else ("ul", "bullet")
            lis = "".join(f"<li>{_inline(item)}</li>" for item in items)
            blocks.append(f'<{tag} class="govuk-list govuk-list--{style}">{lis}</{tag}>')
            items.clear()
        kind = ""

    for raw in text.splitlines():
        line = raw.strip()
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if not line:
            flush()
        elif heading := _HEADING.match(line):
            flush()
            level = len(heading.group(1))
            blocks.append(
                f'<h{level} class="{HEADING_CLASS[level]}">{_inline(heading.group(2))}</h{level}>'
            )
        elif image := _IMAGE.match(line):
            flush()
            alt, src = escape(image.group(1)), escape(_href(image.group(2)))
            blocks.append(
                f'<p class="govuk-body"><img class="app-guide-shot" src="{src}" alt="{alt}"></p>'
            )
        elif bullet or numbered:
            wanted = "ul" if bullet else "ol"
            if paragraph or (kind and kind != wanted):
                flush()
            kind = wanted
            items.append((bullet or numbered).group(1))
        elif items and raw.startswith("  "):
            items[-1] += " " + line  # a list item carried on to the next line
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(blocks))  # noqa: S308 - built from escaped text only  # nosec B308 B703


def _page(slug: str) -> tuple[str, SafeString]:
    if not SLUG.match(slug):
        raise Http404
    path = GUIDE_DIR / f"{slug}.md"
    if not path.is_file():
        raise Http404
    text = path.read_text(encoding="utf-8")
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    title = first.removeprefix("# ").strip() if first.startswith("# ") else slug
    return title, markdown_to_html(text)


def guide_page(request, slug: str = "index"):
    if slug == "index" and request.resolver_match.url_name == "guide-page":
        raise Http404  # one address per page: /guide/ is the index
    title, body = _page(slug)
    return render(
        request,
        "guide/guide_page.html",
        {"title": title, "body": body, "is_index": slug == "index"},
    )
