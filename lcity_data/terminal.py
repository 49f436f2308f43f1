"""Text for a terminal: what a file or an argument holds is shown, never acted on.

Why: a cell, a file name or a sheet name can hold ANSI escape sequences (clear the screen, recolour,
retitle the window) or bidi overrides that reorder what a person reads; `check` and `publish` echo
such text in their reports. Control, format and line-separator characters are escaped instead.
"""

from __future__ import annotations

import unicodedata


def terminal_safe(text: str) -> str:
    """`text` with control, format and line-separator characters escaped (\\x1b, \\u202e, \\n)."""
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp") else ch
                   for ch in text)


def terminal_lines(text: str) -> str:
    """Several lines of a report, each made terminal-safe (the line breaks between them kept)."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))
