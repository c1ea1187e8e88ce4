"""The client reading's Markdown becomes safe HTML: structure kept, every tag in the text escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openipt.practice.markdown import render
from openipt.protocol import default_protocol


def test_headings_lists_and_emphasis_become_html():
    html = render("Intro line\ncarried on.\n\n## What to do\n\n- one *small* step\n- ask **for help**\n\n1. first\n2. second")
    assert "<p>Intro line carried on.</p>" in html
    assert "<h2>What to do</h2>" in html
    assert "<ul><li>one <em>small</em> step</li><li>ask <strong>for help</strong></li></ul>" in html
    assert "<ol><li>first</li><li>second</li></ol>" in html


def test_html_in_a_topic_is_shown_as_text_never_run():
    html = render('Hello <script>alert("x")</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html.split("click")[0] and 'href="javascript' not in html


def test_only_https_and_site_links_become_links():
    html = render("[help](https://example.org/help) and [me](/me/) and [bad](http://plain.example) ")
    assert '<a href="https://example.org/help">help</a>' in html
    assert '<a href="/me/">me</a>' in html
    assert "http://plain.example" not in html and "bad" in html


def test_headings_start_below_the_page_title():
    assert render("# Big").startswith("<h2>") and render("### Small").startswith("<h3>")


@given(st.text(max_size=300))
def test_no_text_can_open_a_tag(text):
    html = render(text)
    stripped = html
    for tag in ("p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "blockquote"):
        stripped = stripped.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    stripped = stripped.replace("<a href=", "").replace("</a>", "")
    assert "<" not in stripped


def test_every_shipped_client_topic_renders_with_headings_and_no_raw_markup():
    for topic in default_protocol().topics(audience="client"):
        html = render(topic.body)
        assert html.startswith("<p>") or html.startswith("<h2>"), topic.id
        assert "##" not in html and "**" not in html, topic.id
