"""Text from outside the app (URL parameters, uploads and their names, the store) shown as text.

Why one module: Streamlit renders st.markdown, st.caption, st.info/warning/error/success, toasts, widget
labels and help tooltips as GitHub-flavoured Markdown with HTML, `$maths$`, `:colour[...]` and
`:material/...:` extensions. A newline in a URL parameter once ended the link notice's code span and
turned the rest into a live link, or an image the browser fetched from anywhere. Backslash escapes are
not enough: GFM still turns a bare `http://…`, `www.…` or e-mail address in escaped text into a link.
So every value echoed from outside reaches those surfaces through `plain` (one line, inside a code
span, where CommonMark interprets nothing), and plotly hovers / folium tooltips through `html_text`.
"""

from __future__ import annotations

import html
import re
import unicodedata

_BACKTICKS = re.compile("`+")


def one_line(value: object) -> str:
    """`value` on one line: control and format characters dropped, any run of whitespace one space."""
    text = "".join(" " if ch.isspace() else ch for ch in str(value)
                    if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(text.split())


_INERT_ASCII = frozenset(" ()/-,")  # no "[", ":", "." or "@": nothing can start a link or an autolink


def _inert(text: str) -> bool:
    """Letters, digits, non-ASCII punctuation and a few plain ASCII marks only (a district, a person's or a
    unit's name): nothing Markdown, HTML or GFM's autolinker acts on, so it can be shown as ordinary text."""
    return all(ch.isalnum() or ch in _INERT_ASCII or (ord(ch) > 127 and unicodedata.category(ch).startswith("P"))
               for ch in text)


def plain(value: object) -> str:
    """`value` for a Markdown surface, shown literally: inert text as it is, anything else as one line in
    a code span whose fence is longer than any run of backticks inside, so no link, image, HTML, maths,
    emphasis or directive can start."""
    text = one_line(value)
    if not text or _inert(text):
        return text
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_text(value: object) -> str:
    """`value` for an HTML surface (plotly hover text, folium tooltips): markup and quotes escaped."""
    return "" if value is None else html.escape(str(value), quote=True)
