"""Text from files, uploads, the store or the URL, made safe for st.markdown/st.caption/st.error.

Why one helper: Streamlit renders those as Markdown (with HTML-ish directives, links and `$` maths),
so anything that did not come from our own catalog is escaped before it is shown.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """`text` shown literally: every ASCII punctuation mark is backslash-escaped (CommonMark), so no
    Markdown, HTML, `:directive[...]`, link or `$` maths is interpreted; line breaks become spaces."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
