"""The one place user text is made safe: escaping for templates, link checks for Markdown."""

from __future__ import annotations

import markdown
import pytest

from coach_site.workbook.escape import escape_user_text, is_safe_link, url_scheme


def render(text: str) -> str:
    """User text as a page gets it: escaped by the template hook, then through Markdown."""
    md = markdown.Markdown(extensions=["coach_site.workbook.escape", "nl2br"])
    return md.convert(str(escape_user_text(text)))


@pytest.mark.parametrize(
    "hostile, must_not_contain",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<b onmouseover="alert(1)">x</b>', "<b "),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](JaVaScRiPt:alert(1))", "href"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("[x](vbscript:msgbox(1))", "vbscript"),
        ("[ref][r]\n\n[r]: javascript:alert(1)", "javascript:"),
        ("<javascript:alert(1)>", "href"),
        ("![x](javascript:alert(1))", "<img"),
    ],
)
def test_raw_html_and_script_links_come_out_as_text(hostile, must_not_contain):
    html = render(hostile)
    assert must_not_contain not in html.lower()


def test_raw_html_is_shown_as_the_text_that_was_written():
    assert render("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_ordinary_markdown_still_works():
    html = render("*how* and **why**\n\n- one\n- two\n\n[site](https://example.org) [mail](mailto:a@example.org) [here](#top)")
    assert "<em>how</em>" in html and "<strong>why</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html and 'href="mailto:a@example.org"' in html and 'href="#top"' in html


def test_line_breaks_blockquotes_and_ampersands_survive():
    html = render("Tom & Jerry\nsecond line\n\n> a quote")
    assert "Tom &amp; Jerry<br />\nsecond line" in html
    assert "<blockquote>" in html


def test_images_from_other_hosts_become_links_instead_of_loading():
    html = render("![chart](https://tracker.example/pixel.png)")
    assert "<img" not in html
    assert '<a href="https://tracker.example/pixel.png">chart</a>' in html


def test_event_handler_attributes_are_removed_even_when_markdown_makes_them():
    md = markdown.Markdown(extensions=["attr_list", "coach_site.workbook.escape"])
    html = md.convert(str(escape_user_text("hello\n{: onclick=\"alert(1)\" style=\"color:red\" }")))
    assert "onclick" not in html and "style" not in html and "hello" in html


@pytest.mark.parametrize(
    "url, scheme",
    [
        ("https://a.example", "https"),
        ("java\tscript:alert(1)", "javascript"),
        ("&#106;avascript:alert(1)", "javascript"),
        (" JAVASCRIPT:alert(1)", "javascript"),
        ("page.html#x", None),
        ("/path:with-colon", None),
    ],
)
def test_url_schemes_are_read_as_a_browser_reads_them(url, scheme):
    assert url_scheme(url) == scheme


def test_only_web_mail_phone_and_relative_links_are_safe():
    assert all(is_safe_link(u) for u in ("https://a", "http://a", "mailto:a@b", "tel:+4412", "x.html", "#a"))
    assert not any(is_safe_link(u) for u in ("javascript:x", "data:x", "file:///etc/passwd", "vbscript:x"))


def test_none_prints_as_nothing_never_as_none():
    assert escape_user_text(None) == ""


@pytest.mark.parametrize(
    "src",
    [
        "//host/p.png", "/\\host/q.png", "\\\\host/q.png", "/%5Chost/q.png", " //host/p.png",
        "\t//host/p.png", "HTTPS://host/p.png", "hTtP://host/p.png", "data:image/png;base64,AAAA",
        "blob:https://host/x", "/pic.png", "\\/\\/host/p.png",
    ],
)
def test_a_picture_loads_only_from_a_relative_path_on_the_site(src):
    html = render(f"![c]({src})")
    assert "<img" not in html, html


def test_a_relative_picture_still_shows():
    assert render("![map](map.png)") == '<p><img alt="map" src="map.png" /></p>'


def test_no_attribute_of_any_element_loads_from_another_host():
    md = markdown.Markdown(extensions=["attr_list", "coach_site.workbook.escape"])
    html = md.convert("para\n{: background=//host/p.png data=//host/x poster=https://host/y }")
    assert "host" not in html, html
