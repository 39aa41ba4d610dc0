import re
from html.parser import HTMLParser

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forums.markdown import comment_plain_text, render_markdown

from .xss_corpus import PAYLOADS

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "rel"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# The intended policy, written out independently of forums.markdown so that loosening the
# module's sanitiser makes these tests fail.
POLICY = {
    "tags": ALLOWED_TAGS,
    "attributes": {"*": set(), "a": {"href"}},
    "url_schemes": ALLOWED_SCHEMES,
    "url_relative": "deny",
    "link_rel": LINK_REL,
    "strip_comments": True,
}

# Browsers drop ASCII tab and newline anywhere in a URL and C0 controls or spaces at its ends
# before they look for the scheme; "java\tscript:" is a javascript: URL to them.
_URL_STRIP = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


class Markup(HTMLParser):
    """Every start tag with its attributes, end tag, comment and declaration in an HTML string."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.start_tags: list[tuple[str, dict[str, str | None]]] = []
        self.end_tags: list[str] = []
        self.others: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.start_tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.end_tags.append(tag)

    def handle_comment(self, data):
        self.others.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.others.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.others.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.others.append(f"unknown declaration {data!r}")

    def tag_names(self) -> set[str]:
        return {tag for tag, _ in self.start_tags} | set(self.end_tags)

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.start_tags if "href" in attrs]


def href_scheme(href: str) -> str:
    """The scheme a browser would see, "" for a relative URL."""
    cleaned = re.sub(r"[\t\n\r]", "", href).strip(_URL_STRIP)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def assert_only_allowed_markup(html: str) -> None:
    markup = Markup(html)
    assert markup.tag_names() <= ALLOWED_TAGS, html
    assert markup.others == [], html
    for tag, attrs in markup.start_tags:
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()), html
        if tag == "a":
            assert attrs["rel"] == LINK_REL, html
    for href in markup.hrefs():
        assert href_scheme(href) in ALLOWED_SCHEMES, html
    # HTMLParser is lenient; every literal "<" in the output must still open an allowed tag.
    for name in re.findall(r"<\s*/?\s*([^\s/>]*)", html):
        assert name.lower() in ALLOWED_TAGS, html


def render(source: str) -> str:
    return render_markdown(source).strip()


# Supported subset


def test_emphasis_renders():
    assert render("*kursiv*, _auch kursiv_ und **fett**") == (
        "<p><em>kursiv</em>, <em>auch kursiv</em> und <strong>fett</strong></p>"
    )


def test_bullet_and_numbered_lists_render():
    assert render("- Radweg\n- Spielplatz\n\n1. erstens\n2. zweitens") == (
        "<ul>\n<li>Radweg</li>\n<li>Spielplatz</li>\n</ul>\n"
        "<ol>\n<li>erstens</li>\n<li>zweitens</li>\n</ol>"
    )


def test_link_gets_rel_and_loses_title():
    assert render('[Ratsinfo](https://example.org/rat?sitzung=3&top=2 "Titel")') == (
        '<p><a href="https://example.org/rat?sitzung=3&amp;top=2" rel="nofollow ugc noopener">'
        "Ratsinfo</a></p>"
    )


def test_mailto_link_renders():
    assert render("[Schreiben Sie uns](mailto:info@example.org)") == (
        '<p><a href="mailto:info@example.org" rel="nofollow ugc noopener">Schreiben Sie uns</a></p>'
    )


@pytest.mark.parametrize(
    "destination", ["/foren/", "#antwort-3", "//evil.example/", "ftp://example.org/", "tel:123"]
)
def test_relative_and_other_scheme_links_lose_their_href(destination):
    assert render(f"[Link]({destination})") == '<p><a rel="nofollow ugc noopener">Link</a></p>'


def test_bare_url_stays_text_without_linkify():
    assert render("Siehe https://example.org/plan") == "<p>Siehe https://example.org/plan</p>"


def test_blockquote_renders():
    assert render("> Das sehe ich anders.\n\nAntwort") == (
        "<blockquote>\n<p>Das sehe ich anders.</p>\n</blockquote>\n<p>Antwort</p>"
    )


def test_single_newline_becomes_br_and_blank_line_a_paragraph():
    assert render("Zeile eins\nZeile zwei\n\nAbsatz") == (
        "<p>Zeile eins<br>\nZeile zwei</p>\n<p>Absatz</p>"
    )


def test_backslash_escapes_emphasis():
    assert render(r"\*nicht kursiv\*") == "<p>*nicht kursiv*</p>"


def test_german_text_and_typographic_quotes_survive():
    source = "Grüße aus Köln – „Bürgerhaushalt“, ‚Straßenfest‘ & Ähnliches <3"
    assert render(source) == (
        "<p>Grüße aus Köln – „Bürgerhaushalt“, ‚Straßenfest‘ &amp; Ähnliches &lt;3</p>"
    )


def test_nested_supported_syntax_renders():
    assert render("> - **wichtig**\n> - [Plan](https://example.org)") == (
        "<blockquote>\n<ul>\n<li><strong>wichtig</strong></li>\n"
        '<li><a href="https://example.org" rel="nofollow ugc noopener">Plan</a></li>\n'
        "</ul>\n</blockquote>"
    )


# Unsupported syntax stays text


@pytest.mark.parametrize(
    ("source", "visible_text"),
    [
        ("# Überschrift", "# Überschrift"),
        ("Titel\n=====", "Titel\n====="),
        ("```\nprint(1)\n```", "```\nprint(1)\n```"),
        ("`code`", "`code`"),
        ("![Bild](http://example.org/a.png)", "!Bild"),
        ("<b>roh</b>", "<b>roh</b>"),
        ("<span>inline</span>", "<span>inline</span>"),
        ("<div>\nblock\n</div>", "<div>\nblock\n</div>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 2 |"),
        ("oben\n\n---\n\nunten", "---"),
        ("~~durchgestrichen~~", "~~durchgestrichen~~"),
        ("<https://example.org>", "<https://example.org>"),
        ("[Verweis][1]\n\n[1]: https://example.org", "[1]: https://example.org"),
    ],
)
def test_unsupported_syntax_is_shown_as_text(source, visible_text):
    html = render_markdown(source)
    assert_only_allowed_markup(html)
    assert visible_text in comment_plain_text(html)


def test_image_syntax_becomes_a_plain_link():
    assert render("![Bild](http://example.org/a.png)") == (
        '<p>!<a href="http://example.org/a.png" rel="nofollow ugc noopener">Bild</a></p>'
    )


def test_raw_html_is_escaped():
    assert render("<b>roh</b> & <!-- Kommentar -->") == (
        "<p>&lt;b&gt;roh&lt;/b&gt; &amp; &lt;!-- Kommentar --&gt;</p>"
    )


# Plain text


def test_plain_text_drops_tags_and_unescapes():
    html = render_markdown("**A & B** <script>x</script>\n\n- eins\n- [zwei](https://example.org)")
    assert comment_plain_text(html) == "A & B <script>x</script>\n\neins\nzwei"


# XSS corpus


def test_corpus_is_large_and_distinct():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_inert(payload):
    html = render_markdown(payload)
    assert_only_allowed_markup(html)
    markup = Markup(html)
    for tag, attrs in markup.start_tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
    for href in markup.hrefs():
        normalised = re.sub(r"[\x00-\x20]", "", href).lower()
        for scheme in ("javascript:", "vbscript:", "data:"):
            assert scheme not in normalised, html
    forbidden = "script|iframe|object|embed|svg|math|style|base|meta|form|img|noscript|textarea"
    assert not re.search(rf"<\s*/?\s*({forbidden})\b", html, re.IGNORECASE), html
    assert "<!--" not in html


def test_markdown_javascript_link_shows_as_text():
    assert render("[x](javascript:window.__xss=1)") == "<p>[x](javascript:window.__xss=1)</p>"


def test_data_image_link_that_markdown_it_allows_loses_its_href():
    # markdown-it's own link check lets data:image/png through; the sanitiser must not.
    assert render("[Bild](data:image/png;base64,iVBORw0KGgo=)") == (
        '<p><a rel="nofollow ugc noopener">Bild</a></p>'
    )


def test_entity_encoded_tab_in_javascript_link_loses_its_href():
    assert render("[x](java&#9;script:window.__xss=1)") == (
        '<p><a rel="nofollow ugc noopener">x</a></p>'
    )


# Properties

_MARKUP_CHARACTERS = st.text(
    alphabet=st.one_of(
        st.sampled_from("<>\"'`&=:/()[]*_-# \n"),
        st.sampled_from("abcdehijlmnoprstvxäöüß.!>\t0123456789"),
    )
)
_TOKENS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "[x](",
                "](",
                ")",
                "javascript:",
                "JaVaScRiPt:",
                "vbscript:",
                "data:text/html,",
                "data:image/png;base64,",
                "http://",
                "https://",
                "mailto:",
                "//",
                "&#106;",
                "&#9;",
                "&colon;",
                "<script>",
                "</script>",
                "<img src=x onerror=",
                "<a href=",
                "<!--",
                "-->",
                "**",
                "*",
                "_",
                "> ",
                "- ",
                "1. ",
                "\n",
                "\n\n",
                "\\",
                '"',
                " ",
            ]
        ),
        st.text(max_size=3),
    )
).map("".join)
SOURCES = st.one_of(st.text(), _MARKUP_CHARACTERS, _TOKENS)


@settings(max_examples=300, deadline=None)
@given(source=SOURCES)
def test_output_contains_only_allowed_tags_and_attributes(source):
    markup = Markup(render_markdown(source))
    assert markup.tag_names() <= ALLOWED_TAGS
    assert markup.others == []
    for tag, attrs in markup.start_tags:
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set())


@settings(max_examples=300, deadline=None)
@given(source=SOURCES)
def test_every_href_has_an_allowed_scheme(source):
    for href in Markup(render_markdown(source)).hrefs():
        assert href_scheme(href) in ALLOWED_SCHEMES


@settings(max_examples=300, deadline=None)
@given(source=SOURCES)
def test_output_is_a_fixed_point_of_the_sanitiser(source):
    html = render_markdown(source)
    assert nh3.clean(html, **POLICY) == html


@settings(max_examples=300, deadline=None)
@given(source=st.one_of(SOURCES, st.text(min_size=500, max_size=2_000)))
def test_rendering_never_raises(source):
    assert isinstance(render_markdown(source), str)
    assert isinstance(comment_plain_text(render_markdown(source)), str)
