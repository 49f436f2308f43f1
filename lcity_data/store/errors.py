"""The one error the store raises to its callers: which store, what went wrong, what to do.

Why: the CLI and the app show this message as it is (one line, never a traceback), so it must name
the URL (password masked) and the next step a person can take.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@")[-1] if "@" in url else url


class StoreError(Exception):
    """The store cannot do what was asked; `str(err)` says which store and what to do."""

    def __init__(self, url: str, problem: str, hint: str) -> None:
        self.url = mask_url(url)
        self.problem = problem
        self.hint = hint
        super().__init__(f"data store {self.url}: {problem}. {hint}")


class ReleaseNotFoundError(StoreError):
    """The store works, but has no release with that number (a caller's bad argument)."""


class PublishInputError(ValueError):
    """The table handed to publish is not a publishable table (the caller's input, not the store)."""
