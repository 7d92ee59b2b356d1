"""The allow-list for `html` blocks: scripts, handlers and unsafe URLs go, ordinary markup stays."""

import orjson
import pytest

from cms.core.article import ArticleInput
from cms.core.sanitize import sanitize_html


def stored_html(html: str) -> str:
    body = {"title": "Html", "sections": [{"blocks": [{"type": "html", "html": html}]}]}
    block = ArticleInput.model_validate_json(orjson.dumps(body)).sections[0].blocks[0]
    return block.model_dump()["html"]


def test_a_script_element_is_removed_with_its_content():
    assert stored_html("<p>Hi</p><script>alert(1)</script>") == "<p>Hi</p>"


def test_an_event_handler_attribute_is_removed():
    assert stored_html('<p onclick="steal()">Hi</p>') == "<p>Hi</p>"


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"])
def test_an_unsafe_link_loses_its_href(href):
    assert stored_html(f'<a href="{href}">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_an_iframe_is_removed():
    assert stored_html('<p>a</p><iframe src="https://evil.example"></iframe>') == "<p>a</p>"


def test_an_svg_with_a_script_is_removed():
    assert stored_html("<svg><script>alert(1)</script></svg>ok") == "ok"


def test_an_image_loses_a_javascript_src_and_its_onerror():
    assert stored_html('<img src="javascript:alert(1)" onerror="alert(1)" alt="x">') == '<img alt="x">'


def test_style_attributes_and_elements_are_removed():
    assert stored_html('<style>p{}</style><p style="color:red">a</p>') == "<p>a</p>"


def test_a_form_is_removed_but_its_text_stays():
    assert stored_html('<form action="https://evil.example"><input name="x">Send</form>') == "Send"


def test_links_get_rel_noopener_noreferrer():
    assert stored_html('<a href="https://example.com">x</a>') == (
        '<a href="https://example.com" rel="noopener noreferrer">x</a>'
    )


def test_a_given_rel_or_target_is_replaced():
    assert stored_html('<a href="https://example.com" rel="opener" target="_blank">x</a>') == (
        '<a href="https://example.com" rel="noopener noreferrer">x</a>'
    )


def test_allowed_markup_is_kept():
    html = (
        '<p lang="en" title="t"><strong>a</strong> <em>b</em> <code>c</code> <abbr title="x">d</abbr></p>'
        "<ul><li>one</li></ul>"
        '<ol start="3"><li>three</li></ol>'
        "<blockquote><p>q</p><cite>c</cite></blockquote><pre><code>x = 1</code></pre>"
        '<figure><img src="https://example.com/a.png" alt="a" width="10" height="10">'
        "<figcaption>f</figcaption></figure>"
        '<h3>h</h3><hr><time datetime="2026-11-24">today</time>'
    )

    assert stored_html(html) == html


def test_a_table_is_kept_and_given_its_tbody():
    assert stored_html('<table><tr><th scope="col">a</th><td colspan="2">b</td></tr></table>') == (
        '<table><tbody><tr><th scope="col">a</th><td colspan="2">b</td></tr></tbody></table>'
    )


def test_an_h1_or_h2_is_unwrapped_because_the_page_owns_those_levels():
    assert stored_html("<h1>Title</h1><h2>Section</h2>") == "TitleSection"


def test_text_is_escaped_not_interpreted():
    assert stored_html("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2"


def test_sanitising_twice_changes_nothing():
    once = sanitize_html('<p onclick="x">a<script>b</script><a href="/x">c</a></p>')

    assert sanitize_html(once) == once
