"""Values from a link are echoed as literal text (issue 10, "Echoed text is reinterpreted").

The Routes page warns about every place in the link it does not know, quoting the value. Each
``via`` below is one hostile value; the warning must show its characters as typed: no colour
directive, emoji, icon, link, emphasis or HTML, and a long value is cut.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tests.browser.conftest import settle

LOAD_TIMEOUT_MS = 90_000

HOSTILE = [
    "Q:red[RED]", ":smile: and :+1:", ":material/home: x", "mail:ex@x.com", "www.evil.com",
    "https://evil.com/a?b=c", "&amp; &#58;", "<b>x</b><script>alert(1)</script>",
    "$x^2$", "*a* _b_ **c** ~~s~~", "[l](http://x)", "![i](x.png)", "a/b/c.csv",
    ":blue-badge[b]", ":streamlit:", "q:violet[:smile:]", "`c`",
]
#: Elements a literal echo never contains.
ACTIVE = "a, img, span, strong, em, del, code, b, script, .katex, svg"


def test_link_values_are_echoed_literally_and_cut(page, app_url):
    long_value = "Z" * 30_000
    query = [("page", "routes"), ("origin", long_value), ("month", "١")]
    query += [("via", v) for v in HOSTILE]
    page.goto(f"{app_url}/?{urlencode(query)}", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Routes").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    boxes = page.locator('[data-testid="stAlertContentWarning"]')
    texts = [" ".join(t.replace("\u2060", "").split()) for t in boxes.all_inner_texts()]
    joined = "\n".join(texts)
    for value in HOSTILE:
        assert f"{value!r}" in joined, (value, joined)
    for i in range(boxes.count()):
        inner = boxes.nth(i).locator("[data-testid='stMarkdownContainer']")
        assert inner.locator(ACTIVE).count() == 0, inner.inner_html()
    origin_note = next(t for t in texts if "unknown origin" in t)
    assert "30,000 characters" in origin_note and len(origin_note) < 500
    assert any("month '١' in the link is not 1-12" in t for t in texts), texts
