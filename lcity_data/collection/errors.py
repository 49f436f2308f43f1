"""What a round refuses, in both languages, with the exit code the command line gives it.

Why one module: the CLI, the Returns page and the tests must tell apart "the round's rules say no"
(exit 1: wrong unit, own approval, nothing approved, someone else acted first) from "that round or
unit does not exist" (exit 2), and show the same sentence everywhere.
"""

from __future__ import annotations

EXIT_REFUSED, EXIT_BAD_INPUT = 1, 2


class RoundError(Exception):
    """A refusal a person can act on: `message_zh`, `message_en`."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


class RoundNotFound(RoundError):
    """No such round, or a unit that is not part of it."""


class Refused(RoundError):
    """The round's rules say no (nothing was changed)."""

    exit_code = EXIT_REFUSED


class ReviewConflict(Refused):
    """Another reviewer acted on the unit first, or it resubmitted since the reviewer looked."""


class SubmissionRejected(Refused):
    """A return that cannot be submitted: each cell's reason in `rejections` ({row, column, value, reason_zh,
    reason_en}); nothing was submitted."""

    def __init__(self, message_zh: str, message_en: str, rejections: list[dict] | None = None) -> None:
        super().__init__(message_zh, message_en)
        self.rejections = rejections or []
