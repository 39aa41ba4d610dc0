"""The team's Markdown (event descriptions, reports): headings and site links, nothing more."""

import re

import pytest

from forums.markdown import render_editorial_markdown

from .test_markdown import Markup, href_scheme
from .xss_corpus import PAYLOADS

EDITORIAL_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "h2", "h3", "h4"}


def test_headings_render_but_a_single_hash_stays_text():
    html = render_editorial_markdown("# Titel\n\n## Worum es ging\n\n### Impulse\n\nText")
    assert "<h2>Worum es ging</h2>" in html
    assert "<h3>Impulse</h3>" in html
    assert "<h1>" not in html and "Titel" in html


def test_site_relative_links_are_kept():
    html = render_editorial_markdown("[These 2](/thesen/these-2/)")
    assert '<a href="/thesen/these-2/" rel="noopener">These 2</a>' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_input_leaves_only_allowed_markup(payload):
    html = render_editorial_markdown(payload)
    markup = Markup(html)
    assert markup.tag_names() <= EDITORIAL_TAGS, html
    assert markup.others == [], html
    for tag, attrs in markup.start_tags:
        assert set(attrs) <= ({"href", "rel"} if tag == "a" else set()), html
    for href in markup.hrefs():
        assert href_scheme(href) in {"http", "https", "mailto", ""}, html
    for name in re.findall(r"<\s*/?\s*([^\s/>]*)", html):
        assert name.lower() in EDITORIAL_TAGS, html
