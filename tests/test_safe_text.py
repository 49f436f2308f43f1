"""dashboard/safe_text.py: text from a URL, a file or an upload is shown literally on every surface."""

from __future__ import annotations

import re

import pytest

from dashboard import safe_text

# Markdown/HTML/Streamlit syntax that must never act: links, images, raw HTML, code spans, maths,
# Streamlit's :colour[...] and :material/...: directives, emphasis, headings, tables, strikethrough.
HOSTILE = [
    "\n\n[x](http://e.invalid/x)",
    "![](http://e.invalid/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "`code` ``two`` $x^2$ ~~s~~ **b** _i_ # h | a | b |",
    ":red[alert] :material/home:",
    "line\r\nbreak\u2028sep\tTab",
    "&lt;b&gt; \\[escaped\\]",
    "<http://e.invalid/autolink> www.e.invalid a@e.invalid",
    "\x00nul\x1b[31mansi\u202eevil",
    "`",
]


def code_span_content(shown: str) -> str:
    """The content of `shown` if it is exactly one CommonMark code span (else fail)."""
    m = re.fullmatch(r"(`+)(.*?)\1", shown, flags=re.DOTALL)
    assert m, shown
    fence, content = m.groups()
    assert all(len(run) != len(fence) for run in re.findall("`+", content)), "the span would close early"
    if content.startswith(" ") and content.endswith(" ") and content.strip():
        content = content[1:-1]  # CommonMark strips one space each side
    return content


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_is_one_code_span_on_one_line(value):
    shown = safe_text.plain(value)
    assert not {"\n", "\r", "\u2028"} & set(shown)
    line = safe_text.one_line(value)
    assert (shown == line) if safe_text._inert(line) else (code_span_content(shown) == line)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c == "\u202e" for c in shown), repr(shown)


def test_plain_keeps_the_words():
    assert safe_text.plain("2023年 海曙区\n\n[x](u)") == "`2023年 海曙区 [x](u)`"
    assert safe_text.plain(2024) == "2024"
    assert safe_text.plain("市终身教育指导中心（宁波）") == "市终身教育指导中心（宁波）"
    assert safe_text.plain("a`b") == "``a`b``"
    assert safe_text.plain("`a") == "`` `a ``"
    assert safe_text.plain("\n") == ""


def test_html_text_escapes_markup_and_quotes():
    assert safe_text.html_text('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert safe_text.html_text(None) == ""
