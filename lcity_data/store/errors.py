"""The one error the store raises to its callers: which store, what went wrong, what to do.

Why: the CLI and the app show this message as it is (one line, never a traceback), so it must name
the URL (password masked) and the next step a person can take.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SECRET_WORDS = ("password", "pass", "pwd", "secret")
"""A query parameter whose name contains one of these is a secret (password=, sslpassword=, client_secret=)."""
_QUERY_PARAM = re.compile(r"([?&;])([^=&;#]*)=([^&;#]*)")


def _mask_query(url: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = unquote_plus(m.group(2)).lower()
        return f"{m.group(1)}{m.group(2)}=***" if any(w in name for w in SECRET_WORDS) else m.group(0)

    return _QUERY_PARAM.sub(one, url)


def mask_url(url: str) -> str:
    """The URL with every password replaced by ***, safe to print or log: the one in `user:pw@` and any
    query parameter named like a secret (`?password=`, `sslpassword=`, `pwd=`, `client_secret=`)."""
    try:
        return _mask_query(make_url(url).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):  # not parsable: hide the whole user part, whatever it holds
        masked = _mask_query(url)
        scheme, sep, rest = masked.partition("://") if "://" in masked else ("", "", masked)
        return f"{scheme}{sep}***@{rest.rsplit('@', 1)[1]}" if "@" in rest else f"{scheme}{sep}{rest}"


def scrub(text: str, url: str) -> str:
    """`text` with any copy of `url` (as given or as SQLAlchemy prints it) replaced by the masked URL."""
    masked = mask_url(url)
    copies = {url}
    try:
        parsed = make_url(url)
        copies |= {parsed.render_as_string(hide_password=False), parsed.render_as_string(hide_password=True)}
    except (ArgumentError, ValueError):
        pass
    for copy in sorted(copies, key=len, reverse=True):
        if copy:
            text = text.replace(copy, masked)
    return text


class StoreError(Exception):
    """The store cannot do what was asked; `str(err)` says which store and what to do."""

    def __init__(self, url: str, problem: str, hint: str) -> None:
        self.url = mask_url(url)
        self.problem = scrub(problem, url)
        self.hint = hint
        super().__init__(f"data store {self.url}: {self.problem}. {hint}")


class ReleaseNotFoundError(StoreError):
    """The store works, but has no release with that number (a caller's bad argument)."""


class PublishInputError(ValueError):
    """The table handed to publish is not a publishable table (the caller's input, not the store)."""
