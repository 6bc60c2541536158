"""Markdown to safe HTML, in one place: rendered with Pygments highlighting, tables, a
table of contents and admonitions, then sanitised with nh3 so no course file can put a
script, an event handler or an outside resource into a page. Code on its own (a learner's
submission) is highlighted here too, with the same Pygments classes and stylesheet."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import markdown as md
import nh3
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

EXTENSIONS = ["fenced_code", "codehilite", "tables", "toc", "admonition", "sane_lists"]
EXTENSION_CONFIGS = {
    "codehilite": {"guess_lang": False, "css_class": "highlight"},
    "toc": {"title": "", "permalink": False},
}
TAGS = (nh3.ALLOWED_TAGS | {"nav"}) - {"map", "area", "center", "strike", "tt", "acronym"}
CLASSED = {"div", "span", "code", "pre", "p", "table", "ul", "ol", "li", "a"}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
for _tag in CLASSED:
    ATTRIBUTES[_tag] = ATTRIBUTES.get(_tag, set()) | {"class"}
ATTRIBUTES["img"] = {"alt", "src", "width", "height", "title"}
ATTRIBUTES["a"] = ATTRIBUTES["a"] | {"title", "id"}
ATTRIBUTES["li"] = ATTRIBUTES["li"] | {"id"}
for _tag in ("pre", "table"):
    ATTRIBUTES[_tag] = ATTRIBUTES.get(_tag, set()) | {"tabindex"}
# Code blocks and tables scroll sideways inside themselves on a narrow screen: each is a
# tab stop, so a keyboard can scroll it too.
SCROLLERS = re.compile(r"<(pre|table)(?=[\s>])")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "tabindex":
        return "0"  # in the reading order, never ahead of the page's own controls
    # Pages load nothing from outside the site: images must be local.
    if tag == "img" and attribute == "src":
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith("//"):
            return None
    return value


def render(text: str) -> str:
    """Markdown to sanitised HTML."""
    return sanitise(_keyboard_scrollable(render_unsanitised(text)))


PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def render_inline(text: str) -> str:
    """Markdown for a short text inside a line (a quiz option, feedback): ``code``,
    emphasis and links as in lessons, by the same renderer and sanitiser, without the
    paragraph around it."""
    html = render(text or "").strip()
    match = PARAGRAPH.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html


def render_unsanitised(text: str) -> str:
    """Markdown to HTML as written, before sanitising: for checking what an author wrote
    (course validation), never for a page."""
    return md.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                       output_format="html")


def _keyboard_scrollable(html: str) -> str:
    return SCROLLERS.sub(r'<\1 tabindex="0"', html)


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_keep_attribute,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def highlight(code: str, language: str) -> str:
    """Source code (a Pygments lexer name: ``javascript``, ``jsx``) to highlighted, escaped,
    sanitised HTML in the ``highlight`` block that Markdown's code blocks use, so
    ``static/css/pygments.css`` styles both."""
    formatter = HtmlFormatter(cssclass=EXTENSION_CONFIGS["codehilite"]["css_class"])
    return sanitise(_keyboard_scrollable(pygments_highlight(code, get_lexer_by_name(language), formatter)))
