"""Comment text: a small Markdown subset rendered to sanitised HTML."""

from html import unescape

import nh3
from markdown_it import MarkdownIt

# Longest comment source accepted; it also bounds the cost of a single render.
MAX_LENGTH = 10_000

# "zero" starts with paragraphs and plain text only, so headings, code, images, tables, rules,
# strikethrough, autolinks and raw HTML stay literal text. "escape" lets people write a literal
# "\*". Bare URLs stay text: linkify would need linkify-it-py, which is not a dependency.
_markdown = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
    ["emphasis", "list", "link", "blockquote", "newline", "escape"]
)

# markdown-it already refuses javascript:/vbscript:/file:/data: links, but lets other schemes,
# some data:image URLs and protocol-relative "//host" through; the sanitiser is the real policy.
_sanitizer = nh3.Cleaner(
    tags={"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote"},
    # An explicit "*" entry replaces ammonia's default generic attributes (lang, title);
    # without it the title of [text](url "title") would survive.
    attributes={"*": set(), "a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    # Relative links (including "//evil.example") are dropped: a comment links to full URLs only.
    url_relative="deny",
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)

_text_only = nh3.Cleaner(tags=set(), attributes={})


def render_markdown(source: str) -> str:
    """Render untrusted comment Markdown to HTML that may be output unescaped."""
    return _sanitizer.clean(_markdown.render(source))


def comment_plain_text(html: str) -> str:
    """Return the text of rendered comment HTML, unescaped: the caller escapes for its output."""
    return unescape(_text_only.clean(html)).strip()


# Texts by the organisation team (event descriptions, reports) may also structure themselves
# with headings (## to ####; a single # would compete with the page's own h1 and stays text)
# and link to pages of this site.
_editorial_markdown = MarkdownIt("zero", {"breaks": False, "html": False}).enable(
    ["emphasis", "list", "link", "blockquote", "newline", "escape", "heading"]
)
_editorial_sanitizer = nh3.Cleaner(
    tags={"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "h2", "h3", "h4"},
    attributes={"*": set(), "a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    strip_comments=True,
)


def render_editorial_markdown(source: str) -> str:
    """Render the team's Markdown (with headings and site-relative links) to safe HTML."""
    return _editorial_sanitizer.clean(_editorial_markdown.render(source))
