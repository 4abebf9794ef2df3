"""Unit tests of newsarchive.extract.metadata.parse_html with small pages written here."""

from __future__ import annotations

import lxml.html

from newsarchive.extract.metadata import parse_html

FORM_PAGE = (
    "<html><head><title>Search</title></head><body>"
    "<form action='/search'><label for='q'>Find a story</label>"
    "<input id='q' name='q'><select name='s'><option>All</option></select>"
    "<textarea name='t'>Your note</textarea></form>"
    "<p id='lead'>The council met on Tuesday.</p></body></html>"
)


def test_every_element_is_a_plain_html_element() -> None:
    # lxml.html's default lookup would give <form>, <label>, <input>, <select> and
    # <textarea> classes of their own, chosen by a Python call per element object.
    root = parse_html(FORM_PAGE)
    assert root is not None
    assert {type(element) for element in root.iter()} == {lxml.html.HtmlElement}
    assert [element.tag for element in root.iter("form", "input", "textarea")] == [
        "form", "input", "textarea"]


def test_html_element_methods_still_work_on_form_controls() -> None:
    root = parse_html(FORM_PAGE)
    assert root is not None
    assert root.find(".//form").text_content() == "Find a storyAllYour note"
    assert root.get_element_by_id("lead").text_content() == "The council met on Tuesday."
    textarea = root.find(".//textarea")
    textarea.drop_tag()
    assert root.find(".//form").text_content() == "Find a storyAllYour note"
    assert root.find(".//textarea") is None
