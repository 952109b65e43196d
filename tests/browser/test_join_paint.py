"""The join page paints without waiting for a stylesheet: its own rules are inline and
app.css loads without blocking; it looks the same either way, and without JavaScript."""

from __future__ import annotations

import re

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser

BOXES = """() => ['h1', '.lang-switch', '.display-options summary', '[data-test=join-form]',
  '#name', 'fieldset .choice', '#role', '[data-test=join-submit]'].map((selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return [selector, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  })"""
LOOK = """() => { const b = getComputedStyle(document.querySelector('[data-test=join-submit]'));
  return [b.backgroundColor, b.borderRadius, getComputedStyle(document.body).backgroundColor]; }"""


def test_the_join_page_paints_from_its_inline_rules(browser, server):
    html = browser.new_context(**PHONE).request.get(server.join).text()
    head = html.split("</head>")[0]
    outside_noscript = re.sub(r"<noscript>.*?</noscript>", "", head, flags=re.S)
    blocking = [
        tag
        for tag in re.findall(r"<link[^>]*rel=\"stylesheet\"[^>]*>", outside_noscript)
        if 'media="print"' not in tag
    ]
    assert blocking == []
    assert "<style>" in head and ".narrow" in head

    full = browser.new_context(**PHONE).new_page()
    full.goto(server.join)
    full.wait_for_function(
        "() => [...document.styleSheets].some((s) => s.href && s.media.mediaText === 'all')"
    )
    inline_only = browser.new_context(**PHONE).new_page()
    inline_only.route(re.compile(r".*/css/app\.css.*"), lambda route: route.abort())
    inline_only.goto(server.join)
    assert inline_only.evaluate(BOXES) == full.evaluate(BOXES)
    assert inline_only.evaluate(LOOK) == full.evaluate(LOOK)

    no_script = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    no_script.goto(server.join)
    assert no_script.evaluate(BOXES) == full.evaluate(BOXES)
